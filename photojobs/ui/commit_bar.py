"""The bar that appears when deletions are pending: counts, Revert and Commit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from photojobs.core.photos import PendingCounts


class CommitBar(QFrame):
    commit_clicked = Signal()
    revert_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("commitBar")
        self.setStyleSheet(
            "#commitBar { background: #fff4e0; border-top: 1px solid #e0b060; }"
            "#commitBar QLabel { color: #4a3000; }"
        )
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Keep everything again; no file is touched")
        self.commit_button = QPushButton("Commit")
        self.commit_button.setDefault(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.revert_button)
        layout.addWidget(self.commit_button)
        self.revert_button.clicked.connect(self.revert_clicked)
        self.commit_button.clicked.connect(self.commit_clicked)
        self.counts = PendingCounts(0, 0, 0)
        self.running = False
        self.hide()

    def show_counts(self, counts: PendingCounts) -> None:
        self.counts = counts
        self.label.setText(
            f"Pending deletions: {counts.photos} (JPG {counts.jpg} · RAW {counts.raw})"
        )
        self.commit_button.setText(f"Commit ({counts.photos})")
        self._update()

    def show_running(self, running: bool, done: int = 0, total: int = 0) -> None:
        self.running = running
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, total or 0)
            self.progress.setValue(done)
            self.commit_button.setText("Committing…")
        else:
            self.commit_button.setText(f"Commit ({self.counts.photos})")
        self._update()

    def _update(self) -> None:
        self.commit_button.setEnabled(not self.running and self.counts.photos > 0)
        self.revert_button.setEnabled(not self.running and self.counts.photos > 0)
        self.setVisible(self.running or self.counts.photos > 0)
