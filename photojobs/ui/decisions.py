"""Decisions from the grid and the viewer, one undo step per key press, and a revert that
asks first. The grid's badges show each decision, so only refusals and bulk actions toast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from photojobs.core.decision_history import DecisionStep
from photojobs.core.decisions import WORDS
from photojobs.core.photos import KeepDecision
from photojobs.ui.confirm import bulk_question, confirmed

if TYPE_CHECKING:
    from photojobs.ui.main_window import MainWindow


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Decisions(QObject):
    """Owns the Undo and Redo actions; their text names the step they would take."""

    def __init__(self, window: MainWindow, keys: dict[str, str]):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.undo_action = QAction("Undo", window)
        self.redo_action = QAction("Redo", window)
        self.undo_action.setShortcuts(_keys(keys.get("undo"), QKeySequence.StandardKey.Undo))
        # Ctrl+Shift+Z as in most editors, Ctrl+Y as on Windows: both redo.
        self.redo_action.setShortcuts(
            _keys(keys.get("redo"), QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y"))
        )
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        window.addAction(self.undo_action)
        window.addAction(self.redo_action)
        self.session.history_changed.connect(lambda _project_id: self.update_actions())
        self.update_actions()

    @property
    def project_id(self) -> str | None:
        return self.window.project.id if self.window.project else None

    def decide(self, decision: KeepDecision) -> None:
        photos = self.window.target_photos()
        if self.project_id is None or not photos:
            return
        words = WORDS[decision]
        bases = [p.base for p in photos]
        errors = self.session.decide(self.project_id, bases, decision, words)
        done = len(bases) - len(errors)
        if done > 1:  # a bulk action deserves a word; one photo's badge says it already
            self.window.toast(f"{words}: {plural(done, 'photo')}. {self.undo_hint()}", "info")
        if errors:
            self.window.toast("; ".join(errors), "warning")

    def undo(self) -> None:
        if self.project_id is not None:
            self._took(self.session.undo(self.project_id), "Undone")

    def redo(self) -> None:
        if self.project_id is not None:
            self._took(self.session.redo(self.project_id), "Redone")

    def revert(self) -> None:
        """Drops every pending decision of the project, after saying how many."""
        project = self.window.project
        if project is None:
            return
        n = self.session.pending(project.id).photos
        if n == 0:
            self.window.toast("Nothing to revert: every photo is kept.", "info")
            return
        undo_key = self.undo_key()
        self.revert_dialog = bulk_question(
            self.window,
            "Revert all decisions",
            f"Drop {plural(n, 'decision')} in “{project.name}”?",
            f"Every photo is kept whole again. No file is touched, and Undo ({undo_key}) "
            "brings the decisions back.",
            f"Revert {plural(n, 'decision')}",
        )
        if not confirmed(self.revert_dialog):
            return
        reverted = self.session.revert(project.id)
        if reverted:
            self.window.toast(
                f"Reverted {plural(reverted, 'decision')}. {self.undo_hint()}", "info"
            )

    def undo_key(self) -> str:
        """The key that undoes, as this platform writes it (it comes from the config)."""
        return self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

    def undo_hint(self) -> str:
        return f"{self.undo_key()} undoes it." if self.undo_key() else "Edit → Undo takes it back."

    def _took(self, step: DecisionStep | None, verb: str) -> None:
        if step is None:
            self.window.statusBar().showMessage(
                "Nothing to undo" if verb == "Undone" else "Nothing to redo", 3000
            )
            return
        self.window.show_photos(step.photo_ids)
        self.window.statusBar().showMessage(f"{verb}: {_describe(step)}", 5000)

    def update_actions(self) -> None:
        project_id = self.project_id
        history = self.session.history
        for action, step, verb in (
            (self.undo_action, history.next_undo(project_id or ""), "Undo"),
            (self.redo_action, history.next_redo(project_id or ""), "Redo"),
        ):
            action.setEnabled(step is not None)
            action.setText(f"{verb} {_describe(step)}" if step else verb)


def _describe(step: DecisionStep) -> str:
    n = len(step.photo_ids)
    return step.label if n == 1 else f"{step.label} ({plural(n, 'photo')})"


def _keys(configured: str | None, *standard: QKeySequence.StandardKey | QKeySequence) -> list:
    """The configured key first, then the platform's own, without repeats."""
    found: list[QKeySequence] = []
    if configured:
        found.append(QKeySequence(configured))
    for key in standard:
        found.extend(
            QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [key]
        )
    unique: list[QKeySequence] = []
    for key in found:
        if not key.isEmpty() and key not in unique:
            unique.append(key)
    return unique
