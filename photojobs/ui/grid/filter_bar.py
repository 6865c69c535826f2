"""The grid's second filter row: minimum rating, flag, colour label, tag, camera, lens and
the days taken (from, to), combined with the decision/format filter; a combo in use is
highlighted, one click clears."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from photojobs.core.marks import ColorLabel, Flag
from photojobs.core.marks.filters import PhotoFilter as MarksFilter

ANY = "Any"
RATINGS = [(f"≥ {n} star{'s' if n > 1 else ''}", n) for n in range(1, 6)]
FLAGS = [("Picked", Flag.PICK), ("Rejected", Flag.REJECT), ("Unflagged", Flag.NONE)]
LABELS = [(c.value.capitalize(), c) for c in ColorLabel if c is not ColorLabel.NONE]
IN_USE = "QComboBox { font-weight: 600; }"


def _combo(name: str, choices: list[tuple[str, object]], anything: str = "") -> QComboBox:
    """ "Any rating", "Any lens": the first item names the filter, so no label takes room
    and a narrow window can still shrink the row."""
    box = QComboBox()
    box.setAccessibleName(name)
    box.setProperty("anything", anything or f"{ANY} {name.lower()}")
    box.addItem(box.property("anything"), None)
    for text, value in choices:
        box.addItem(text, value)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(1)
    box.setMaximumWidth(200)  # a long lens name must not push the row off the window
    return box


class MarksFilterBar(QWidget):
    changed = Signal(object)  # MarksFilter

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rating = _combo("Rating", list(RATINGS))
        self.flag = _combo("Flag", list(FLAGS))
        self.label = _combo("Label", list(LABELS))
        self.tag = _combo("Tag", [])
        self.camera = _combo("Camera", [])
        self.lens = _combo("Lens", [])
        self.taken_from = _combo("Taken from", [], "From first day")
        self.taken_to = _combo("Taken to", [], "To last day")
        for box in (self.taken_from, self.taken_to):
            box.setProperty("days", True)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show every photo again")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in self.boxes().values():
            layout.addWidget(box, 1)
            box.currentIndexChanged.connect(self._changed)
        layout.addStretch(1)
        layout.addWidget(self.clear_button)  # the grid panel clears both filter rows with it
        self._quiet = False
        self._last = MarksFilter()

    def boxes(self) -> dict[str, QComboBox]:
        return {
            "Rating": self.rating,
            "Flag": self.flag,
            "Label": self.label,
            "Tag": self.tag,
            "Camera": self.camera,
            "Lens": self.lens,
            "Taken from": self.taken_from,
            "Taken to": self.taken_to,
        }

    def value(self) -> MarksFilter:
        flag, label = self.flag.currentData(), self.label.currentData()  # Qt hands back str
        first, last = self.taken_from.currentData(), self.taken_to.currentData()
        if first and last and first > last:  # picked back to front: still the days between
            first, last = last, first
        return MarksFilter(
            min_rating=self.rating.currentData(),
            flag=Flag(flag) if flag else None,
            label=ColorLabel(label) if label else None,
            tag=self.tag.currentData(),
            camera=self.camera.currentData(),
            lens=self.lens.currentData(),
            date_from=first,
            date_to=last,
        )

    def set_choices(
        self, tags: list[str], cameras: list[str], lenses: list[str], days: Sequence[str] = ()
    ) -> None:
        """The project's own tags, cameras, lenses and days ("2023-06-15"); a choice still
        offered stays chosen."""
        self._quiet = True
        lists = [(self.tag, tags), (self.camera, cameras), (self.lens, lenses)]
        lists += [(self.taken_from, list(days)), (self.taken_to, list(days))]
        for box, names in lists:
            current = box.currentData()
            if [box.itemData(i) for i in range(1, box.count())] == names:
                continue
            box.clear()
            box.addItem(box.property("anything"), None)
            for name in names:
                box.addItem(_shown(box, name), name)
            if current is not None and current not in names:
                box.addItem(_shown(box, current), current)  # a filter in use stays
            box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
        self._quiet = False
        self._changed()

    def set_days(self, first: str | None, last: str | None) -> None:
        """Show the photos taken from one day to another (ISO dates; None: open end)."""
        self._quiet = True
        for box, day in ((self.taken_from, first), (self.taken_to, last)):
            if day is not None and box.findData(day) < 0:
                box.addItem(_shown(box, day), day)
            box.setCurrentIndex(box.findData(day) if day is not None else 0)
        self._quiet = False
        self._changed()

    def set_tag(self, tag: str | None) -> None:
        """The tags panel's click: filter by this tag (None: any tag)."""
        if tag is not None and self.tag.findData(tag) < 0:
            self.tag.addItem(tag, tag)
        self.tag.setCurrentIndex(self.tag.findData(tag) if tag is not None else 0)

    def clear(self) -> None:
        self._quiet = True
        for box in self.boxes().values():
            box.setCurrentIndex(0)
        self._quiet = False
        self._changed()

    def _changed(self) -> None:
        if self._quiet:
            return
        for box in self.boxes().values():
            box.setStyleSheet(IN_USE if box.currentIndex() > 0 else "")
        value = self.value()
        if value != self._last:
            self._last = value
            self.changed.emit(value)


def _shown(box: QComboBox, value: str) -> str:
    """A day as the photographer's locale writes it ("Sat 15 Jun 2023"); other values as is."""
    if box.property("days"):
        day = QDate.fromString(value, Qt.DateFormat.ISODate)
        if day.isValid():
            return QLocale().toString(day, "ddd d MMM yyyy")
    return value


def scrolling_row(row: QWidget) -> QScrollArea:
    """The filter row in a strip that scrolls sideways when the window is narrower than its
    eight filters, instead of making the whole window that wide at the least."""
    strip = _Strip()
    strip.setWidget(row)
    strip.setWidgetResizable(True)
    strip.setFrameShape(QFrame.Shape.NoFrame)
    strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    strip.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    strip.setMinimumWidth(120)
    strip.fit_height()
    return strip


class _Strip(QScrollArea):
    """As tall as the row, plus the scroll bar only while one shows."""

    def fit_height(self) -> None:
        row = self.widget()
        if row is None:
            return
        bar = self.horizontalScrollBar().sizeHint().height()
        scrolls = row.minimumSizeHint().width() > self.viewport().width()
        height = row.sizeHint().height() + (bar if scrolls else 0)
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()
