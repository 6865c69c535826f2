"""photojobs-cli as other tools see it: a subprocess, JSON on stdout, exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_kit import Cli

PROJECT_KEYS = {"id", "name", "folder", "path"}
LISTED_KEYS = PROJECT_KEYS | {"photo_count", "pending_count"}
PHOTO_KEYS = {"id", "base", "files", "jpg_available", "raw_available", "other_available",
              "keep_jpg", "keep_raw", "pending", "thumbnail_status", "preview_status",
              "date_taken", "rating", "flag", "label", "tags"}  # fmt: skip


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_cull_a_project_end_to_end(cli: Cli) -> None:
    assert cli.ok("library", "init") == {"path": str(cli.lib)}

    created = cli.ok("project", "create", "Wedding: Smith")
    assert set(created) == PROJECT_KEYS
    assert created["name"] == "Wedding: Smith" and created["folder"] == "Wedding Smith"
    folder = Path(created["path"])
    assert folder == cli.lib / "Wedding Smith" and folder.is_dir()
    for name in ("A.JPG", "A.ARW", "B.jpg", "B.NEF", "B.NEF.xmp", "C.JPG", "notes.txt"):
        (folder / name).write_bytes(name.encode())

    scanned = cli.ok("scan", created["id"])
    bad_sidecar = scanned.pop("sidecars_failed")
    assert [m.split(":")[0] for m in bad_sidecar] == ["B.NEF.xmp"], "junk sidecar: reported"
    assert scanned == {"added": ["A", "B", "C"], "updated": [], "removed": [],
                       "unknown": ["notes.txt"]}  # fmt: skip

    photos = cli.ok("photos", "Wedding Smith")
    assert [p["base"] for p in photos] == ["A", "B", "C"]
    assert all(set(p) == PHOTO_KEYS for p in photos)
    assert photos[1] | {"id": 0} == {
        "id": 0, "base": "B", "files": ["B.NEF", "B.NEF.xmp", "B.jpg"], "jpg_available": True,
        "raw_available": True, "other_available": False, "keep_jpg": True, "keep_raw": True,
        "pending": False, "thumbnail_status": "pending", "preview_status": "pending",
        "date_taken": None, "rating": 0, "flag": "none", "label": "none", "tags": [],
    }  # fmt: skip

    assert cli.ok("keep", "Wedding: Smith", "A", "--jpg-only") == {"updated": ["A"]}
    err = cli.fails("keep", "Wedding Smith", "B", "C", "--raw-only")
    assert "C: has no RAW file to keep" in err and "B" not in err

    pending = cli.ok("--json", "photos", "wedding: smith", "--pending")
    assert [(p["base"], p["keep_jpg"], p["keep_raw"], p["pending"]) for p in pending] == [
        ("A", True, False, True),
        ("B", False, True, True),
    ]

    [listed] = cli.ok("project", "list")
    assert set(listed) == LISTED_KEYS
    assert listed == {**created, "photo_count": 3, "pending_count": 2}

    assert cli.ok("revert", "Wedding Smith") == {"reverted": 2}
    assert cli.ok("photos", created["id"], "--pending") == []
    assert sorted(p.name for p in folder.iterdir()) == [
        ".project.yaml", "A.ARW", "A.JPG", "B.NEF", "B.NEF.xmp", "B.jpg", "C.JPG", "notes.txt"
    ]  # fmt: skip


def test_rename_and_delete(cli: Cli) -> None:
    created = cli.ok("project", "create", "Draft")
    renamed = cli.ok("project", "rename", "Draft", "Final?")
    assert set(renamed) == PROJECT_KEYS
    assert (renamed["id"], renamed["name"], renamed["folder"]) == (created["id"], "Final?", "Final")
    deleted = cli.ok("project", "delete", "Final?")
    moved = Path(deleted["moved_to"])
    assert set(deleted) == {"moved_to"}
    assert moved.parent == cli.lib / ".trash" and moved.is_dir()
    assert not (cli.lib / "Final").exists()
    assert cli.ok("project", "list") == []


def test_errors_are_one_line_with_exit_code_1(cli: Cli, tmp_path: Path) -> None:
    assert "no project 'Nowhere'" in cli.fails("photos", "Nowhere")

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"pipeline": {"max_parallel_jobs": "four"}}), "utf-8")
    err = cli.fails("--config", str(bad), "project", "list")
    assert "pipeline.max_parallel_jobs" in err and "whole number" in err

    assert "not found" in cli.fails("--config", str(tmp_path / "missing.json"), "project", "list")

    (tmp_path / "a-file").write_text("not a folder")
    proc = cli.run("--library", str(tmp_path / "a-file"), "project", "list", library=False)
    assert proc.returncode == 1 and "must be a folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_user_config_file_in_the_platform_folder_is_read(cli: Cli, tmp_path: Path) -> None:
    user = tmp_path / "xdg-config" / "PhotoJobs" / "config.json"
    user.parent.mkdir(parents=True)
    user.write_text('{"processing": {"workers": -2}}', "utf-8")
    err = cli.fails("project", "list")
    assert "processing.workers" in err and str(user) in err


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["keep", "P", "A"],
        ["keep", "P", "A", "--jpg-only", "--raw-only"],
        ["project", "frobnicate"],
    ],
)
def test_bad_usage_exits_2(cli: Cli, args: list[str]) -> None:
    err = cli.fails(*args, code=2)
    assert "usage:" in err
    assert not cli.lib.exists(), "bad usage touches nothing"
