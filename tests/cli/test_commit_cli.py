"""`photojobs-cli commit / trash / restore / maintenance` as a script sees them: a
subprocess, JSON on stdout, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from cli_kit import Cli

from photojobs.core.config import load_config
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project, set_keep

DATA = Path(__file__).parents[1] / "data"
TRASH_KEYS = {"original_name", "trash_path", "trashed_at", "task_id", "photo_base"}


def blake(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, {"processing": {"thumbnail": {"max_dim": 64}, "preview": {"max_dim": 96}}})


@pytest.fixture
def folder(cli: Cli) -> Path:
    """Project 'Shoot': A kept RAW only, B kept JPG only, C discarded, D kept whole (made
    in-process to save CLI start-ups; the commands under test all run as subprocesses)."""
    lib = Library.open(cli.lib, load_config(cli.config))
    project = lib.create_project("Shoot")
    for i, base in enumerate("ABCD", 1):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"{base}.JPG")
        shutil.copyfile(DATA / "RAWFULL_0002.DNG", project.path / f"{base}.DNG")
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
        for base, decision in (
            ("A", KeepDecision.RAW_ONLY),
            ("B", KeepDecision.JPG_ONLY),
            ("C", KeepDecision.NONE),
        ):
            assert set_keep(s, project.id, [base], decision) == []
    lib.close()
    return project.path


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: blake(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name[0] != "."}


def test_commit_trash_and_restore_by_task(cli: Cli, folder: Path) -> None:
    before = hashes(folder)

    started = cli.ok("commit", "Shoot")
    assert started.keys() >= {"task_id", "pending", "pending_jpg", "pending_raw"}
    assert (started["pending"], started["pending_jpg"], started["pending_raw"]) == (3, 2, 2)
    assert cli.ok("commit", "Shoot")["task_id"] == started["task_id"], "queued: same task"
    assert hashes(folder) == before, "without --wait nothing has run yet"
    assert cli.run("run", "--until-idle").returncode == 0

    trash = cli.ok("trash", "Shoot")
    assert all(e.keys() >= TRASH_KEYS for e in trash)
    assert sorted((e["original_name"], e["photo_base"]) for e in trash) == [
        ("A.JPG", "A"),
        ("B.DNG", "B"),
        ("C.DNG", "C"),
        ("C.JPG", "C"),
    ]
    for e in trash:
        assert e["task_id"] == started["task_id"]
        assert blake(Path(e["trash_path"])) == before[e["original_name"]]
        assert Path(e["trash_path"]).parent == folder / ".trash"
        assert datetime.fromisoformat(e["trashed_at"]).tzinfo is not None
    assert sorted(hashes(folder)) == ["A.DNG", "B.JPG", "D.DNG", "D.JPG"]
    human = cli.run("trash", "Shoot")
    assert human.returncode == 0 and "C.JPG\t" in human.stdout

    restored = cli.ok("restore", "Shoot", "--task", started["task_id"], "--wait")
    assert restored["status"] == "completed" and restored["task_id"] != started["task_id"]
    assert hashes(folder) == before
    assert cli.ok("trash", "Shoot") == []
    assert cli.run("trash", "Shoot").stdout == "The trash is empty.\n"
    assert cli.ok("photos", "Shoot", "--pending") == []
    assert (folder / ".thumb" / "C.jpg").exists()


def test_commit_wait_then_restore_files_and_all(cli: Cli, folder: Path) -> None:
    before = hashes(folder)
    done = cli.ok("commit", "Shoot", "--wait")
    assert done["status"] == "completed"
    assert sorted(hashes(folder)) == ["A.DNG", "B.JPG", "D.DNG", "D.JPG"]

    picked = cli.ok("restore", "Shoot", "--file", "C.JPG", "B.DNG", "--wait")
    assert picked["status"] == "completed"
    assert sorted(hashes(folder)) == ["A.DNG", "B.DNG", "B.JPG", "C.JPG", "D.DNG", "D.JPG"]
    assert sorted(e["original_name"] for e in cli.ok("trash", "Shoot")) == ["A.JPG", "C.DNG"]

    assert cli.ok("restore", "Shoot", "--all", "--wait")["status"] == "completed"
    assert hashes(folder) == before
    assert cli.ok("trash", "Shoot") == []


def test_maintenance_for_one_project_or_all(cli: Cli, folder: Path) -> None:
    other = Path(cli.ok("project", "create", "Other")["path"])
    shutil.copyfile(DATA / "IMG_0005.JPG", folder / "NEW.JPG")
    shutil.copyfile(DATA / "IMG_0006.JPG", other / "X.JPG")
    (folder / "notes.txt").write_text("left alone")

    one = cli.ok("maintenance", "Shoot", "--wait")
    assert one["status"] == "completed" and len(one["task_ids"]) == 1
    assert "NEW" in [p["base"] for p in cli.ok("photos", "Shoot")]
    assert (folder / ".thumb" / "NEW.jpg").exists()
    assert cli.ok("photos", "Other") == []
    assert (folder / "notes.txt").read_text() == "left alone"

    both = cli.ok("maintenance", "--wait")  # two projects, and the library's job history
    assert both["status"] == ["completed"] * 3 and len(both["task_ids"]) == 3
    history = cli.ok("tasks", "--all", "--show-maintenance")
    assert [t["task_type"] for t in history].count("history_cleaning") == 1
    assert [p["base"] for p in cli.ok("photos", "Other")] == ["X"]

    queued = cli.ok("maintenance")
    assert cli.ok("maintenance")["task_ids"] == queued["task_ids"], "never stacked"


def test_nothing_to_commit_is_one_line_and_exit_1(cli: Cli, folder: Path) -> None:
    cli.ok("revert", "Shoot")
    err = cli.fails("commit", "Shoot")
    assert err == "photojobs-cli: nothing to commit in 'Shoot': no deletions are pending\n"
    assert cli.ok("tasks", "--all") == []
    proc = cli.run("commit", "Shoot", "--json")
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr


def test_errors_and_bad_usage(cli: Cli, folder: Path) -> None:
    assert "no project 'Nowhere'" in cli.fails("commit", "Nowhere")
    assert "no project 'Nowhere'" in cli.fails("trash", "Nowhere")
    assert "usage:" in cli.fails("restore", "Shoot", code=2)
    assert "usage:" in cli.fails("restore", "Shoot", "--all", "--task", "x", code=2)
    assert cli.run("restore", "Shoot", "--task", "no-such-task", "--wait").returncode == 1


def test_a_restore_conflict_is_reported_and_exits_1(cli: Cli, folder: Path) -> None:
    before = hashes(folder)
    task = cli.ok("commit", "Shoot", "--wait")["task_id"]
    shutil.copyfile(DATA / "IMG_0008.JPG", folder / "C.JPG")  # a new file took the name

    proc = cli.run("restore", "Shoot", "--task", task, "--wait", "--json")

    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "completed"
    assert result["failed"] == [
        {
            "job": "restore_files",
            "key": "C.JPG",
            "name": "C.JPG",
            "reason": "a file with this name is already in the project (not overwritten)",
            "message": "C.JPG: a file with this name is already in the project (not overwritten)",
        }
    ]
    assert blake(folder / "C.JPG") == blake(DATA / "IMG_0008.JPG")
    [left] = cli.ok("trash", "Shoot")
    assert left["original_name"] == "C.JPG" and blake(Path(left["trash_path"])) == before["C.JPG"]
    human = cli.run("restore", "Shoot", "--file", "C.JPG", "--wait")
    assert human.returncode == 1
    assert "failed: C.JPG: a file with this name is already in the project" in human.stdout
