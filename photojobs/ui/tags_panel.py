"""The project's tags with how many photos hold each (click one to filter the grid), and a
field to add or remove a tag on the selected photos, completed from the library's tags."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.catalog import Database
from photojobs.core.catalog.marks import TagCount, tag_completions, tag_counts
from photojobs.ui.background import Background, Ticket

TagNameRole = Qt.ItemDataRole.UserRole + 1
TagCountRole = Qt.ItemDataRole.UserRole + 2
COMPLETIONS = 5000  # the library's tags offered while typing

Index = QModelIndex | QPersistentModelIndex


class TagsModel(QAbstractListModel):
    """(tag, count) rows by name; a refresh inserts, removes and updates only what moved."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.tags: list[tuple[str, int]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tags)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.tags):
            return None
        name, count = self.tags[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{name}  ({count})"
        if role == TagNameRole:
            return name
        if role == TagCountRole:
            return count
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{count} photo{'s' if count != 1 else ''} tagged “{name}”; click to show them"
        return None

    def set_tags(self, tags: list[tuple[str, int]]) -> None:
        new = dict(tags)
        row = len(self.tags) - 1
        while row >= 0:  # removals, bottom-up
            if self.tags[row][0] not in new:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.tags[row]
                self.endRemoveRows()
            row -= 1
        for name, count in sorted(new.items()):  # insertions at their place by name
            names = [n for n, _ in self.tags]
            if name in names:
                row = names.index(name)
                if self.tags[row][1] != count:
                    self.tags[row] = (name, count)
                    self.dataChanged.emit(self.index(row), self.index(row))
                continue
            row = sum(1 for n in names if n < name)
            self.beginInsertRows(QModelIndex(), row, row)
            self.tags.insert(row, (name, count))
            self.endInsertRows()


class TagsPanel(QWidget):
    tag_clicked = Signal(object)  # tag name, or None when the same tag is clicked again
    tag_requested = Signal(list, list)  # tags to add, tags to remove (on the selection)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.project_id: str | None = None
        self.model = TagsModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Tags")
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.empty = QLabel("No tags yet: type one below to tag the selected photos.")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #707070;")
        self.field = QLineEdit()
        self.field.setPlaceholderText("Tag, e.g. Places|Paris")
        self.field.setAccessibleName("Tag the selected photos")
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self.field)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add this tag to the selected photos (Enter)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove this tag from the selected photos")
        title = QLabel("Tags")
        title.setStyleSheet("font-weight: 600;")
        row = QHBoxLayout()  # under the field: the left column is narrow
        row.addStretch(1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.field)
        layout.addLayout(row)
        self.view.clicked.connect(self._clicked)
        self.field.returnPressed.connect(self._add)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self._filtering: str | None = None
        self.counting = Background(self, name="tag counts")
        self._counting: Ticket[tuple[list[TagCount], list[str]]] | None = None
        self.setMinimumWidth(70)  # as narrow as the projects list above it may go

    def show_project(self, project_id: str | None) -> None:
        if project_id != self.project_id:
            self._filtering = None
            self.model.set_tags([])
        self.project_id = project_id
        self.refresh()

    def refresh(self) -> None:
        """Counts and completions again, read on a helper thread; the newest read wins."""
        if self._counting is not None:
            self._counting.cancel()
        self._counting = self.counting.run(
            partial(_tags_and_completions, self.db, self.project_id),
            partial(self._show, self.project_id),
        )

    def _show(self, project_id: str | None, read: tuple[list[TagCount], list[str]]) -> None:
        self._counting = None
        if project_id != self.project_id:
            return
        counts, completions = read
        tags = [(t.name, t.photos) for t in counts]
        self.completions.setStringList(completions)
        self.model.set_tags(tags)
        self.empty.setVisible(not tags and self.project_id is not None)

    def shutdown(self) -> None:
        self.counting.shutdown()

    def filter_cleared(self) -> None:
        """The grid's filters were cleared elsewhere: the next click filters again."""
        self._filtering = None
        self.view.clearSelection()

    def _clicked(self, index: QModelIndex) -> None:
        name = index.data(TagNameRole)
        self._filtering = None if name == self._filtering else name
        if self._filtering is None:
            self.view.clearSelection()
        self.tag_clicked.emit(self._filtering)

    def _typed(self) -> str:
        text = self.field.text().strip()
        if not text and self.view.currentIndex().isValid():
            text = self.view.currentIndex().data(TagNameRole)
        return text

    def _add(self) -> None:
        if tag := self._typed():
            self.tag_requested.emit([tag], [])

    def _remove(self) -> None:
        if tag := self._typed():
            self.tag_requested.emit([], [tag])


def _tags_and_completions(db: Database, project_id: str | None) -> tuple[list[TagCount], list[str]]:
    """On a helper thread: the project's tags with their counts, and the names to offer."""
    counts = list(tag_counts(db, project_id)) if project_id else []
    return counts, list(tag_completions(db, limit=COMPLETIONS))
