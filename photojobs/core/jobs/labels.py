"""Every friendly name a person reads for a job or task type, in one place."""

from __future__ import annotations

JOB_LABELS: dict[str, str] = {
    "file_removal": "Removing files",
    "import_files": "Importing files",
    "upload_postprocess": "Processing uploads",
    "generate_derivatives": "Generating thumbnails and previews",
    "restore_files": "Restoring files",
    "trash_maintenance": "Emptying old trash",
    "library_trash_maintenance": "Emptying deleted projects",
    "sidecar_sync": "Writing XMP sidecars",
    "history_cleaning": "Cleaning old job history",
    "diagnostic_wait": "Diagnostic wait",
    "diagnostic_noop": "Diagnostic no-op",
}

TASK_LABELS: dict[str, str] = {
    "change_commit": "Commit changes",
    "upload_processing": "Upload processing",
    "generate_derivatives": "Generating thumbnails and previews",
    "restore": "Restore from trash",
    "maintenance": "Maintenance",
    "library_maintenance": "Library maintenance",
    "empty_library_trash": "Delete projects permanently",
    "sidecar_sync": "Writing XMP sidecars",
    "history_cleaning": "Cleaning old job history",
}


def humanise(name: str) -> str:
    """`manifest_check` -> `Manifest check`."""
    words = name.replace("-", "_").split("_")
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:] if text else "Job"


def job_label(job_type: str) -> str:
    return JOB_LABELS.get(job_type) or humanise(job_type)


def task_label(task_type: str | None, job_type: str | None = None) -> str:
    if task_type is None:
        return job_label(job_type or "")
    return TASK_LABELS.get(task_type) or humanise(task_type)
