"""Fault-injection points for the crash tests: the process kills itself (SIGKILL) at the
named step, so a test can check what a power cut or a killed worker leaves at that exact
instant. Only tests set the variable; without it a point costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

CRASH_ENV = "PHOTOJOBS_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, at once and without clean-up, when `PHOTOJOBS_CRASH_AT` names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
