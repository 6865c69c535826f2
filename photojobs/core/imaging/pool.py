"""The one thread pool for image work in this process, shared by every derivatives job.

One pool per purpose, sized once: two derivatives jobs running side by side (an import's
and a regeneration, or two projects) share the cores instead of each opening a pool of
every core and oversubscribing the CPU two to one. Pillow, libjpeg-turbo and LibRaw
release the GIL, so threads are enough.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_size = 0


def image_pool(workers: int) -> ThreadPoolExecutor:
    """The shared pool with `workers` threads (the first size asked for is kept until a
    different one is asked for; the old pool then finishes its queue and goes away)."""
    global _pool, _size
    with _lock:
        if _pool is None or _size != workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(workers, thread_name_prefix="imaging")
            _size = workers
        return _pool


def shutdown_image_pool() -> None:
    """Wait for the image work under way and stop the threads (application exit, tests)."""
    global _pool, _size
    with _lock:
        pool, _pool, _size = _pool, None, 0
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
