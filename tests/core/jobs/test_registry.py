"""The handler registry names handlers by where they live and imports each the first time a
job of its type runs: opening a library loads no image library, and a name that cannot be
loaded fails its job clearly instead of the process."""

from __future__ import annotations

import subprocess
import sys

from photojobs.core.handlers import HANDLERS, default_registry, handler_modules
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.model import JobStatus
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.jobs.tasks import TASKS
from photojobs.core.library import Library

T0 = 1_700_000_000.0


def test_every_name_in_the_table_is_a_handler_and_every_step_has_one() -> None:
    registry = default_registry()
    assert all(callable(registry.get(job_type)) for job_type in HANDLERS)
    steps = {step.job_type for t in TASKS.values() for stage in t.stages for step in stage}
    assert steps <= set(registry.types())
    assert handler_modules()[0].startswith("photojobs.core.handlers.")


def test_handlers_are_imported_when_their_job_type_first_runs() -> None:
    code = (
        "import sys\n"
        "from photojobs.core.handlers import default_registry\n"
        "registry = default_registry()\n"
        "print(sorted(m for m in sys.modules if m.startswith('photojobs.core.handlers.')))\n"
        "registry.get('diagnostic_noop')\n"
        "print(sorted(m for m in sys.modules if m.startswith('photojobs.core.handlers.')))\n"
        "print('rawpy' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "['photojobs.core.handlers.diagnostic']", "False False"]


def test_a_handler_that_cannot_be_loaded_fails_its_job_at_once(
    store: JobStore, library: Library
) -> None:
    registry = HandlerRegistry({"broken": "photojobs.no_such_module:run"})
    store.enqueue("broken", task_id="T", now=T0)
    job = store.claim("w", now=T0)
    assert job is not None
    (failed,) = run_job(JobContext(library, store, job, lambda e: None), registry, "w")
    assert failed.status == JobStatus.FAILED and failed.attempts == 1, "not retried"
    assert failed.error is not None
    assert failed.error.startswith("the handler of broken is not available")
    assert "No module named 'photojobs.no_such_module'" in failed.error
