"""The library boundary from the command line: a known project folder replaced by a link
to elsewhere is refused, not followed, by every command that writes in it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from cli_kit import Cli

from photojobs.core.config import load_config
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project, set_keep

DATA = Path(__file__).parents[1] / "data"


def tree(folder: Path) -> dict[str, str]:
    """Every entry under `folder`, hidden ones included, with the hash of each file."""
    return {
        str(p.relative_to(folder)): hashlib.blake2b(p.read_bytes()).hexdigest()
        if p.is_file()
        else ""
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, {})


@pytest.fixture
def linked(cli: Cli, tmp_path: Path) -> Path:
    """Project 'Shoot' (A.JPG + A.DNG, RAW only kept) whose folder was then replaced by a
    link to a copy elsewhere; returns that copy."""
    lib = Library.open(cli.lib, load_config(cli.config))
    project = lib.create_project("Shoot")
    shutil.copyfile(DATA / "IMG_0001.JPG", project.path / "A.JPG")
    shutil.copyfile(DATA / "RAWFULL_0001.DNG", project.path / "A.DNG")
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
        assert set_keep(s, project.id, ["A"], KeepDecision.RAW_ONLY) == []
    lib.close()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(project.path, elsewhere)
    project.path.symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


def test_a_project_folder_replaced_by_a_link_is_not_written_through(cli: Cli, linked: Path) -> None:
    before = tree(linked)
    reason = f"is a link to {linked}; PhotoJobs does not follow it"

    commit = cli.run("commit", "Shoot", "--wait")
    assert commit.returncode == 1 and "Traceback" not in commit.stderr
    assert reason in commit.stdout
    imported = cli.run("import", "Shoot", str(DATA / "IMG_0002.JPG"), "--wait")
    assert imported.returncode == 1 and reason in imported.stdout
    assert reason in cli.fails("scan", "Shoot")
    assert reason in cli.fails("project", "rename", "Shoot", "Other")
    assert cli.run("maintenance", "Shoot", "--wait").returncode == 1
    assert cli.run("restore", "Shoot", "--all", "--wait").returncode == 1

    assert tree(linked) == before, "nothing written, moved or deleted through the link"
    (listed,) = cli.ok("project", "list")
    assert reason in listed["manifest_error"]

    (cli.lib / "Shoot").unlink()  # the real folder comes back
    shutil.move(linked, cli.lib / "Shoot")
    assert "manifest_error" not in cli.ok("project", "list")[0]
    assert cli.ok("commit", "Shoot", "--wait")["status"] == "completed"
    assert [e["original_name"] for e in cli.ok("trash", "Shoot")] == ["A.JPG"]
    assert json.loads(cli.run("photos", "Shoot", "--json").stdout)[0]["files"] == ["A.DNG"]


def test_deleting_a_project_whose_folder_is_a_link_leaves_the_link_alone(
    cli: Cli, linked: Path
) -> None:
    before = tree(linked)

    assert cli.ok("project", "delete", "Shoot") == {"moved_to": None}

    assert (cli.lib / "Shoot").is_symlink() and tree(linked) == before
    assert cli.ok("project", "list") == [] and cli.ok("project", "trash") == []
