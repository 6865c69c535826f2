"""`photojobs-cli project delete | trash | restore | purge`: deleted projects wait in
`<library>/.trash/`; a delete or a purge killed (SIGKILL) half way is finished by the next
command, never leaving a project lost or half deleted."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_kit import Cli

from photojobs.core.crash_points import CRASH_ENV


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path, {})
    for name in ("Wedding", "Party"):
        folder = Path(cli.ok("project", "create", name)["path"])
        (folder / "A.JPG").write_bytes(f"{name} A".encode())
        cli.ok("scan", name)
    return cli


def killed_at(cli: Cli, point: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "photojobs.cli.main", "--library", str(cli.lib), *args]
    env = cli.env | {CRASH_ENV: point}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def test_delete_list_restore_and_purge(cli: Cli) -> None:
    moved = Path(cli.ok("project", "delete", "Wedding")["moved_to"])
    assert moved.parent == cli.lib / ".trash"
    assert [p["name"] for p in cli.ok("project", "list")] == ["Party"]
    (listed,) = cli.ok("project", "trash")
    assert (listed["name"], listed["folder"], listed["photo_count"]) == ("Wedding", moved.name, 1)
    assert listed["expires_at"] > listed["deleted_at"]

    restored = cli.ok("project", "restore", "Wedding")
    assert (restored["name"], Path(restored["path"])) == ("Wedding", cli.lib / "Wedding")
    assert (cli.lib / "Wedding" / "A.JPG").read_bytes() == b"Wedding A"
    assert cli.ok("project", "trash") == []
    assert cli.run("project", "trash").stdout == "The library trash is empty.\n"

    cli.ok("project", "delete", "Party")
    assert "add --yes to confirm" in cli.fails("project", "purge", "Party")
    assert "name the deleted projects" in cli.fails("project", "purge", "--yes")
    assert "no deleted project 'Nope'" in cli.fails("project", "restore", "Nope")
    assert list((cli.lib / ".trash").iterdir()), "nothing deleted without --yes"
    assert cli.ok("project", "purge", "--all", "--yes") == {"purged": ["Party"], "failed": []}
    assert list((cli.lib / ".trash").iterdir()) == []
    assert [p["name"] for p in cli.ok("project", "list")] == ["Wedding"]


def test_a_delete_killed_after_the_move_is_recorded_by_the_next_command(cli: Cli) -> None:
    crash = killed_at(cli, "project:moved", "project", "delete", "Wedding")
    assert crash.returncode == -signal.SIGKILL
    (moved,) = (cli.lib / ".trash").iterdir()
    assert (moved / "A.JPG").read_bytes() == b"Wedding A"

    assert [p["name"] for p in cli.ok("project", "list")] == ["Party"]
    assert [d["name"] for d in cli.ok("project", "trash")] == ["Wedding"]
    cli.ok("project", "restore", "Wedding")
    assert (cli.lib / "Wedding" / "A.JPG").read_bytes() == b"Wedding A"
    assert [p["photo_count"] for p in cli.ok("project", "list")] == [1, 1]


def test_a_purge_killed_half_way_is_finished_by_maintenance(cli: Cli) -> None:
    cli.ok("project", "delete", "Party")
    crash = killed_at(cli, "purge:renamed", "project", "purge", "Party", "--yes")
    assert crash.returncode == -signal.SIGKILL
    (doomed,) = (cli.lib / ".trash").iterdir()
    assert doomed.name.startswith(".deleting-")
    assert cli.ok("project", "trash") == [], "never listed half deleted"

    # The project's maintenance, the library trash's, and the history cleaning.
    assert cli.ok("maintenance", "--wait")["status"] == ["completed"] * 3

    assert list((cli.lib / ".trash").iterdir()) == []
    assert (cli.lib / "Wedding" / "A.JPG").read_bytes() == b"Wedding A"
