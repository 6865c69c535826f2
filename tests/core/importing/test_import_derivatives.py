"""Thumbnails and previews made while the card copies: from the source the derivatives job
would choose, recorded as it records them, never decoded twice; a failure, a cancel or
work still waiting is left to the derivatives job."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.handlers import default_registry, import_derivatives, imports
from photojobs.core.imaging import source_fingerprint
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import ItemEvent, PhotosChanged
from photojobs.core.jobs.queries import get_task
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import PhotoRecord, photos_of
from tests.core.importing.conftest import DATA, image_pool_idle, run_jobs
from tests.core.importing.test_import import start_import


def card_of(tmp_path: Path, files: dict[str, str]) -> Path:
    """A card holding `name: sample` files."""
    card = tmp_path / "card"
    card.mkdir()
    for name, sample in files.items():
        shutil.copyfile(DATA / sample, card / name)
    return card


def photos(library: Library, project: ProjectInfo) -> dict[str, PhotoRecord]:
    with library.db.read() as s:
        return {p.base: p for p in photos_of(s, project.id)}


def fingerprints(library: Library, project: ProjectInfo) -> dict[str, str | None]:
    with library.db.read() as s:
        rows = s.execute(
            select(Photo.base, Photo.source_fingerprint).where(Photo.project_id == project.id)
        )
        return {base: known for base, known in rows}


def derivative_files(project: ProjectInfo) -> dict[str, tuple[int, int]]:
    """Every file in `.thumb/` and `.preview/` (hidden ones too), with its inode and mtime:
    a derivative made again is a new file (written aside, then renamed over)."""
    found = {}
    for folder in (".thumb", ".preview"):
        for path in (project.path / folder).iterdir():
            st = path.stat()
            found[f"{folder}/{path.name}"] = (st.st_ino, st.st_mtime_ns)
    return found


def thumbnail_size(library: Library) -> int:
    """The long edge of a real thumbnail of a 600 x 400 sample."""
    return min(600, int(library.config.get("processing.thumbnail.max_dim")))


def import_job_only(library: Library, project: ProjectInfo, sink=lambda e: None) -> JobContext:
    """Run the task's first job (the copy) alone, as the worker would."""
    store = JobStore(library.db, library.config)
    job = store.claim("w")
    assert job is not None and job.type == "import_files"
    ctx = JobContext(library, store, job, sink)
    run_job(ctx, default_registry(), "w")
    return ctx


def test_the_first_photo_is_made_during_the_copy_and_never_again(
    library: Library, tmp_path: Path
) -> None:
    card = card_of(tmp_path, {f"IMG_{n}.JPG": f"IMG_000{n}.JPG" for n in (1, 2, 3)})
    project = library.create_project("Card")
    task_id = start_import(library, project, [card])[1]
    import_job_only(library, project)

    # The pool had a free thread when the first photo was in: it was made and recorded.
    made = {b for b, p in photos(library, project).items() if p.thumbnail_status == "generated"}
    assert "IMG_1" in made
    for base in made:
        p = photos(library, project)[base]
        assert p.preview_status == "generated"
        known = fingerprints(library, project)[base]
        assert known == source_fingerprint(project.path / f"{base}.JPG")
        with Image.open(project.path / ".thumb" / f"{base}.jpg") as im:
            assert max(im.size) == thumbnail_size(library)  # the real one, not the camera's
    files = derivative_files(project)

    run_jobs(library)
    task = get_task(library.db, task_id)
    assert task is not None and task.status.value == "completed"
    after = photos(library, project)
    assert {(p.thumbnail_status, p.preview_status) for p in after.values()} == {
        ("generated", "generated")
    }
    again = derivative_files(project)
    for base in made:  # the derivatives job found them made: not one file written again
        for key in (f".thumb/{base}.jpg", f".preview/{base}.jpg"):
            assert again[key] == files[key], key
    assert sorted(again) == sorted(
        f"{folder}/IMG_{n}.jpg" for folder in (".thumb", ".preview") for n in (1, 2, 3)
    )


def test_a_raw_and_jpg_pair_is_made_from_the_jpg_once_both_are_in(
    library: Library, tmp_path: Path
) -> None:
    """On the card the RAW comes first (`.DNG` < `.JPG`); the photo waits for its JPG."""
    card = card_of(tmp_path, {"IMG_2.DNG": "RAWFULL_0001.DNG", "IMG_2.JPG": "IMG_0002.JPG"})
    project = library.create_project("Pair")
    start_import(library, project, [card])
    import_job_only(library, project)
    assert photos(library, project)["IMG_2"].thumbnail_status == "generated"
    assert fingerprints(library, project)["IMG_2"] == source_fingerprint(project.path / "IMG_2.JPG")
    files = derivative_files(project)
    run_jobs(library)
    assert derivative_files(project) == files  # the derivatives job agreed: nothing to do


def test_a_raw_alone_is_made_from_the_raw(library: Library, tmp_path: Path) -> None:
    card = card_of(tmp_path, {"RAW_9.DNG": "RAWNONE_0001.DNG"})
    project = library.create_project("Raw")
    start_import(library, project, [card])
    import_job_only(library, project)
    assert photos(library, project)["RAW_9"].thumbnail_status == "generated"
    assert fingerprints(library, project)["RAW_9"] == source_fingerprint(project.path / "RAW_9.DNG")
    with Image.open(project.path / ".thumb" / "RAW_9.jpg") as thumb:
        assert thumb.height > thumb.width  # upright, from the RAW's own orientation


