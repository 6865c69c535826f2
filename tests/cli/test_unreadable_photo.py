"""One unreadable photo (mode 000) is one failed photo: every other photo gets its
thumbnail, and a restore that put its file back is reported done.

CI runs as root, which reads mode-000 files. The commands here run without that power:
the child drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set before it
starts, so the program runs as root without them, as a person's account would.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_kit import Cli

DATA = Path(__file__).parents[1] / "data"
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def drop_file_powers() -> None:
    """In the child, before exec: what root may read regardless of mode goes away."""
    if os.geteuid() != 0:
        return  # an ordinary user never had these powers
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


class PlainCli(Cli):
    """photojobs-cli without the power to read files whatever their mode."""

    def run(self, *args: str, library: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "photojobs.cli.main", "--library", str(self.lib)]
        if self.config is not None:
            cmd += ["--config", str(self.config)]
        return subprocess.run(
            [*cmd, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=drop_file_powers,
        )


@pytest.fixture
def cli(tmp_path: Path) -> PlainCli:
    config = {
        "processing": {"thumbnail": {"max_dim": 48}, "preview": {"max_dim": 64}},
        "pipeline": {"poll_ms": 100},
    }
    cli = PlainCli(tmp_path, config)
    folder = Path(cli.ok("project", "create", "Shoot")["path"])
    for n in (1, 2, 3):
        shutil.copyfile(DATA / f"IMG_000{n}.JPG", folder / f"GOOD_{n}.JPG")
    locked = folder / "LOCKED.JPG"
    shutil.copyfile(DATA / "IMG_0004.JPG", locked)
    cli.ok("scan", "Shoot")
    locked.chmod(0o000)
    probe = cli.run("show", "Shoot", "GOOD_1")  # the library works without the powers...
    assert probe.returncode == 0, probe.stderr
    peek = subprocess.run(["cat", str(locked)], capture_output=True, preexec_fn=drop_file_powers)
    assert peek.returncode != 0, "...and the locked photo really cannot be read"
    return cli


def photos(cli: Cli) -> dict[str, dict[str, Any]]:
    return {p["base"]: p for p in cli.ok("photos", "Shoot")}


def test_one_unreadable_photo_does_not_stop_the_others(cli: PlainCli) -> None:
    proc = cli.run("process", "Shoot", "--wait", "--json")
    data = json.loads(proc.stdout)
    assert data["status"] == "completed", (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert {(f["name"], f["reason"]) for f in data["derivatives_failed"]} == {
        ("LOCKED.JPG", "cannot read file: permission denied")
    }
    assert {f["message"] for f in data["derivatives_failed"]} == {
        "LOCKED.JPG: cannot read file: permission denied"
    }
    folder = cli.lib / "Shoot"
    for n in (1, 2, 3):
        assert (folder / ".thumb" / f"GOOD_{n}.jpg").stat().st_size > 0
    shown = {b: (p["thumbnail_status"], p["preview_status"]) for b, p in photos(cli).items()}
    assert shown == {
        "GOOD_1": ("generated", "generated"),
        "GOOD_2": ("generated", "generated"),
        "GOOD_3": ("generated", "generated"),
        "LOCKED": ("failed", "failed"),
    }


def test_a_restore_that_restored_its_unreadable_file_is_done(cli: PlainCli) -> None:
    folder = cli.lib / "Shoot"
    cli.ok("keep", "Shoot", "LOCKED", "--none")
    committed = cli.run("commit", "Shoot", "--wait")
    assert committed.returncode == 0, (committed.stdout, committed.stderr)
    assert not (folder / "LOCKED.JPG").exists()
    restored = cli.run("restore", "Shoot", "--file", "LOCKED.JPG", "--wait")
    assert restored.returncode == 0, (restored.stdout, restored.stderr)
    assert "completed" in restored.stdout
    assert (folder / "LOCKED.JPG").exists()
    assert photos(cli)["LOCKED"]["keep_jpg"] is True
