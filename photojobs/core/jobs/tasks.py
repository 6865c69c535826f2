"""Task definitions as data: a task type is a label and ordered stages of job steps.

All steps of a stage are enqueued together, in the transaction that completes the last
job of the stage before, so a task is never seen finished early.
"""

from __future__ import annotations

from dataclasses import dataclass

from photojobs.core.jobs.labels import task_label
from photojobs.core.jobs.model import MAINTENANCE, USER

# Jobs with this scope change a project's set of photos; one runs at a time per project.
PROJECT_SCOPE = "project"
PHOTOS_SCOPE = "photos"


@dataclass(frozen=True)
class Step:
    job_type: str
    priority: int
    source: str
    scope: str | None = PROJECT_SCOPE


@dataclass(frozen=True)
class TaskDefinition:
    task_type: str
    user_facing: bool
    stages: tuple[tuple[Step, ...], ...]
    one_per_project: bool = False  # starting it again returns the queued or running one

    @property
    def label(self) -> str:
        return task_label(self.task_type)

    def stage(self, index: int) -> tuple[Step, ...]:
        return self.stages[index] if 0 <= index < len(self.stages) else ()


def _reconcile(check: int, cleaning: int) -> tuple[Step, ...]:
    return (
        Step("manifest_check", check, MAINTENANCE),
        Step("folder_check", check, MAINTENANCE),
        Step("manifest_cleaning", cleaning, MAINTENANCE),
    )


TASKS: dict[str, TaskDefinition] = {
    d.task_type: d
    for d in (
        TaskDefinition(
            "change_commit",
            True,
            ((Step("file_removal", 100, USER),), _reconcile(95, 80)),
            one_per_project=True,
        ),
        TaskDefinition(
            "upload_processing",
            True,
            (
                (Step("import_files", 70, USER),),
                (Step("upload_postprocess", 60, USER, scope=PHOTOS_SCOPE),),
            ),
        ),
        TaskDefinition(
            "generate_derivatives",
            True,
            ((Step("generate_derivatives", 50, USER, scope=PHOTOS_SCOPE),),),
        ),
        TaskDefinition(
            "restore",
            True,
            ((Step("restore_files", 100, USER),), _reconcile(95, 80)),
        ),
        TaskDefinition(
            "maintenance",
            False,
            (
                (Step("trash_maintenance", 20, MAINTENANCE),),
                (Step("manifest_check", 20, MAINTENANCE),),
                (Step("folder_check", 20, MAINTENANCE),),
                (Step("manifest_cleaning", 10, MAINTENANCE),),
            ),
            one_per_project=True,
        ),
        # Deleted projects in `<library>/.trash/`: no project of their own, so no scope.
        TaskDefinition(
            "library_maintenance",
            False,
            ((Step("library_trash_maintenance", 20, MAINTENANCE, scope=None),),),
            one_per_project=True,
        ),
        # Finished tasks past their retention (core/jobs/history.py): library-wide, no scope.
        TaskDefinition(
            "history_cleaning",
            False,
            ((Step("history_cleaning", 10, MAINTENANCE, scope=None),),),
            one_per_project=True,
        ),
        TaskDefinition(
            "empty_library_trash",
            True,
            ((Step("library_trash_maintenance", 60, USER, scope=None),),),
        ),
        # Marks reach their XMP sidecars in the background: hidden from the Processes dock
        # (maintenance source), never announced, one queued per project (core/xmp/queue.py).
        TaskDefinition(
            "sidecar_sync",
            False,
            ((Step("sidecar_sync", 30, MAINTENANCE),),),
            one_per_project=True,
        ),
        TaskDefinition("diagnostic", False, ((Step("diagnostic_wait", 50, USER),),)),
    )
}


class UnknownTaskType(KeyError):
    pass


def task_definition(task_type: str) -> TaskDefinition:
    try:
        return TASKS[task_type]
    except KeyError:
        raise UnknownTaskType(f"unknown task type: {task_type}") from None
