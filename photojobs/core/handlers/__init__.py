"""Job handlers: plain functions of (context, job), registered by job type."""

from __future__ import annotations

from photojobs.core.handlers import (
    derivatives,
    diagnostic,
    history,
    imports,
    maintenance,
    removal,
    restore,
    sidecars,
)
from photojobs.core.jobs.registry import HandlerRegistry


def default_registry() -> HandlerRegistry:
    registry = HandlerRegistry()
    diagnostic.register(registry)
    registry.register("import_files", imports.import_files)
    registry.register("upload_postprocess", derivatives.upload_postprocess)
    registry.register("generate_derivatives", derivatives.generate_derivatives)
    registry.register("file_removal", removal.file_removal)
    registry.register("restore_files", restore.restore_files)
    registry.register("manifest_check", maintenance.manifest_check)
    registry.register("folder_check", maintenance.folder_check)
    registry.register("manifest_cleaning", maintenance.manifest_cleaning)
    registry.register("trash_maintenance", maintenance.trash_maintenance)
    registry.register("library_trash_maintenance", maintenance.library_trash_maintenance)
    registry.register("sidecar_sync", sidecars.sidecar_sync)
    registry.register("history_cleaning", history.history_cleaning)
    return registry
