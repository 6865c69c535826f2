"""Photos appear with their date taken: the import task on the real worker loop writes the
capture facts with the rows, so a grid sorted by date never moves a photo already shown."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from photojobs.core.catalog.photo_rows import PhotoFilter, SortOrder, photo_ids
from photojobs.core.config import Config
from photojobs.core.db.models import Photo
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord
from photojobs.core.library import Library
from photojobs.core.photos import photos_of
from photojobs.runtime.session import LibrarySession

DATA = Path(__file__).parents[1] / "data"
WAIT_MS = 60_000
SAMPLES = [f"IMG_000{n}.JPG" for n in range(1, 9)]


@pytest.fixture
def config(config: Config) -> Config:
    return config.with_overrides(
        {"processing.thumbnail.max_dim": 48, "processing.preview.max_dim": 64}
    )


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """Names in the opposite order to the times they were taken; one RAW-only photo."""
    folder = tmp_path / "card"
    folder.mkdir()
    for n, sample in enumerate(SAMPLES):
        shutil.copyfile(DATA / sample, folder / f"SHOT_{len(SAMPLES) - n}.JPG")
    shutil.copyfile(DATA / "RAWFULL_0001.DNG", folder / "SHOT_0.DNG")
    return folder


class Observed:
    """The photo rows as the derivatives stage finds them, before it writes anything."""

    def __init__(self, library: Library):
        self.library = library
        self.rows: list[tuple[str, str | None, str | None]] = []
        self.real = default_registry().get("upload_postprocess")

    def upload_postprocess(self, ctx: JobContext, job: JobRecord) -> None:
        with self.library.db.read() as s:
            found = s.execute(
                select(Photo.base, Photo.date_taken, Photo.camera_model).where(
                    Photo.project_id == job.project_id
                )
            )
            self.rows = [(base, date, model) for base, date, model in found]
        assert self.real is not None
        self.real(ctx, job)


@pytest.fixture
def observed(library: Library) -> Observed:
    return Observed(library)


@pytest.fixture
def session(library: Library, observed: Observed) -> Iterator[LibrarySession]:
    registry = default_registry()
    registry.register("upload_postprocess", observed.upload_postprocess)
    s = LibrarySession(library, registry)
    yield s
    s.stop()


def test_photos_appear_with_their_date_and_keep_their_place(
    qtbot: QtBot, session: LibrarySession, observed: Observed, card: Path
) -> None:
    project = session.library.create_project("Shoot")
    orders: list[list[int]] = []

    def grid_order(event: PhotosChanged) -> None:
        if event.project_id == project.id:
            orders.append(
                photo_ids(session.library.db, project.id, PhotoFilter.ALL, SortOrder.DATE)
            )

    session.signals.photos_changed.connect(grid_order)
    session.start(with_scheduler=False)
    with qtbot.waitSignal(session.loop.idle, timeout=WAIT_MS):
        session.start_import(project, {str(p): "new" for p in card.iterdir()}, "skip")

    assert len(observed.rows) == len(SAMPLES) + 1, "the derivatives stage saw every photo"
    undated = [base for base, date, _ in observed.rows if date is None]
    assert undated == [], "rows appeared before their date taken"
    assert dict((b, m) for b, _, m in observed.rows)["SHOT_0"] == "SynthRaw 24"
    # Rows come in batches while the card copies (sooner when a real thumbnail is made):
    # each photo shown keeps its place among those shown before, new ones slot in.
    for before, after in itertools.pairwise(orders):
        shown = set(before)
        assert [i for i in after if i in shown] == before, "the grid reshuffled while importing"
    with session.library.db.read() as s:
        by_id = {p.id: p.base for p in photos_of(s, project.id)}
    expected = [f"SHOT_{len(SAMPLES) - n}" for n in range(len(SAMPLES))] + ["SHOT_0"]
    assert [by_id[i] for i in orders[-1]] == expected
