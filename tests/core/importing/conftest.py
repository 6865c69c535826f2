"""Run a project's jobs to the end in this thread, through the real store and runner."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from photojobs.core.config import worker_count
from photojobs.core.handlers import default_registry
from photojobs.core.imaging.pool import image_pool
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library

DATA = Path(__file__).parents[2] / "data"


def run_jobs(lib: Library, limit: int = 200) -> list:
    """Claim and run until nothing is available; failed attempts are not waited for."""
    store, registry, worker = JobStore(lib.db, lib.config), default_registry(), new_worker_id()
    finished = []
    for _ in range(limit):
        job = store.claim(worker)
        if job is None:
            return finished
        finished += run_job(JobContext(lib, store, job, lambda e: None), registry, worker)
    raise AssertionError("jobs did not settle")


def image_pool_idle(lib: Library, timeout: float = 30) -> None:
    """Wait until every thread of the image pool is free at once: all the work handed to
    it before this call is over (its futures done)."""
    workers = worker_count(lib.config)
    all_free = threading.Barrier(workers)
    for future in [image_pool(workers).submit(all_free.wait, timeout) for _ in range(workers)]:
        future.result()


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """A memory card: two JPGs, a RAW+JPG pair with a sidecar, a RAW-only photo."""
    folder = tmp_path / "card" / "DCIM" / "100CANON"
    folder.mkdir(parents=True)
    shutil.copyfile(DATA / "IMG_0001.JPG", folder / "IMG_0001.JPG")
    shutil.copyfile(DATA / "IMG_0002.JPG", folder / "IMG_0002.JPG")
    shutil.copyfile(DATA / "RAWFULL_0001.DNG", folder / "IMG_0002.DNG")
    (folder / "IMG_0002.xmp").write_text("<x:xmpmeta/>")
    shutil.copyfile(DATA / "RAWNONE_0001.DNG", folder / "RAW_0009.DNG")
    return tmp_path / "card"
