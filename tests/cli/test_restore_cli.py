"""`photojobs-cli restore` that cannot lie: a restore killed (SIGKILL) right after moving a
file back is settled by the next run like a commit, and a name that is not in the trash
is a failed item and exit 1, never "completed"."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_kit import Cli

from photojobs.core.config import load_config
from photojobs.core.crash_points import CRASH_ENV
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project, set_keep

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, {"processing": {"thumbnail": {"max_dim": 64}, "preview": {"max_dim": 96}}})


@pytest.fixture
def committed(cli: Cli) -> Path:
    """Project 'Shoot' whose A.JPG and B.JPG are in the trash (A.DNG, B.DNG kept)."""
    lib = Library.open(cli.lib, load_config(cli.config))
    project = lib.create_project("Shoot")
    for i, base in enumerate("AB", 1):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"{base}.JPG")
        shutil.copyfile(DATA / "RAWFULL_0002.DNG", project.path / f"{base}.DNG")
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
        assert set_keep(s, project.id, ["A", "B"], KeepDecision.RAW_ONLY) == []
    lib.close()
    assert cli.ok("commit", "Shoot", "--wait")["status"] == "completed"
    return project.path


def rows(cli: Cli, sql: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(cli.lib / ".photojobs" / "library.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def killed_at(cli: Cli, point: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "photojobs.cli.main", "--library", str(cli.lib)]
    cmd += ["--config", str(cli.config), *args]
    env = cli.env | {CRASH_ENV: point}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("point", ["restore:linked", "restore:moved"])
def test_a_restore_killed_after_moving_a_file_back_is_settled(
    cli: Cli, committed: Path, point: str
) -> None:
    jpg = (DATA / "IMG_0001.JPG").read_bytes()

    crash = killed_at(cli, point, "restore", "Shoot", "--file", "A.JPG", "--wait")

    assert crash.returncode == -signal.SIGKILL, (crash.stdout, crash.stderr)
    assert (committed / "A.JPG").read_bytes() == jpg, "the file is back at the kill"
    (entry,) = rows(cli, "SELECT * FROM trash_entries WHERE original_name = 'A.JPG'")
    assert entry["status"] == "restoring"

    again = cli.run("run", "--until-idle")

    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert (committed / "A.JPG").read_bytes() == jpg
    assert sorted(p.name for p in (committed / ".trash").iterdir()) == [
        n["trash_name"] for n in rows(cli, "SELECT * FROM trash_entries WHERE status='confirmed'")
    ]
    (entry,) = rows(cli, "SELECT * FROM trash_entries WHERE original_name = 'A.JPG'")
    assert entry["status"] == "restored"
    assert [e["original_name"] for e in cli.ok("trash", "Shoot")] == ["B.JPG"]
    (task,) = [t for t in cli.ok("tasks", "--all") if t["task_type"] == "restore"]
    assert task["status"] == "completed"
    restore = next(j for j in task["jobs"] if j["type"] == "restore_files")
    items = rows(cli, f"SELECT key, status, message FROM job_items WHERE job_id = {restore['id']}")
    assert items == [{"key": "A.JPG", "status": "done", "message": None}]
    photo = next(p for p in cli.ok("photos", "Shoot") if p["base"] == "A")
    assert photo["files"] == ["A.DNG", "A.JPG"] and photo["keep_jpg"]


def test_maintenance_settles_a_restore_cut_short(cli: Cli, committed: Path) -> None:
    crash = killed_at(cli, "restore:moved", "restore", "Shoot", "--file", "B.JPG", "--wait")
    assert crash.returncode == -signal.SIGKILL
    conn = sqlite3.connect(cli.lib / ".photojobs" / "library.db")
    conn.execute("UPDATE jobs SET status = 'canceled' WHERE type = 'restore_files'")
    conn.commit()
    conn.close()

    assert cli.ok("maintenance", "Shoot", "--wait")["status"] == "completed"

    (entry,) = rows(cli, "SELECT * FROM trash_entries WHERE original_name = 'B.JPG'")
    assert entry["status"] == "restored"
    assert [e["original_name"] for e in cli.ok("trash", "Shoot")] == ["A.JPG"]


def test_restoring_a_name_that_is_not_in_the_trash_fails(cli: Cli, committed: Path) -> None:
    proc = cli.run("restore", "Shoot", "--file", "a.jpg", "nothing.JPG", "--wait", "--json")

    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "completed"
    assert result["failed"] == [
        {
            "job": "restore_files",
            "key": "a.jpg",
            "name": "a.jpg",
            "reason": "not in the trash of this project (did you mean A.JPG?)",
            "message": "a.jpg: not in the trash of this project (did you mean A.JPG?)",
        },
        {
            "job": "restore_files",
            "key": "nothing.JPG",
            "name": "nothing.JPG",
            "reason": "not in the trash of this project",
            "message": "nothing.JPG: not in the trash of this project",
        },
    ]
    assert not (committed / "A.JPG").exists() and not (committed / "a.jpg").exists()
    assert len(cli.ok("trash", "Shoot")) == 2


def test_a_partial_restore_brings_back_what_it_found_and_fails_the_rest(
    cli: Cli, committed: Path
) -> None:
    human = cli.run("restore", "Shoot", "--file", "A.JPG", "typo.JPG", "--wait")

    assert human.returncode == 1
    assert "failed: typo.JPG: not in the trash of this project" in human.stdout
    assert (committed / "A.JPG").exists()
    again = cli.run("restore", "Shoot", "--file", "A.JPG", "--wait")
    assert again.returncode == 1
    assert "A.JPG: not in the trash of this project (it was restored already)" in again.stdout


def test_restoring_an_unknown_commit_fails(cli: Cli, committed: Path) -> None:
    proc = cli.run("restore", "Shoot", "--task", "no-such-task", "--wait")

    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "commit no-such-task: none of its files is in the trash" in proc.stdout
    assert len(cli.ok("trash", "Shoot")) == 2


def test_a_restore_killed_mid_batch_is_finished_file_by_file(cli: Cli, committed: Path) -> None:
    """Both files are journaled `restoring` in one transaction; the kill comes after the
    first is back and before the second moves: the retry finishes the one and moves the
    other, and reports each once."""
    crash = killed_at(cli, "restore:moved:1", "restore", "Shoot", "--all", "--wait")

    assert crash.returncode == -signal.SIGKILL, (crash.stdout, crash.stderr)
    entries = rows(cli, "SELECT original_name, status FROM trash_entries ORDER BY id")
    assert {e["status"] for e in entries} == {"restoring"}
    assert sum((committed / e["original_name"]).exists() for e in entries) == 1

    again = cli.run("run", "--until-idle")

    assert again.returncode == 0, again.stderr
    assert (committed / "A.JPG").exists() and (committed / "B.JPG").exists()
    assert list((committed / ".trash").iterdir()) == []
    assert {e["status"] for e in rows(cli, "SELECT status FROM trash_entries")} == {"restored"}
    items = rows(cli, "SELECT key, status FROM job_items ORDER BY key")
    restore_items = [i for i in items if i["key"] in ("A.JPG", "B.JPG")]
    assert restore_items == [
        {"key": "A.JPG", "status": "done"},
        {"key": "B.JPG", "status": "done"},
    ]
