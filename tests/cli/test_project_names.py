"""Project display names: one over 200 characters is refused where it comes in (create,
rename), and one stored by an older version is shortened once by maintenance instead of
making a new `.project.yaml.badN` at every run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_kit import Cli

from photojobs.core.manifest import read_manifest

LONG = "Summer wedding at the lake " * 9  # 243 characters


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_create_and_rename_refuse_a_name_the_manifest_cannot_hold(cli: Cli) -> None:
    error = cli.fails("project", "create", LONG)
    assert "at most 200 characters" in error
    assert cli.ok("project", "list") == []
    cli.ok("project", "create", "Wedding")
    error = cli.fails("project", "rename", "Wedding", LONG)
    assert "at most 200 characters" in error
    (project,) = cli.ok("project", "list")
    assert project["name"] == "Wedding" and "manifest_error" not in project
    assert read_manifest(Path(project["path"])).name == "Wedding"
    error = cli.fails("project", "create", "two\nlines")
    assert "control characters" in error


def test_a_long_name_from_an_older_version_is_shortened_once(cli: Cli) -> None:
    folder = Path(cli.ok("project", "create", "Wedding")["path"])
    db = sqlite3.connect(cli.lib / ".photojobs" / "library.db")
    with db:
        db.execute("UPDATE projects SET name = ?", (LONG.strip(),))
    db.close()
    for _ in range(3):  # the scheduler runs maintenance every 30 minutes
        done = cli.run("maintenance", "Wedding", "--wait")
        assert done.returncode == 0, (done.stdout, done.stderr)
    kept = sorted(p.name for p in folder.iterdir() if p.name.startswith(".project.yaml"))
    assert kept == [".project.yaml"]
    (project,) = cli.ok("project", "list")
    assert project["name"] == LONG.strip()[:200].strip()
    assert read_manifest(folder).name == project["name"]
    assert "manifest_error" not in project
