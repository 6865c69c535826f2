"""Finished and not finished are defined once (`core/jobs/model.py`); events say it as
`event.finished`. Four modules once spelled the trio themselves (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import photojobs
from photojobs.core.jobs.events import JobEvent, TaskEvent
from photojobs.core.jobs.model import ACTIVE_STATUSES, FINAL_STATUSES, JobStatus

PACKAGE = Path(photojobs.__file__).parent
FINAL_WORDS = {"completed", "failed", "canceled"}


def test_every_status_is_either_active_or_final() -> None:
    assert set(JobStatus) == FINAL_STATUSES | ACTIVE_STATUSES
    assert not FINAL_STATUSES & ACTIVE_STATUSES
    assert FINAL_STATUSES == FINAL_WORDS  # StrEnum members equal their words


def job_event(status: str) -> JobEvent:
    return JobEvent(1, "file_removal", status, 0, 0, None, "user", "t", "change_commit")


@pytest.mark.parametrize("status", [s.value for s in JobStatus])
def test_an_event_is_finished_exactly_when_its_status_is_final(status: str) -> None:
    task = TaskEvent("t", "change_commit", "Commit changes", status, 0, 0, None, "user")
    assert job_event(status).finished == (status in FINAL_WORDS)
    assert task.finished == (status in FINAL_WORDS)


def test_a_progress_event_is_not_finished() -> None:
    assert job_event("").progress_only
    assert not job_event("").finished


def spelled_words(node: ast.AST) -> set[str]:
    """The statuses a tuple, list or set literal names, as strings or `JobStatus.X`."""
    if not isinstance(node, ast.Tuple | ast.List | ast.Set):
        return set()
    words = set()
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            words.add(element.value)
        elif isinstance(element, ast.Attribute) and element.attr.lower() in FINAL_WORDS:
            words.add(element.attr.lower())
    return words


def final_trios(path: Path) -> list[int]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    return [node.lineno for node in ast.walk(tree) if spelled_words(node) >= FINAL_WORDS]


def test_no_module_spells_the_final_statuses_again() -> None:
    model = PACKAGE / "core" / "jobs" / "model.py"
    assert final_trios(model), "the checker must see the one definition"
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != model and (lines := final_trios(path))
    }
    assert found == {}, "use FINAL_STATUSES or event.finished"