def test_a_photo_whose_render_fails_is_imported_and_left_for_the_derivatives_job(
    library: Library, tmp_path: Path
) -> None:
    """A JPEG cut in half passes the import's checks, is copied, and cannot be decoded."""
    card = tmp_path / "card"
    card.mkdir()
    data = (DATA / "IMG_0004.JPG").read_bytes()
    (card / "CUT.JPG").write_bytes(data[: len(data) // 2])
    project = library.create_project("Cut")
    task_id = start_import(library, project, [card])[1]
    ctx = import_job_only(library, project)
    assert ctx.store.items(ctx.job.id)[0].status == "done"  # copied: the import did its part
    assert photos(library, project)["CUT"].thumbnail_status == "pending"

    run_jobs(library)
    task = get_task(library.db, task_id)
    assert task is not None and task.status.value == "completed"
    cut = photos(library, project)["CUT"]
    assert (cut.thumbnail_status, cut.preview_status) == ("failed", "failed")  # said as ever


def test_each_real_thumbnail_is_announced_as_it_is_recorded(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo made while the card copies is named by the announcement of the rows it was
    recorded with (the grid re-reads its thumbnail then), not only by the import's last
    announcement of every photo. Here the copy of the fourth file waits for IMG_1's render."""
    monkeypatch.setattr(imports, "PUBLISH_SECONDS", 0.0)
    card = card_of(tmp_path, {f"IMG_{n}.JPG": f"IMG_000{n}.JPG" for n in range(1, 7)})
    project = library.create_project("Card")
    start_import(library, project, [card])
    heard: list[tuple[set[str], set[str]]] = []  # per announcement: photos named, photos made

    def sink(event: object) -> None:
        if isinstance(event, ItemEvent) and event.key.endswith("IMG_4.JPG"):
            image_pool_idle(library)
        if isinstance(event, PhotosChanged):
            rows = photos(library, project).values()
            named = {p.base for p in rows if p.id in event.photo_ids}
            heard.append((named, {p.base for p in rows if p.thumbnail_status == "generated"}))

    import_job_only(library, project, sink)
    *while_copying, (_, made_at_the_end) = heard
    assert "IMG_1" in set().union(*(made for _, made in while_copying))
    made_before: set[str] = set()
    for named, made in while_copying:
        assert made - made_before <= named, "recorded made, and not said"
        made_before = made
    assert "IMG_1" in made_at_the_end


def test_a_canceled_import_waits_for_the_render_it_started(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cancel comes while the first photo's render runs (slowed down here, and the copy
    held until it has started): the job ends only once that render has written its files,
    so nothing writes into the project after it; nothing is recorded, and the photo is left
    for the derivatives job."""
    card = card_of(tmp_path, {f"IMG_{n}.JPG": f"IMG_000{n}.JPG" for n in (1, 2, 3)})
    project = library.create_project("Card")
    start_import(library, project, [card])
    store = JobStore(library.db, library.config)
    job = store.claim("w")
    assert job is not None
    rendering = threading.Event()
    real_render = import_derivatives.render
    started: list[str] = []

    def render_canceled_meanwhile(*args: Any) -> Any:
        started.append(args[0].base)
        ctx.request_cancel()
        rendering.set()
        time.sleep(0.3)
        return real_render(*args)

    def sink(event: object) -> None:
        if getattr(event, "key", "").endswith("IMG_2.JPG"):  # IMG_1's render was handed out
            assert rendering.wait(30)

    monkeypatch.setattr(import_derivatives, "render", render_canceled_meanwhile)
    ctx = JobContext(library, store, job, sink)
    finished = run_job(ctx, default_registry(), "w")
    assert [j.status.value for j in finished] == ["canceled"]
    assert not (project.path / "IMG_3.JPG").exists()
    written = set(derivative_files(project))
    assert "IMG_1" in started  # the first screenful renders on every thread: IMG_2 may too
    made = {f"{folder}/{base}.jpg" for base in started for folder in (".preview", ".thumb")}
    assert made <= written, "each render handed out was waited for and wrote both files"
    assert written - made <= {".thumb/IMG_2.jpg"}  # IMG_2's stand-in, if not rendered
    with Image.open(project.path / ".thumb" / "IMG_1.jpg") as im:
        assert max(im.size) == thumbnail_size(library)
    assert all(p.thumbnail_status == "pending" for p in photos(library, project).values())


def test_the_first_screenful_is_made_before_the_copy_runs_ahead(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renders slower than the copy (as 24 MP photos from a fast card are): for the first
    screenful the copy waits for them, so every photo of it is made, and recorded, before
    the copy job ends, in the order copied; none is left behind a queue to the next job."""
    real_render = import_derivatives.render

    def slow_render(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.15)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(import_derivatives, "render", slow_render)
    card = card_of(tmp_path, {f"IMG_{n}.JPG": f"IMG_000{n}.JPG" for n in range(1, 7)})
    project = library.create_project("Card")
    start_import(library, project, [card])
    import_job_only(library, project)
    made = photos(library, project)
    assert {b: p.thumbnail_status for b, p in made.items()} == {
        f"IMG_{n}": "generated" for n in range(1, 7)
    }
    image_pool_idle(library)
