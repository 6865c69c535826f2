"""Job handlers: plain functions of (context, job), registered by job type."""

from __future__ import annotations

from photojobs.core.handlers import derivatives, diagnostic, imports
from photojobs.core.jobs.registry import HandlerRegistry


def default_registry() -> HandlerRegistry:
    registry = HandlerRegistry()
    diagnostic.register(registry)
    registry.register("import_files", imports.import_files)
    registry.register("upload_postprocess", derivatives.upload_postprocess)
    registry.register("generate_derivatives", derivatives.generate_derivatives)
    return registry
