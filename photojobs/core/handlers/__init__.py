"""Job handlers: plain functions of (context, job), registered by job type.

The table names each handler by where it lives; the registry imports a handler's module
the first time a job of that type runs. Importing this package loads none of them, so a
command that runs no job (a listing, `run --until-idle` with nothing queued) never pays
for rawpy, numpy and Pillow.
"""

from __future__ import annotations

from photojobs.core.jobs.registry import HandlerRegistry

_HERE = "photojobs.core.handlers"

HANDLERS: dict[str, str] = {
    "import_files": f"{_HERE}.imports:import_files",
    "upload_postprocess": f"{_HERE}.derivatives:upload_postprocess",
    "generate_derivatives": f"{_HERE}.derivatives:generate_derivatives",
    "file_removal": f"{_HERE}.removal:file_removal",
    "restore_files": f"{_HERE}.restore:restore_files",
    "manifest_check": f"{_HERE}.maintenance:manifest_check",
    "folder_check": f"{_HERE}.maintenance:folder_check",
    "manifest_cleaning": f"{_HERE}.maintenance:manifest_cleaning",
    "trash_maintenance": f"{_HERE}.maintenance:trash_maintenance",
    "library_trash_maintenance": f"{_HERE}.maintenance:library_trash_maintenance",
    "sidecar_sync": f"{_HERE}.sidecars:sidecar_sync",
    "history_cleaning": f"{_HERE}.history:history_cleaning",
    "diagnostic_noop": f"{_HERE}.diagnostic:noop",
    "diagnostic_wait": f"{_HERE}.diagnostic:wait",
}


def default_registry() -> HandlerRegistry:
    return HandlerRegistry(HANDLERS)


def handler_modules() -> list[str]:
    """The modules the table names: what a frozen build must bundle (it cannot see them)."""
    return sorted({location.partition(":")[0] for location in HANDLERS.values()})
