"""What an empty library or project shows instead of a blank grid: the next step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.library import ProjectInfo

TEXT_WIDTH = 620  # px: lines a reader's eye can follow


class EmptyState(QWidget):
    create_clicked = Signal()
    import_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.hint = QLabel()
        for label in (self.title, self.hint):
            # Wrapped and given the column's whole width: a label placed with an alignment
            # flag keeps its one-line size hint, and its second line is cut off.
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.create_button = QPushButton("New project…")
        self.import_button = QPushButton("Import photos…")
        column = QWidget(self)
        column.setMaximumWidth(TEXT_WIDTH)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        words = QVBoxLayout(column)
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.title)
        words.addWidget(self.hint)
        for button in (self.create_button, self.import_button):
            words.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(column, 100)  # as wide as it may be, up to TEXT_WIDTH
        centred.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)
        self.create_button.clicked.connect(self.create_clicked)
        self.import_button.clicked.connect(self.import_clicked)
        self.show_for(None)

    def show_for(self, project: ProjectInfo | None) -> None:
        if project is None:
            self.title.setText("Welcome to PhotoJobs")
            self.hint.setText(
                "Each shoot lives in a project. Create one, then import the photos "
                "from your card or a folder."
            )
        else:
            self.title.setText(f"“{project.name}” has no photos yet")
            self.hint.setText(
                "Import photos from a card or folder, or drag them onto this "
                "window. Thumbnails appear as soon as they are made."
            )
        self.create_button.setVisible(project is None)
        self.import_button.setVisible(project is not None)
