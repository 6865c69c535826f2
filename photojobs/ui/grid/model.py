"""The grid's model: the ordered photo ids of one project, with row data read in pages.

Which photos show, and in what order, is asked off the GUI thread (at 100k photos the
query and the sort take a second): opening a project, a filter, a sort or a change asks
for the ids, and they are applied when they arrive, then `settled` says so. One question
is out at a time; changes meanwhile ask once more when it is answered, and an answer for
another project or filter than the one now chosen is not applied.

`data()` only looks up; a missing page is read on the next turn of the event loop and
announced with `dataChanged`. Live changes insert, remove or update just the rows they touch;
a change scattered over many places (a commit that hides every other photo of 100k) resets
the model once instead, and the grid panel puts the selection and the view back. The rows
read are kept up to a bound, like the thumbnails: scrolling through 100k photos does not
keep 100k rows in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from photojobs.core.catalog import Database
from photojobs.core.catalog.photo_rows import (
    MarksFilter,
    PhotoFilter,
    PhotoRow,
    SortOrder,
    load_rows,
    photo_ids,
    photo_total,
)
from photojobs.ui.background import Background, Ticket
from photojobs.ui.grid.changes import MANY_BLOCKS, Change, plan_change, spans

PAGE = 200
MAX_ROWS = 50 * PAGE  # rows kept read; the rest are read again when shown
MANY_CHANGED = 2_000  # changed photos beyond which every row read is dropped at once

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
PhotoRowRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class PhotoGridModel(QAbstractListModel):
    settled = Signal()  # the photos asked for (an open, a filter, a change) now show
    applied = Signal()  # an answer's rows were put in place (before any further question)

    def __init__(self, db: Database, parent: Any = None):
        super().__init__(parent)
        self.db = db
        self.project_id: str | None = None
        self.filter = PhotoFilter.ALL
        self.order = SortOrder.DATE
        self.marks = MarksFilter()  # rating, flag, label, tag, camera, lens
        self._ids: list[int] = []
        self._row_by_id: dict[int, int] | None = None  # built on demand after each change
        self._rows: dict[int, PhotoRow] = {}
        self._wanted: set[int] = set()
        self._page_timer = QTimer(self)
        self._page_timer.setSingleShot(True)
        self._page_timer.timeout.connect(self._load_wanted)
        self._background = Background(self, name="grid: which photos show")
        self._pages = Background(self, name="grid: rows of the photos shown")
        self._reading: set[int] = set()  # first rows of the pages on their way
        self._rows_version = 0  # a page read before a change is read again, not kept
        self._asking: Ticket[tuple[Change, int]] | None = None
        self._ask_again = False
        self._choice = 0  # counts changes of project, filter or order
        self._total = 0
        self._when_settled: list[Callable[[], None]] = []

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        photo_id = self._ids[index.row()]
        if role == PhotoIdRole:
            return photo_id
        row = self._rows.get(photo_id)
        if row is None:
            self._want(index.row())
            return None
        if role == PhotoRowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return row.base
        if role == Qt.ItemDataRole.ToolTipRole:
            decision = f" — {row.decision}" if row.decision else ""
            failed = row.thumbnail_error and row.thumbnail_status != "generated"
            why = f"\nNo preview: {row.thumbnail_error}" if failed else ""
            tags = f"\nTags: {', '.join(sorted(row.tags))}" if row.tags else ""
            return f"{row.base} ({row.formats}){decision}{why}{tags}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- what to show --------------------------------------------------------------------------

    def show_project(self, project_id: str | None) -> None:
        """Empty at once (a different project is a different list), filled when its ids
        arrive."""
        self.beginResetModel()
        self.project_id = project_id
        self._rows.clear()
        self._rows_version += 1
        self._set_ids([])
        self._total = 0
        self.endResetModel()
        self._new_choice()

    def set_filter(self, f: PhotoFilter, order: SortOrder | None = None) -> None:
        self.filter, self.order = f, order or self.order
        self._new_choice()

    def set_marks_filter(self, marks: MarksFilter) -> None:
        self.marks = marks
        self._new_choice()

    @property
    def loading(self) -> bool:
        """The ids asked for have not arrived yet."""
        return self._asking is not None

    @property
    def reading_rows(self) -> bool:
        """Rows of photos on screen are being read (their cells show a loading tile)."""
        return bool(self._reading or self._wanted)

    def when_settled(self, action: Callable[[], None]) -> None:
        """Now if nothing is being asked, else once the answer is applied."""
        if self._asking is None:
            action()
        else:
            self._when_settled.append(action)

    @property
    def filtered(self) -> bool:
        return self.filter is not PhotoFilter.ALL or self.marks.active

    def describe_filter(self) -> str:
        """The combined filter as a person reads it: "Pending deletion, rating ≥ 3"."""
        words = [] if self.filter is PhotoFilter.ALL else [self.filter.value]
        return ", ".join(words + self.marks.describe())

    def total(self) -> int:
        """The project's photos before the filter, as counted with the last ids."""
        return self._total

    def photo_id(self, row: int) -> int:
        return self._ids[row]

    def photo_ids_between(self, first: int, last: int) -> list[int]:
        return self._ids[first : last + 1]

    def row_of(self, photo_id: int) -> int:
        if self._row_by_id is None:
            self._row_by_id = {pid: row for row, pid in enumerate(self._ids)}
        return self._row_by_id.get(photo_id, -1)

    def _set_ids(self, ids: list[int]) -> None:
        self._ids, self._row_by_id = ids, None

    def photo(self, row: int) -> PhotoRow | None:
        if not 0 <= row < len(self._ids):
            return None
        photo_id = self._ids[row]
        if photo_id not in self._rows:
            self._keep_rows(load_rows(self.db, [photo_id]))
        return self._rows.get(photo_id)

    def _keep_rows(self, rows: dict[int, PhotoRow]) -> None:
        """Keep newly read rows; the longest-kept ones go when there are too many."""
        for pid in rows:
            self._rows.pop(pid, None)  # a re-read row counts as new
        self._rows.update(rows)
        excess = len(self._rows) - MAX_ROWS
        if excess > 0:
            for pid in list(islice(self._rows, excess)):
                del self._rows[pid]

    # -- live updates ----------------------------------------------------------------------

    def photos_changed(self, photo_ids: Iterable[int] = ()) -> None:
        """Re-read the given photos (or all) where they show now; which photos show, and
        their order, follow when the ids arrive. Beyond MANY_CHANGED photos it is cheaper
        to drop every row read and repaint what shows than to find each one's row (50k
        lookups held the GUI thread ~100 ms)."""
        changed = set(photo_ids)
        self._rows_version += 1
        if changed and len(changed) <= MANY_CHANGED:
            for pid in changed:
                self._rows.pop(pid, None)
        else:
            self._rows.clear()  # the rows on screen are read again, a page at a time
            changed = set()
        self._announce(changed or None)
        self.refresh()

    def refresh(self) -> None:
        """Ask again which photos show (after a change on disk or in the database)."""
        if self._asking is not None:
            self._ask_again = True
            return
        self._ask()

    def _new_choice(self) -> None:
        self._choice += 1  # an answer to an earlier choice is not applied
        self.refresh()

    def _ask(self) -> None:
        self._ask_again = False
        if self.project_id is None:
            self._arrived(self._choice, (plan_change(self._ids, []), 0))
            return
        query = partial(_ids_and_total, self.db, self.project_id, self.filter, self.order)
        marks, shown = self.marks, list(self._ids)  # a copy: the helper reads it meanwhile
        self._asking = self._background.run(
            lambda: query(marks, shown), partial(self._arrived, self._choice)
        )

    def _arrived(self, choice: int, answer: tuple[Change, int]) -> None:
        self._asking = None
        if choice == self._choice:
            change, self._total = answer
            self._apply(change)
        if self._ask_again or choice != self._choice:
            self._ask()
            return
        waiting, self._when_settled = self._when_settled, []
        self.settled.emit()
        for action in waiting:
            action()

    def shutdown(self) -> None:
        """Stop asking (the window closes)."""
        self._background.shutdown()
        self._pages.shutdown()
        self._asking = None

    def _announce(self, changed: set[int] | None) -> None:
        if not self._ids:
            return
        rows = sorted(r for pid in changed or () if (r := self.row_of(pid)) >= 0)
        blocks = list(spans(rows))
        if changed is None or len(blocks) > MANY_BLOCKS:
            first, last = (0, len(self._ids) - 1) if changed is None else (rows[0], rows[-1])
            self.dataChanged.emit(self.index(first), self.index(last))  # views repaint what shows
            return
        for first, last in blocks:
            self.dataChanged.emit(self.index(first), self.index(last))

    def _apply(self, change: Change) -> None:
        """Replay the steps the helper worked out from the ids shown when it was asked
        (nothing changes them meanwhile: one question is out at a time)."""
        if change.nothing:
            return
        if change.reset:
            self.beginResetModel()
            self._ids, self._row_by_id = change.new_ids, change.row_by_id
            self.endResetModel()
        else:
            for first, last in change.removals:  # bottom-up
                self.beginRemoveRows(QModelIndex(), first, last)
                del self._ids[first : last + 1]
                self._row_by_id = None
                self.endRemoveRows()
            if change.moves is not None:  # a new order (dates arrived): the selection follows
                self.layoutAboutToBeChanged.emit()
                moved_from = [self.index(r) for r in change.moves.old_rows]
                self._set_ids(list(change.moves.order))
                self.changePersistentIndexList(
                    moved_from, [self.index(r) for r in range(len(moved_from))]
                )
                self.layoutChanged.emit()
            for start, stop in change.insertions:  # top-down: ids[:start] match already
                self.beginInsertRows(QModelIndex(), start, stop - 1)
                self._ids[start:start] = change.new_ids[start:stop]
                self._row_by_id = None
                self.endInsertRows()
        self._row_by_id = change.row_by_id
        self.applied.emit()

    # -- pages -------------------------------------------------------------------------------

    def _want(self, row: int) -> None:
        self._wanted.add(row - row % PAGE)
        if not self._page_timer.isActive():
            self._page_timer.start(0)

    def _load_wanted(self) -> None:
        """Read the pages painted cells asked for on a helper thread (a read of 200 rows
        holds the GIL and waits on SQLite: not here), one read at a time."""
        pages = sorted(self._wanted - self._reading)
        self._wanted = set()
        for start in pages:
            ids = self._ids[start : start + PAGE]
            if not ids:
                continue
            self._reading.add(start)
            read = partial(load_rows, self.db, ids)
            self._pages.run(read, partial(self._page_read, start, self._rows_version, ids))

    def _page_read(
        self, start: int, version: int, ids: list[int], rows: dict[int, PhotoRow]
    ) -> None:
        self._reading.discard(start)
        if version != self._rows_version:
            # A change (or another project) came meanwhile: the rows are dropped, and the
            # cells of this page, which could not ask while it was on its way, ask again.
            first, last = start, min(start + PAGE, len(self._ids)) - 1
        else:
            self._keep_rows(rows)
            shown = [r for pid in ids if (r := self.row_of(pid)) >= 0]
            if not shown:
                return
            first, last = min(shown), max(shown)  # where those photos are now
        if first <= last:
            self.dataChanged.emit(self.index(first), self.index(last))


def _ids_and_total(
    db: Database,
    project_id: str,
    f: PhotoFilter,
    order: SortOrder,
    marks: MarksFilter,
    shown: list[int],
) -> tuple[Change, int]:
    """On a helper thread: the steps from the ids shown to those in grid order now, and the
    photos before the filter."""
    ids = photo_ids(db, project_id, f, order, marks)
    return plan_change(shown, ids), photo_total(db, project_id)
