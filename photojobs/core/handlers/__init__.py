"""Job handlers: plain functions of (context, job), registered by job type."""

from __future__ import annotations

from photojobs.core.handlers import diagnostic
from photojobs.core.jobs.registry import HandlerRegistry


def default_registry() -> HandlerRegistry:
    registry = HandlerRegistry()
    diagnostic.register(registry)
    return registry
