"""`photojobs --self-test` as an installer's check runs it: a fresh process, no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from photojobs import selftest


def test_self_test_passes_and_prints_a_summary(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PHOTOJOBS_", "QT_QPA"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)  # the self-test must choose offscreen by itself
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    code = "import sys; from photojobs.ui.app import main; sys.exit(main(['--self-test']))"
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=110
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("PhotoJobs ") and "self-test (source, Qt " in lines[0]
    assert "offscreen" in lines[0]
    steps = lines[1:-1]
    assert len(steps) == 7 and all(line.lstrip().startswith("OK ") for line in steps), lines
    assert any("import 4 sample files" in s for s in steps)
    assert any("restore the commit" in s and "byte-identical" in s for s in steps)
    assert lines[-1].startswith("Self-test passed: 7 steps in ")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "home").exists(), "nothing is written to the user's home"


def test_a_failing_step_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(selftest, "sample_photos", lambda: [])
    lines: list[str] = []
    assert selftest.run_self_test(lines.append) == 1
    assert lines[-1].lstrip().startswith("FAIL")
    assert "found 0" in lines[-1]
    assert "self-test FAILED: Qt modules, plugins and the app icon:" in capsys.readouterr().err
