"""Settings: the library folder (QSettings) and a few config values (the user's config.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.config import Config, ConfigError, default_config_path, save_user_config

# key, label, lowest and highest the box lets through (the config itself says what is valid)
NUMBERS = (
    ("processing.thumbnail.max_dim", "Thumbnail size (px)", 1, 4096),
    ("processing.preview.max_dim", "Preview size (px)", 1, 16384),
    ("processing.workers", "Image workers", 0, 256),
    ("maintenance.trash_retention_days", "Keep trashed files for (days)", 0, 3650),
)
SWITCHES = (
    ("ui.include_maintenance_jobs", "Show maintenance jobs in Processes"),
    ("ui.notify_on_success", "Notify when a task finishes well (not only on failure)"),
)
ERROR_STYLE = "color: #b23b37;"
HINT_STYLE = "color: #707070;"


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new Config, for what can change while running

    def __init__(self, config: Config, library_root: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.config = config
        self.path = config.path or default_config_path()
        self.library_root = library_root
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.library_edit = QLineEdit(str(library_root))
        self.library_edit.setReadOnly(True)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_library)
        library_row = QHBoxLayout()
        library_row.addWidget(self.library_edit, 1)
        library_row.addWidget(choose)
        self.library_note = QLabel("A new library folder is used the next time PhotoJobs starts.")
        self.library_note.setStyleSheet(HINT_STYLE)
        self.library_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Library folder", library_row)
        form.addRow("", self.library_note)
        self.numbers: dict[str, QSpinBox] = {}
        for key, label, low, high in NUMBERS:
            box = QSpinBox()
            box.setRange(low, high)
            box.setValue(int(config.get(key)))
            box.setAccessibleName(label)
            form.addRow(label, box)
            self.numbers[key] = box
        self.numbers["processing.workers"].setSpecialValueText("Every core")
        self.switches: dict[str, QCheckBox] = {}
        for key, label in SWITCHES:
            check = QCheckBox(label)
            check.setChecked(bool(config.get(key)))
            form.addRow("", check)
            self.switches[key] = check
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        where = QLabel(f"Saved to {self.path}")
        where.setStyleSheet(HINT_STYLE)
        where.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(where)
        layout.addWidget(buttons)

    def _choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the library folder")
        if folder:
            self.library_edit.setText(folder)

    def changed_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {k: box.value() for k, box in self.numbers.items()}
        values |= {k: check.isChecked() for k, check in self.switches.items()}
        return {k: v for k, v in values.items() if v != self.config.get(k)}

    def save(self) -> None:
        """Write what changed; a value the config refuses keeps the dialog open and says why."""
        values = self.changed_values()
        for box in self.numbers.values():
            box.setStyleSheet("")
        for key, value in values.items():
            try:
                self.config.with_overrides({key: value})
            except ConfigError as e:
                self._refuse(key, e)
                return
        try:
            if values:
                save_user_config(self.path, values)
        except (ConfigError, OSError) as e:
            self._refuse(None, e)
            return
        if Path(self.library_edit.text()) != self.library_root:
            QSettings().setValue("library", self.library_edit.text())
        self.saved.emit(self.config.with_overrides(values))
        self.accept()

    def _refuse(self, key: str | None, error: Exception) -> None:
        self.error.setText(f"Not saved: {error}")
        self.error.show()
        box = self.numbers.get(key or "")
        if box is not None:
            box.setStyleSheet("QSpinBox { border: 2px solid #b23b37; }")
            box.setFocus()
