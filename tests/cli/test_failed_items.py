"""The failed items a `--wait` command prints (`commit`, `restore`, `maintenance`,
`import`, `process`, `xmp sync`): each with the file's `name` and the `reason` apart, and
the sentence of the two as `message`, from rows written before schema v9 and after alike."""

from __future__ import annotations

from photojobs.cli.jobs_cmds import failed_items
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

TAKEN = "a file with this name is already in the project (not overwritten)"


def test_failed_items_read_rows_from_before_v9_and_after_alike(library: Library) -> None:
    project = library.create_project("Shoot")
    store = JobStore(library.db, library.config)
    task_id, _ = store.start_task(
        "restore",
        project_id=project.id,
        payload={"names": ["A.JPG", "B.JPG", "C.JPG"]},
        items=[("A.JPG", None), ("B.JPG", None), ("C.JPG", None)],
    )
    job = store.claim("w")
    assert job is not None and job.type == "restore_files"
    store.set_item(job.id, "A.JPG", "done", name="A.JPG")
    store.set_item(job.id, "B.JPG", "failed", TAKEN, name="B.JPG")
    with library.db.write() as s:  # as PhotoJobs wrote it before v9: no name, one sentence
        s.connection().exec_driver_sql(
            "UPDATE job_items SET status = 'failed', message = ? WHERE job_id = ? AND key = ?",
            (f"C.JPG: {TAKEN}", job.id, "C.JPG"),
        )

    failed = failed_items(library, task_id, ("restore_files",))

    assert failed == [
        {
            "job": "restore_files",
            "key": key,
            "name": key,
            "reason": TAKEN,
            "message": f"{key}: {TAKEN}",
        }
        for key in ("B.JPG", "C.JPG")
    ]
