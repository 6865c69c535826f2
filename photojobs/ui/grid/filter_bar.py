"""The grid's second filter row: minimum rating, flag, colour label, tag, camera and lens,
combined with the decision/format filter; a combo in use is highlighted, one click clears."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from photojobs.core.marks import ColorLabel, Flag
from photojobs.core.marks.filters import PhotoFilter as MarksFilter

ANY = "Any"
RATINGS = [(f"≥ {n} star{'s' if n > 1 else ''}", n) for n in range(1, 6)]
FLAGS = [("Picked", Flag.PICK), ("Rejected", Flag.REJECT), ("Unflagged", Flag.NONE)]
LABELS = [(c.value.capitalize(), c) for c in ColorLabel if c is not ColorLabel.NONE]
IN_USE = "QComboBox { font-weight: 600; }"


def _combo(name: str, choices: list[tuple[str, object]]) -> QComboBox:
    """ "Any rating", "Any lens": the first item names the filter, so no label takes room
    and a narrow window can still shrink the row."""
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItem(f"{ANY} {name.lower()}", None)
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
        }

    def value(self) -> MarksFilter:
        flag, label = self.flag.currentData(), self.label.currentData()  # Qt hands back str
        return MarksFilter(
            min_rating=self.rating.currentData(),
            flag=Flag(flag) if flag else None,
            label=ColorLabel(label) if label else None,
            tag=self.tag.currentData(),
            camera=self.camera.currentData(),
            lens=self.lens.currentData(),
        )

    def set_choices(self, tags: list[str], cameras: list[str], lenses: list[str]) -> None:
        """The project's own tags, cameras and lenses; a choice still offered stays chosen."""
        self._quiet = True
        for box, names in ((self.tag, tags), (self.camera, cameras), (self.lens, lenses)):
            current = box.currentData()
            if [box.itemData(i) for i in range(1, box.count())] == names:
                continue
            box.clear()
            box.addItem(f"{ANY} {box.accessibleName().lower()}", None)
            for name in names:
                box.addItem(name, name)
            if current is not None and current not in names:
                box.addItem(current, current)  # a filter in use is not dropped behind one's back
            box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
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
