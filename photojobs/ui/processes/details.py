"""The details of a job or a task: first what happened to which photos and files (the
error, every failed item with its reason, what was done), then the technical fields (ids,
attempts, times) smaller at the end. Copy puts it all on the clipboard as text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import ItemRecord, JobRecord
from photojobs.core.jobs.store import JobStore
from photojobs.ui.processes.rows import TaskRow, format_duration

ITEM_LIMIT = 500  # failed items listed per job; the rest are counted
DONE_LIMIT = 50  # done items named per job; the rest are counted
MARKS = {"failed": "✗", "skipped": "–", "canceled": "–", "done": "✓"}
ORDER = ("failed", "skipped", "canceled", "done")  # what needs a look first


def _when(moment: float | None) -> str:
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


@dataclass
class Details:
    """What happened (plain lines) and the technical fields (plain lines)."""

    title: str
    story: list[str] = field(default_factory=list)
    technical: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join([*self.story, "", "Technical details", *self.technical]) + "\n"

    def html(self) -> str:
        """Headings (unindented lines) bold, items indented as in the text."""
        story = "".join(
            f"<div style='white-space:pre-wrap;'>{_line_html(line)}</div>" for line in self.story
        )
        tech = "<br>".join(escape(line) for line in self.technical)
        return (
            f"{story}<p style='margin-top:14px; color:#707070;'><small><b>Technical details"
            f"</b><br><span style='font-family:monospace;'>{tech}</span></small></p>"
        )


def _line_html(line: str) -> str:
    if not line:
        return "&nbsp;"
    return escape(line) if line.startswith(" ") else f"<b>{escape(line)}</b>"


def job_story(job: JobRecord, items: list[ItemRecord]) -> list[str]:
    """The job's outcome in words, then its items by file or photo, failures first."""
    tally = Counter(i.status for i in items)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
    lines = [f"{job_label(job.type)}: {job.status.value}" + (f" ({counts})" if counts else "")]
    if job.error:
        lines.append(f"  {job.error.strip().splitlines()[0]}")
    for status in ORDER:
        # A line per file and reason: a thumbnail and a preview that failed alike read once.
        chosen = list(dict.fromkeys(_item_line(i) for i in items if i.status == status))
        limit = ITEM_LIMIT if status != "done" else DONE_LIMIT
        lines += chosen[:limit]
        if len(chosen) > limit:
            lines.append(f"  … and {len(chosen) - limit} more {status}")
    return lines


def _item_line(item: ItemRecord) -> str:
    reason = item.reason or ("failed" if item.status == "failed" else "")
    return f"  {MARKS[item.status]} {item.name}" + (f": {reason}" if reason else "")


def job_technical(job: JobRecord) -> list[str]:
    took = (
        f" · took {format_duration(job.finished_at - job.started_at)}"
        if job.started_at and job.finished_at
        else ""
    )
    lines = [
        f"{job_label(job.type)}: job {job.id} ({job.type}) · {job.status.value}, "
        f"attempt {job.attempts} of {job.max_attempts} · progress "
        f"{job.progress_done}/{job.progress_total}",
        f"  started {_when(job.started_at)} · finished {_when(job.finished_at)}{took}",
    ]
    if job.error and len(job.error.strip().splitlines()) > 1:
        lines += [f"  {line}" for line in job.error.strip().splitlines()]  # a traceback
    return lines


def task_details(
    task: TaskRow, store: JobStore, jobs: Iterable[JobRecord] | None = None, title: str = ""
) -> Details:
    """The task's outcome and each job (or only `jobs`) with its items, then the ids."""
    record = task.record
    details = Details(title or (record.label if record else task.key))
    chosen = list(jobs) if jobs is not None else [j.job for j in task.jobs]
    if record is not None and jobs is None:
        details.story += [
            f"{record.label}: {record.status.value} · "
            f"{record.progress_done} of {record.progress_total} done",
            "",
        ]
    for job in chosen:
        details.story += [*job_story(job, store.items(job.id)), ""]
        details.technical += job_technical(job)
    if record is not None and task.task_id is not None:
        details.technical.append(f"Task {task.key} ({record.task_type}) · source {record.source}")
    while details.story and not details.story[-1]:
        details.story.pop()
    return details


class DetailsDialog(QDialog):
    """Non-modal and read-only; Copy puts the whole text on the clipboard."""

    def __init__(self, details: Details, parent: QWidget | None = None):
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(details.title)
        self.setObjectName("processDetails")
        self.resize(720, 460)
        self.text = QTextBrowser()
        self.text.setHtml(details.html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.text())
