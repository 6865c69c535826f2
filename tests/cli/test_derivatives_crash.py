"""Derivatives and crashes: a `photojobs-cli run` killed with SIGKILL in the middle of a
derivatives job (at a crash point named through PHOTOJOBS_CRASH_AT) leaves no photo pending
and no stale thumbnail once a restarted run is idle. And `process BASE --force` remakes
just the photos it names."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_kit import Cli, killed_run

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
def project(cli: Cli) -> Path:
    """P1..P6, each a different sample JPEG, scanned: pending derivatives."""
    folder = Path(cli.ok("project", "create", "Crash")["path"])
    for n in range(1, PHOTOS + 1):
        shutil.copyfile(DATA / f"IMG_000{n}.JPG", folder / f"P{n}.JPG")
    cli.ok("scan", "Crash")
    return folder


def photos(cli: Cli) -> dict[str, dict[str, Any]]:
    return {p["base"]: p for p in cli.ok("photos", "Crash")}


def thumbs(folder: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in (folder / ".thumb").glob("*.jpg")}


def assert_all_made(cli: Cli, folder: Path) -> None:
    for base, photo in photos(cli).items():
        assert (photo["thumbnail_status"], photo["preview_status"]) == (
            "generated",
            "generated",
        ), base
        assert (folder / ".thumb" / f"{base}.jpg").is_file(), base
        assert (folder / ".preview" / f"{base}.jpg").is_file(), base
    jobs = cli.ok("jobs", "--all", "--show-maintenance")
    assert {j["status"] for j in jobs} == {"completed"}


def test_killed_after_writing_a_thumbnail_the_restart_records_or_remakes_it(
    cli: Cli, project: Path
) -> None:
    cli.ok("process", "Crash")
    killed_run(cli, "derivatives.after_write:3")

    # The moment was real: P3's files are on disk, the database never heard of them.
    assert (project / ".thumb" / "P3.jpg").is_file()
    assert photos(cli)["P3"]["thumbnail_status"] == "pending"

    restart = cli.run("run", "--until-idle", "--timeout", "60")
    assert restart.returncode == 0, restart.stderr
    assert_all_made(cli, project)


def test_killed_before_writing_a_changed_photo_the_restart_makes_it_from_the_new_source(
    cli: Cli, project: Path
) -> None:
    assert cli.ok("process", "Crash", "--wait")["status"] == "completed"
    before = thumbs(project)
    assert len(before) == PHOTOS
    for n in range(1, PHOTOS + 1):  # every photo edited: P1 now shows IMG_0002, and so on
        shutil.copyfile(DATA / f"IMG_000{n % PHOTOS + 1}.JPG", project / f"P{n}.JPG")

    cli.ok("process", "Crash")
    killed_run(cli, "derivatives.before_write:2")
    assert thumbs(project)["P2"] == before["P2"], "killed before P2's thumbnail was written"

    restart = cli.run("run", "--until-idle", "--timeout", "60")
    assert restart.returncode == 0, restart.stderr
    assert_all_made(cli, project)
    after = thumbs(project)
    stale = sorted(base for base in before if after[base] == before[base])
    assert stale == [], "thumbnails still showing the photo before the edit"


def test_process_force_remakes_the_named_photos_and_refuses_unknown_names(
    cli: Cli, project: Path
) -> None:
    assert cli.ok("process", "Crash", "--wait")["status"] == "completed"
    for path in (project / ".thumb").iterdir():
        path.write_bytes(b"damaged")  # what a force is for: files the fingerprint cannot see

    done = cli.ok("process", "Crash", "P2", "P5", "--force", "--wait")
    assert (done["status"], done["derivatives_failed"]) == ("completed", [])
    remade = {b for b, data in thumbs(project).items() if data != b"damaged"}
    assert remade == {"P2", "P5"}

    err = cli.fails("process", "Crash", "P2", "NOPE", "--force", "--wait")
    assert "NOPE" in err and "P2" not in err and "Crash" in err
    assert len(cli.ok("tasks", "--all")) == 2, "no task was started for a name that is not there"
