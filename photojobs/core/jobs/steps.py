"""Which step of its definition a task is on, and whether its progress total is final.

A task's stages are enqueued one after the other, so while an early stage runs, how much
work the later ones hold is not known. A task is finished only once its last stage is,
and its total is called known only when no work can still be added to it (the last
stage a person sees has started and each of its jobs has counted its work): until then a
row shows "working", not a total that later jumps from 378 to 802.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from photojobs.core.jobs.model import MAINTENANCE, JobRecord
from photojobs.core.jobs.tasks import TASKS


@dataclass(frozen=True)
class TaskSteps:
    step: int  # 1-based, among the steps shown
    steps: int
    done: int  # summed over the jobs shown, so a row adds up from its children
    total: int
    total_known: bool
    last_stage_reached: bool  # the definition's last stage has been enqueued


def task_steps(
    task_type: str | None, jobs: Sequence[JobRecord], show_maintenance: bool = True
) -> TaskSteps:
    shown = [j for j in jobs if show_maintenance or j.source != MAINTENANCE]
    done = sum(j.progress_done for j in shown)
    total = sum(j.progress_total for j in shown)
    counted = all(j.is_final or j.progress_total > 0 for j in shown)
    definition = TASKS.get(task_type or "")
    stages = [j.task_stage for j in jobs if j.task_stage is not None]
    if definition is None or not stages:
        return TaskSteps(1, 1, done, total, counted, True)
    reached = max(stages)
    shown_stages = [
        i
        for i, stage in enumerate(definition.stages)
        if show_maintenance or any(step.source != MAINTENANCE for step in stage)
    ] or list(range(len(definition.stages)))
    current = max((i for i in shown_stages if i <= reached), default=shown_stages[0])
    last_shown = current == shown_stages[-1]
    return TaskSteps(
        shown_stages.index(current) + 1,
        len(shown_stages),
        done,
        total,
        counted and last_shown,
        reached >= len(definition.stages) - 1,
    )
