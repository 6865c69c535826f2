"""Start-up's objects kept out of the garbage collector's full passes.

What start-up builds (modules, classes, widgets, the session) lives as long as the app,
yet every full pass of Python's collector walks all of it while holding the GIL: about
90 ms with a window open, a stall of the GUI thread whichever thread's allocations set it
off (at 100k photos a helper's reads did, several times per sort). Frozen once the window
is built, those objects are skipped; objects made afterwards are collected as before.
"""

from __future__ import annotations

import gc


def settle_heap() -> int:
    """Freeze what exists now (after a young-generation pass drops start-up's garbage);
    how many objects the full passes will skip."""
    gc.collect(1)
    gc.freeze()
    return gc.get_freeze_count()
