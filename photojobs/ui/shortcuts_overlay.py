"""`?`: every key from `keyboard_shortcuts`, grouped the way a culling session uses them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from photojobs.ui.culling import LABEL_KEYS, shortcut_rows

GROUPS = (
    ("Culling", ("keep_jpg_only", "keep_raw_and_jpg", "keep_raw_only", "discard", "undo", "redo")),
    (
        "Marks",
        (
            *(f"rating_{n}" for n in range(6)),
            "flag_pick",
            "flag_reject",
            "flag_none",
            *(f"label_{c}" for c in LABEL_KEYS),
            "label_none",
            "discard_rejected",
        ),
    ),
    (
        "Viewer",
        (
            "open_viewer",
            "close_viewer",
            "next_photo",
            "previous_photo",
            "first_photo",
            "last_photo",
            "toggle_info",
            "zoom_in",
            "zoom_out",
            "zoom_fit",
            "zoom_100",
        ),
    ),
    (
        "Project",
        (
            "commit",
            "revert",
            "import_photos",
            "toggle_full_screen",
            "show_shortcuts",
        ),
    ),
)
KEYCAP = (
    "QLabel[role='key'] { background: palette(base); border: 1px solid palette(mid);"
    " border-bottom-width: 2px; border-radius: 4px; padding: 2px 8px; font-weight: 600; }"
    "QLabel[role='group'] { font-size: 11pt; font-weight: 600; padding-top: 6px; }"
)


class ShortcutsOverlay(QDialog):
    def __init__(self, keys: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setStyleSheet(KEYCAP)
        self.rows: list[tuple[str, str]] = []
        columns = QHBoxLayout()
        columns.setSpacing(28)
        for title, names in GROUPS:
            rows = shortcut_rows({n: keys[n] for n in names if n in keys})
            self.rows += rows
            columns.addLayout(self._group(title, rows), 1)
        hint = QLabel("Keys come from “keyboard_shortcuts” in your config file.")
        hint.setStyleSheet("color: #707070;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._close_key = keys.get("show_shortcuts", "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The key that opened the overlay closes it too."""
        if self._close_key and event.text() == self._close_key:
            self.accept()
            return
        super().keyPressEvent(event)

    @staticmethod
    def _group(title: str, rows: list[tuple[str, str]]) -> QVBoxLayout:
        column = QVBoxLayout()
        heading = QLabel(title)
        heading.setProperty("role", "group")
        column.addWidget(heading)
        grid = QGridLayout()
        grid.setVerticalSpacing(6)
        grid.setHorizontalSpacing(10)
        for row, (key, label) in enumerate(rows):
            cap = QLabel(key)
            cap.setProperty("role", "key")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(QLabel(label), row, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        column.addStretch(1)
        return column
