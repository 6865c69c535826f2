"""What an empty library or project shows instead of a blank grid: the next step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from photojobs.core.library import ProjectInfo


class EmptyState(QWidget):
    create_clicked = Signal()
    import_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.create_button = QPushButton("New project…")
        self.import_button = QPushButton("Import photos…")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (self.title, self.hint, self.create_button, self.import_button):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
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
