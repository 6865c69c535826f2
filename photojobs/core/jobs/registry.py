"""Job type -> handler. A handler is a plain function `(context, job) -> None`, given
itself or as where it lives, "package.module:function", imported the first time a job of
that type runs: what a handler needs (rawpy, numpy, Pillow) is loaded by the process that
runs one, not by every command that opens a library."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from photojobs.core.jobs.model import JobRecord

if TYPE_CHECKING:
    from photojobs.core.jobs.context import JobContext

Handler = Callable[["JobContext", JobRecord], None]


class HandlerUnavailable(Exception):
    """A job type's handler is registered but could not be imported (a missing library)."""


class HandlerRegistry:
    def __init__(self, handlers: Mapping[str, Handler | str] | None = None) -> None:
        self._handlers: dict[str, Handler | str] = dict(handlers or {})

    def register(self, job_type: str, handler: Handler | str) -> None:
        """`handler`: the function, or "package.module:function" to import on first use."""
        self._handlers[job_type] = handler

    def get(self, job_type: str) -> Handler | None:
        """The handler, imported on first use; None for a type nobody handles. Two worker
        threads may resolve one name at once: both get the same function."""
        found = self._handlers.get(job_type)
        if isinstance(found, str):
            found = self._handlers[job_type] = resolve(found)
        return found

    def types(self) -> list[str]:
        return sorted(self._handlers)

    def copy(self) -> HandlerRegistry:
        return HandlerRegistry(self._handlers)


def resolve(location: str) -> Handler:
    """The function a "package.module:function" location names; HandlerUnavailable says
    why not."""
    module_name, _, function = location.partition(":")
    try:
        handler = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as e:
        raise HandlerUnavailable(f"{location} could not be loaded ({type(e).__name__}: {e})") from e
    if not callable(handler):
        raise HandlerUnavailable(f"{location} is not a function")
    return handler
