"""No photo stays pending once its jobs are done: a derivatives run remakes what a cancel or
a crash left unrecorded, and folder_check sends the photos nobody is making them for."""

from __future__ import annotations

import time

from handler_kit import Shoot
from sqlalchemy import update

from photojobs.core.db.models import Photo
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import Event, PhotosChanged
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import new_worker_id

PHOTOS = 24


def statuses(shoot: Shoot) -> dict[str, tuple[str, str]]:
    return {b: (p.thumbnail_status, p.preview_status) for b, p in shoot.photos().items()}


def left_pending(shoot: Shoot) -> list[str]:
    return sorted(b for b, s in statuses(shoot).items() if "pending" in s)


def shoot_of(shoot: Shoot, n: int) -> None:
    for i in range(n):
        shoot.add(f"P{i:02}.JPG", f"IMG_000{i % 8 + 1}.JPG")
    shoot.scan()


def as_old_versions_left_it(shoot: Shoot, *bases: str) -> None:
    """Files written, fingerprint stored, status still pending: what a cancel or a crash
    left before the fingerprint was stored with the status."""
    with shoot.lib.db.write() as s:
        s.execute(
            update(Photo)
            .where(Photo.project_id == shoot.project.id, Photo.base.in_(bases))
            .values(thumbnail_status="pending", preview_status="pending")
        )


def test_a_canceled_run_records_the_photos_it_was_rendering_and_the_retry_finishes(
    shoot: Shoot,
) -> None:
    shoot_of(shoot, PHOTOS)
    task, _ = shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    job = shoot.store.claim("w")
    assert job is not None

    def cancel_at_first_batch(event: Event) -> None:
        if isinstance(event, PhotosChanged) and not ctx.cancelled():
            shoot.store.cancel_task(task)
            ctx.request_cancel()  # as the heartbeat does for a local job

    ctx = JobContext(shoot.lib, shoot.store, job, cancel_at_first_batch)
    run_job(ctx, default_registry(), "w")

    assert shoot.store.get(job.id).status.value == "canceled"
    for base, status in statuses(shoot).items():  # each file on disk is recorded as made
        on_disk = (shoot.thumb(base).exists(), shoot.preview(base).exists())
        assert status == tuple("generated" if f else "pending" for f in on_disk), base
    assert left_pending(shoot), "canceled before the end"

    assert shoot.store.retry(job.id) is not None
    shoot.run_all()
    assert left_pending(shoot) == []


def test_a_pending_photo_whose_files_exist_is_made_again(shoot: Shoot) -> None:
    shoot_of(shoot, 3)
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    as_old_versions_left_it(shoot, "P01")
    shoot.thumb("P01").write_bytes(b"half written")

    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()

    assert left_pending(shoot) == []
    assert shoot.thumb("P01").read_bytes()[:2] == b"\xff\xd8", "made again, not taken on trust"


def test_folder_check_sends_photos_left_pending_to_be_made(shoot: Shoot) -> None:
    shoot_of(shoot, 4)
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    as_old_versions_left_it(shoot, "P00", "P02")

    task, _ = shoot.store.start_task("maintenance", project_id=shoot.project.id)
    shoot.run_all()

    made = shoot.only_job(task, "generate_derivatives")
    assert (made["payload"]["bases"], made["status"]) == (["P00", "P02"], "completed")
    assert left_pending(shoot) == []


def test_folder_check_leaves_photos_to_the_derivatives_job_on_its_way(shoot: Shoot) -> None:
    shoot_of(shoot, 2)  # scanned: pending, their import's derivatives job queued for later
    shoot.store.enqueue(
        "upload_postprocess",
        project_id=shoot.project.id,
        source="user",
        scope="photos",
        now=time.time() + 3600,
    )
    task, _ = shoot.store.start_task("maintenance", project_id=shoot.project.id)
    worker = new_worker_id()
    while (job := shoot.store.claim(worker)) is not None:
        run_job(JobContext(shoot.lib, shoot.store, job, lambda e: None), default_registry(), worker)

    assert shoot.only_job(task, "folder_check")["status"] == "completed"
    assert shoot.jobs(task, "generate_derivatives") == []
    assert left_pending(shoot) == ["P00", "P01"]
