"""Names near the filesystem's 255-byte limit: a photo whose base is 238-251 bytes gets its
thumbnail and preview (their temporary names are shortened), and it imports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_kit import Cli

DATA = Path(__file__).parents[1] / "data"
LONG = "A" * 245  # + ".JPG": 249 bytes, a legal name; `.NAME.jpg.XXXXXXXX.tmp` is not
WIDE = "é" * 124  # 248 bytes in UTF-8: shortening must keep whole characters


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, {"processing": {"thumbnail": {"max_dim": 48}, "preview": {"max_dim": 64}}})


def test_a_photo_with_a_very_long_name_gets_its_derivatives(cli: Cli) -> None:
    folder = Path(cli.ok("project", "create", "Long")["path"])
    for base, n in ((LONG, 1), (WIDE, 2), ("SHORT", 3)):
        shutil.copyfile(DATA / f"IMG_000{n}.JPG", folder / f"{base}.JPG")
    cli.ok("scan", "Long")
    proc = cli.run("process", "Long", "--wait", "--json")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    data = json.loads(proc.stdout)
    assert (data["status"], data["derivatives_failed"]) == ("completed", [])
    assert "Traceback" not in proc.stderr
    for base in (LONG, WIDE, "SHORT"):
        assert (folder / ".thumb" / f"{base}.jpg").stat().st_size > 0
        assert (folder / ".preview" / f"{base}.jpg").stat().st_size > 0
    statuses = {p["base"]: p["thumbnail_status"] for p in cli.ok("photos", "Long")}
    assert statuses == {LONG: "generated", WIDE: "generated", "SHORT": "generated"}
    assert [p.name for p in (folder / ".thumb").iterdir() if p.name.startswith(".")] == []


def test_a_file_with_a_very_long_name_imports(cli: Cli, tmp_path: Path) -> None:
    cli.ok("project", "create", "Long")
    card = tmp_path / "card"
    card.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", card / f"{LONG}.JPG")
    proc = cli.run("import", "Long", str(card), "--wait", "--json")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    data = json.loads(proc.stdout)
    assert (data["status"], data["failed"], data["derivatives_failed"]) == ("completed", [], [])
    (photo,) = cli.ok("photos", "Long")
    assert photo["base"] == LONG
