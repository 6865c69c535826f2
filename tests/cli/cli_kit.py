"""photojobs-cli run as other tools run it: a subprocess in an isolated home."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


class Cli:
    def __init__(self, tmp_path: Path, config: dict[str, Any] | None = None):
        self.lib = tmp_path / "library"
        self.config: Path | None = None
        if config is not None:
            self.config = tmp_path / "config.json"
            self.config.write_text(json.dumps(config))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PHOTOJOBS_")}
        self.env |= {
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "HOME": str(tmp_path / "home"),
            "QT_QPA_PLATFORM": "offscreen",
        }

    def run(self, *args: str, library: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "photojobs.cli.main"]
        if library:
            cmd += ["--library", str(self.lib)]
        if self.config is not None:
            cmd += ["--config", str(self.config)]
        return subprocess.run(
            [*cmd, *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def ok(self, *args: str) -> Any:
        proc = self.run(*args, "--json")
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
        assert proc.stderr == ""
        return json.loads(proc.stdout)

    def fails(self, *args: str, code: int = 1) -> str:
        proc = self.run(*args)
        assert proc.returncode == code, (proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        if code == 1:
            assert proc.stderr.startswith("photojobs-cli: ")
            assert proc.stderr.count("\n") == 1, "one clear line"
        return proc.stderr


def killed_run(cli: Cli, moment: str) -> None:
    """A worker that dies at `moment` (a crash point), as a crash would: SIGKILL, nothing
    cleaned up."""
    from photojobs.core.crash_points import CRASH_ENV

    cmd = [sys.executable, "-m", "photojobs.cli.main", "--library", str(cli.lib)]
    cmd += ["--config", str(cli.config), "run", "--until-idle", "--timeout", "60"]
    proc = subprocess.run(
        cmd, env=cli.env | {CRASH_ENV: moment}, capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)
