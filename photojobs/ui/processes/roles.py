"""The Processes model's columns and named roles, shared by the model, filter and views."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class Column(IntEnum):
    NAME = 0
    STATUS = 1
    PROGRESS = 2
    STARTED = 3
    DURATION = 4
    ETA = 5


HEADERS = ("Name", "Status", "Progress", "Started", "Duration", "Time left")
_UR = Qt.ItemDataRole.UserRole
TaskRole = _UR + 1  # the task key ("job-<id>" for a job without a task), on every row
JobRole = _UR + 2  # the job id on job rows, None on task rows
StatusRole = _UR + 3  # "queued" | "running" | "completed" | "failed" | "canceled"
ProgressRole = _UR + 4  # (done, total)
SourceRole = _UR + 5  # "user" | "maintenance"
ErrorRole = _UR + 6
IsTaskRole = _UR + 7
ProjectRole = _UR + 8  # the project id

D, DEC, TIP, FG = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
)
ROLES_BY_COLUMN = {
    Column.NAME: [D, TIP, SourceRole],
    Column.STATUS: [D, DEC, TIP, FG, StatusRole, ErrorRole],
    Column.PROGRESS: [D, ProgressRole, StatusRole],
    Column.STARTED: [D],
    Column.DURATION: [D],
    Column.ETA: [D],
}
