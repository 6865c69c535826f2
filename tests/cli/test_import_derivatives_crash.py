"""An import makes thumbnails and previews while it copies; a `photojobs-cli run` killed with
SIGKILL around one of those renders (before its files are written, after they are written
but before the database heard of them, right after they were recorded) leaves nothing
wrong: once a restarted run is idle, every photo has its own thumbnail and preview, none is
pending, and `.thumb/` and `.preview/` hold exactly one file per photo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_kit import Cli, killed_run
from PIL import Image, ImageOps

DATA = Path(__file__).parents[1] / "data"
PHOTOS = 6
CONFIG = {
    "processing": {"thumbnail": {"max_dim": 48}, "preview": {"max_dim": 64}, "workers": 1},
    "pipeline": {"poll_ms": 100},
}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, CONFIG)


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """P1..P6, each a different sample JPEG."""
    folder = tmp_path / "card"
    folder.mkdir()
    for n in range(1, PHOTOS + 1):
        shutil.copyfile(DATA / f"IMG_000{n}.JPG", folder / f"P{n}.JPG")
    return folder


def photos(cli: Cli) -> dict[str, dict[str, Any]]:
    return {p["base"]: p for p in cli.ok("photos", "Crash")}


def looks_like(derivative: Path, original: Path) -> bool:
    """The same picture, the same way up (small enough to compare whole)."""
    with Image.open(derivative) as d, Image.open(original) as o:
        a = np.asarray(d.convert("RGB").resize((48, 32)), dtype=float)
        b = np.asarray(ImageOps.exif_transpose(o).convert("RGB").resize((48, 32)), dtype=float)
    return bool(np.abs(a - b).mean() < 12)


def assert_every_photo_made(cli: Cli, folder: Path) -> None:
    found = photos(cli)
    assert sorted(found) == [f"P{n}" for n in range(1, PHOTOS + 1)]
    for base, photo in found.items():
        assert (photo["thumbnail_status"], photo["preview_status"]) == ("generated", "generated")
        for kind, size in ((".thumb", 48), (".preview", 64)):
            made = folder / kind / f"{base}.jpg"
            with Image.open(made) as im:
                assert max(im.size) == size, (base, kind)  # the real one, not the stand-in
            assert looks_like(made, folder / f"{base}.JPG"), (base, kind)
    for kind in (".thumb", ".preview"):  # no orphan, no half-written file
        assert sorted(p.name for p in (folder / kind).iterdir()) == [f"{b}.jpg" for b in found]
    assert not [p.name for p in folder.iterdir() if ".importing-" in p.name]
    jobs = cli.ok("jobs", "--all", "--show-maintenance")
    assert {j["status"] for j in jobs} == {"completed"}, jobs
    (task,) = cli.ok("tasks", "--all")
    assert task["status"] == "completed"


def import_job(cli: Cli) -> dict[str, Any]:
    (job,) = [j for j in cli.ok("jobs", "--all") if j["type"] == "import_files"]
    return job


@pytest.mark.parametrize(
    "moment",
    ["derivatives.before_write:1", "derivatives.after_write:1", "import.derivatives_recorded:1"],
)
def test_an_import_killed_around_a_render_ends_with_every_photo_made(
    cli: Cli, card: Path, moment: str
) -> None:
    folder = Path(cli.ok("project", "create", "Crash")["path"])
    cli.ok("import", "Crash", str(card))
    killed_run(cli, moment)

    # The moment was real, and came while the import was still copying or recording.
    assert import_job(cli)["status"] == "running"
    thumb = folder / ".thumb" / "P1.jpg"
    if moment.startswith("derivatives.before_write"):
        assert not (folder / ".preview").exists() or not list((folder / ".preview").iterdir())
    else:  # P1's files are on disk
        with Image.open(thumb) as im:
            assert max(im.size) == 48
    p1 = photos(cli).get("P1")  # no row yet, or a row still waiting for its derivatives
    if moment.startswith("import."):
        assert p1 is not None and p1["thumbnail_status"] == "generated"
    else:
        assert p1 is None or p1["thumbnail_status"] == "pending"

    restart = cli.run("run", "--until-idle", "--timeout", "60")
    assert restart.returncode == 0, restart.stderr
    assert_every_photo_made(cli, folder)
