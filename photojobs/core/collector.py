"""Python's cycle collector paused while a loop builds a large structure without cycles.

Listing a project of 100k photos makes some 300,000 objects that all live on (names,
lists, a `PhotoFiles` per photo); each time enough of them pile up the collector walks
every object of the process, the grid's rows and the ORM's state included. Measured on a
20k-photo listing: 170 ms of CPU with the collector paused, 370-540 ms without. Reference
counting still frees everything at once; only cycles wait until the pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the block; nested and concurrent uses (several worker
    threads) share one pause, which ends with the last of them."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
