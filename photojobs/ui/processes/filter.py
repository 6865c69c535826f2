"""Hide maintenance work without touching the model: a proxy that reads the source role.

A task's source is `user` when any of its jobs is the user's (or its type is user-facing),
so a commit stays visible when only its maintenance follow-ups remain, while a task made of
maintenance jobs only is hidden with all its rows.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from photojobs.core.jobs.model import MAINTENANCE
from photojobs.ui.processes.roles import SourceRole


class MaintenanceFilter(QSortFilterProxyModel):
    def __init__(self, show_maintenance: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self._show = show_maintenance
        self.setDynamicSortFilter(True)
        self.setFilterRole(SourceRole)  # a source that changes re-runs the filter on that row

    @property
    def show_maintenance(self) -> bool:
        return self._show

    def set_show_maintenance(self, show: bool) -> None:
        if show == self._show:
            return
        self.beginFilterChange()
        self._show = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._show:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return index.data(SourceRole) != MAINTENANCE
