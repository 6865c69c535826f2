"""What a filtered grid with no photo says instead of staying blank: why, and the way back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class NoMatch(QWidget):
    clear_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("gridNoMatch")
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #707070;")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_clicked)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_for(self, filter_name: str, total: int) -> None:
        """`filter_name`: every filter in use, as the grid describes them together."""
        several = "," in filter_name
        self.title.setText(f"No photos match the filter{'s' if several else ''} “{filter_name}”")
        photos = f"{total} photo{'s' if total != 1 else ''}"
        hides = "together they hide" if several else "the filter hides"
        self.hint.setText(f"The project has {photos}; {hides} every one of them.")
