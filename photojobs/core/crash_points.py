"""Named moments at which the crash tests kill this very process with SIGKILL.

`PHOTOJOBS_CRASH_AT=name` (or `name:n`, the n-th time the moment comes) in the environment
of a `photojobs-cli run` makes the moment real; unset, as in every real use, it costs one
dictionary lookup. A killed process is the only honest test of what a crash leaves behind.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

CRASH_ENV = "PHOTOJOBS_CRASH_AT"

_lock = threading.Lock()
_reached: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """Die here, at once and without cleaning up, when the environment asks for it."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    target, sep, nth = wanted.rpartition(":")
    if not sep or not nth.isdigit():  # names may hold colons: "restore:linked"
        target, nth = wanted, ""
    if target != name:
        return
    with _lock:
        _reached[name] += 1
        if _reached[name] < int(nth or 1):
            return
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
