"""The bar that appears when deletions are pending: counts, Revert all and Commit. While a
commit runs it shows its progress, what was decided since (kept for the next commit), and
says so plainly when processing is paused, with the button that resumes it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from photojobs.core.photos import PendingCounts


def _photos(n: int) -> str:
    return f"{n} photo{'' if n == 1 else 's'}"


class CommitBar(QFrame):
    commit_clicked = Signal()
    revert_clicked = Signal()
    resume_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("commitBar")
        self.setStyleSheet(
            "#commitBar { background: #fff4e0; border-top: 1px solid #e0b060; }"
            "#commitBar QLabel { color: #4a3000; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.resume_button = QPushButton("Resume processing")
        self.resume_button.setToolTip("Processing is paused: the commit starts when it resumes")
        self.resume_button.hide()
        self.revert_button = QPushButton("Revert all…")
        self.revert_button.setToolTip("Keep everything again (asks first; no file is touched)")
        self.commit_button = QPushButton("Commit")
        self.commit_button.setDefault(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.revert_button)
        layout.addWidget(self.commit_button)
        self.revert_button.clicked.connect(self.revert_clicked)
        self.commit_button.clicked.connect(self.commit_clicked)
        self.resume_button.clicked.connect(self.resume_clicked)
        self.counts = PendingCounts(0, 0, 0)  # pending and not in the running commit
        self.committing = 0  # photos of the running commit, 0 when none runs here
        self.done = self.total = 0
        self.paused = False
        self.hide()

    @property
    def running(self) -> bool:
        return self.committing > 0

    def show_counts(self, counts: PendingCounts) -> None:
        """Deletions pending; while a commit runs, those it does not take."""
        self.counts = counts
        self._update()

    def show_committing(self, photos: int) -> None:
        """A commit of this many photos runs here (0: none does)."""
        if photos != self.committing:
            self.committing, self.done, self.total = photos, 0, 0
        self._update()

    def show_progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._update()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._update()

    def _update(self) -> None:
        c = self.counts
        pending = f"{_photos(c.photos)} (JPG {c.jpg} · RAW {c.raw})"
        if not self.running:
            self.label.setText(f"Pending deletions: {pending}")
            self.commit_button.setText(f"Commit ({c.photos})")
        else:
            if self.paused:
                text = f"Commit of {_photos(self.committing)} waits: processing is paused."
            else:
                text = f"Committing {_photos(self.committing)}…"
            if c.photos:
                text += f" Decided since, for the next commit: {pending}."
            self.label.setText(text)
            self.commit_button.setText("Waiting…" if self.paused else "Committing…")
            self.progress.setRange(0, self.total or 0)
            self.progress.setValue(self.done)
        self.progress.setVisible(self.running and not self.paused)
        self.resume_button.setVisible(self.running and self.paused)
        self.commit_button.setEnabled(not self.running and c.photos > 0)
        self.revert_button.setEnabled(not self.running and c.photos > 0)
        self.setVisible(self.running or c.photos > 0)
