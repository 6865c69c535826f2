"""The details of a job or a task: its error and every failed item, as text one can copy
into a message or a bug report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.store import JobStore
from photojobs.ui.processes.rows import TaskRow, format_duration

ITEM_LIMIT = 500  # failed items listed per job; the rest are counted


def _when(moment: float | None) -> str:
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def job_text(job: JobRecord, items: list[dict[str, Any]]) -> str:
    lines = [
        f"{job_label(job.type)} (job {job.id}, {job.type})",
        f"  Status:   {job.status.value}"
        + (f" after {job.attempts} of {job.max_attempts} attempts" if job.attempts else ""),
        f"  Progress: {job.progress_done}/{job.progress_total}",
        f"  Started:  {_when(job.started_at)}    Finished: {_when(job.finished_at)}",
    ]
    if job.started_at and job.finished_at:
        lines.append(f"  Took:     {format_duration(job.finished_at - job.started_at)}")
    if job.error:
        lines.append(f"  Error:    {job.error}")
    if items:
        tally = Counter(i["status"] for i in items)
        lines.append("  Items:    " + ", ".join(f"{n} {s}" for s, n in sorted(tally.items())))
        failed = [i for i in items if i["status"] == "failed"]
        for item in failed[:ITEM_LIMIT]:
            lines.append(f"    ✗ {item['key']}: {item['message'] or 'failed'}")
        if len(failed) > ITEM_LIMIT:
            lines.append(f"    … and {len(failed) - ITEM_LIMIT} more failed items")
    return "\n".join(lines)


def task_text(task: TaskRow, store: JobStore, jobs: Iterable[JobRecord] | None = None) -> str:
    """The task's summary, then each job (or only `jobs`) with its failed items."""
    record = task.record
    header: list[str] = []
    if record is not None and task.task_id is not None:
        header = [
            f"{record.label} (task {task.key}, {record.task_type})",
            f"Status: {record.status.value} · progress {record.progress_done}/"
            f"{record.progress_total} · source {record.source}",
            "",
        ]
    chosen = list(jobs) if jobs is not None else [j.job for j in task.jobs]
    body = [job_text(job, store.items(job.id)) for job in chosen]
    return "\n".join(header) + "\n\n".join(body) + "\n"


class DetailsDialog(QDialog):
    """Non-modal and read-only; Copy puts the whole text on the clipboard."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("processDetails")
        self.resize(720, 420)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
