"""An import killed with SIGKILL between linking a checked copy into place and removing its
hidden temporary name leaves `.NAME.importing-XXXX`; the resumed import, or maintenance
once the import is gone, removes it, and every photo is in place exactly once."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from cli_kit import Cli, killed_run

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, {"pipeline": {"poll_ms": 100}, "processing": {"workers": 1}})


@pytest.fixture
def card(tmp_path: Path) -> Path:
    folder = tmp_path / "card"
    folder.mkdir()
    for n in (1, 2, 3):
        shutil.copyfile(DATA / f"IMG_000{n}.JPG", folder / f"IMG_{n}.JPG")
    return folder


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".importing-" in p.name)


def killed_import(cli: Cli, card: Path) -> Path:
    """An import whose worker died right after the second copy was linked into place."""
    folder = Path(cli.ok("project", "create", "Card")["path"])
    cli.ok("import", "Card", str(card))
    killed_run(cli, "import.after_link:2")
    (left,) = leftovers(folder)
    assert left.startswith(".IMG_2.JPG.importing-")
    assert (folder / left).samefile(folder / "IMG_2.JPG")  # two names, one copy
    return folder


def test_the_resumed_import_removes_the_leftover_of_the_killed_one(cli: Cli, card: Path) -> None:
    folder = killed_import(cli, card)
    resumed = cli.run("run", "--until-idle", "--timeout", "60")
    assert resumed.returncode == 0, resumed.stderr
    assert leftovers(folder) == []
    originals = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert originals == [".project.yaml", "IMG_1.JPG", "IMG_2.JPG", "IMG_3.JPG"]
    for name in ("IMG_1.JPG", "IMG_2.JPG", "IMG_3.JPG"):
        assert digest(folder / name) == digest(card / name)
    (task,) = cli.ok("tasks", "--all")
    assert task["status"] == "completed"
    assert {p["base"] for p in cli.ok("photos", "Card")} == {"IMG_1", "IMG_2", "IMG_3"}


def test_maintenance_removes_the_leftover_of_an_import_that_was_canceled(
    cli: Cli, card: Path
) -> None:
    folder = killed_import(cli, card)
    (task,) = cli.ok("tasks")
    cli.ok("cancel", task["task_id"])
    done = cli.run("maintenance", "Card", "--wait")
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert leftovers(folder) == []
    assert digest(folder / "IMG_2.JPG") == digest(card / "IMG_2.JPG")  # the photo stays
    assert not (folder / "IMG_3.JPG").exists()  # never copied: the import was canceled
