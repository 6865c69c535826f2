"""A render made during the copy that meets a full disk is not the import's failure: the
copy goes on, the photo is left for the derivatives job, which then meets the full disk
as it always did. The library lives on a small tmpfs mounted for the test (root)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photojobs.core.config import Config
from photojobs.core.handlers import default_registry
from photojobs.core.handlers.import_derivatives import DerivativesWhileCopying
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.queries import list_jobs
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.core.photos import photos_of
from tests.core.importing.conftest import run_jobs
from tests.core.importing.test_import import digest, start_import
from tests.small_disk import small_disk

MB = 1 << 20


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk", 12) as mnt:
        yield mnt


@pytest.fixture
def library(disk: Path, config: Config) -> Iterator[Library]:
    lib = Library.open(disk / "library", config)
    yield lib
    lib.close()


def noisy_jpeg(path: Path) -> Path:
    """A 3000 x 2000 JPEG of noise: its 2560 px preview weighs megabytes."""
    pixels = np.random.default_rng(7).integers(0, 256, (2000, 3000, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, quality=90)
    return path


def test_a_render_that_meets_a_full_disk_leaves_the_copy_alone(
    library: Library,
    disk: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="photojobs.core.handlers.import_derivatives")
    card = tmp_path / "card"
    card.mkdir()
    photo = noisy_jpeg(card / "NOISE.JPG")
    project = library.create_project("Full")
    start_import(library, project, [card])
    # Room for the copy and the database, not for the preview: as if another program
    # had filled the disk after the import judged there was room for the render.
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * (free - photo.stat().st_size - MB))
    monkeypatch.setattr(DerivativesWhileCopying, "_room_for_one_more", lambda self: True)

    store = JobStore(library.db, library.config)
    job = store.claim("w")
    assert job is not None and job.type == "import_files"
    (finished, postprocess) = run_job(
        JobContext(library, store, job, lambda e: None), default_registry(), "w"
    )
    assert finished.status.value == "completed"  # the import did its part
    (said,) = [r.getMessage() for r in caplog.records]
    assert "NOISE" in said and "disk holding the library is full" in said  # it was met
    assert digest(project.path / "NOISE.JPG") == digest(photo)
    with library.db.read() as s:
        (row,) = photos_of(s, project.id)
    assert row.thumbnail_status == "pending"  # left for the derivatives job
    leftovers = [
        p.name
        for d in (".thumb", ".preview")
        if (project.path / d).is_dir()
        for p in (project.path / d).iterdir()
        if p.name.startswith(".")
    ]
    assert leftovers == []  # no half-written derivative

    run_jobs(library)  # the derivatives job meets the full disk, as it did before
    (failed,) = list_jobs(library.db, library.config, statuses=["failed"])
    assert failed.id == postprocess.id and "full" in (failed.error or "")

    filler.unlink()
    store.retry(failed.id)
    run_jobs(library)
    with library.db.read() as s:
        (row,) = photos_of(s, project.id)
    assert (row.thumbnail_status, row.preview_status) == ("generated", "generated")
