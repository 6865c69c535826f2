"""Help → About PhotoJobs: the version, where the library and the logs are, and a way to
open either folder (what a bug report or a backup needs)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photojobs import APP_NAME, __version__

HINT_STYLE = "color: #707070;"


def _path_label(path: Path) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class AboutDialog(QDialog):
    def __init__(self, library_root: Path, log_folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.library_root, self.log_folder = library_root, log_folder
        # Opening a folder hands it to the desktop (no file I/O here); tests replace it.
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(460)
        title = QLabel(f"{APP_NAME} {__version__}")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        blurb = QLabel("Cull photo shoots, commit to a restorable trash, watch the work happen.")
        blurb.setWordWrap(True)
        runtime = QLabel(
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
        )
        runtime.setStyleSheet(HINT_STYLE)
        places = QFormLayout()
        places.addRow("Library:", _path_label(library_root))
        places.addRow("Logs:", _path_label(log_folder))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.library_button = QPushButton("Open library folder")
        self.logs_button = QPushButton("Open log folder")
        for button in (self.library_button, self.logs_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.library_button.clicked.connect(lambda: self._open(self.library_root))
        self.logs_button.clicked.connect(lambda: self._open(self.log_folder))
        layout = QVBoxLayout(self)
        for widget in (title, blurb, runtime):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addLayout(places)
        layout.addWidget(buttons)

    def _open(self, folder: Path) -> None:
        self.open_url(QUrl.fromLocalFile(str(folder)))
