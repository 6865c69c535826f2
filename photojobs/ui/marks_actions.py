"""Ratings, flags and colour labels from the keyboard and the Cull menu, on the photo in
the viewer or the grid's selection; discard rejected; auto-advance after a decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from photojobs.core.marks import ColorLabel, Flag, MarkError
from photojobs.ui.confirm import bulk_question, confirmed
from photojobs.ui.culling import LABEL_KEYS, SHORTCUTS, make_action
from photojobs.ui.decisions import plural

if TYPE_CHECKING:
    from photojobs.ui.main_window import MainWindow

AUTO_ADVANCE_KEY = "cull/auto_advance"
FLAGS = {"flag_pick": Flag.PICK, "flag_reject": Flag.REJECT, "flag_none": Flag.NONE}


class MarkActions(QObject):
    """Owns the marking actions and the Cull menu's Rating, Flag and Label submenus."""

    def __init__(self, window: MainWindow, keys: dict[str, str]):
        super().__init__(window)
        self.window = window
        self.session = window.session
        slots: dict[str, Callable[[], None]] = {
            f"rating_{n}": (lambda _=False, n=n: self.rate(n)) for n in range(6)
        }
        slots |= {name: (lambda _=False, f=f: self.flag(f)) for name, f in FLAGS.items()}
        slots |= {
            f"label_{c}": (lambda _=False, c=c: self.label(ColorLabel(c))) for c in LABEL_KEYS
        }
        slots["label_none"] = lambda _=False: self.label(ColorLabel.NONE)
        slots["discard_rejected"] = lambda _=False: self.discard_rejected()
        self.actions = {
            s.name: make_action(window, s, keys, slots[s.name])
            for s in SHORTCUTS
            if s.name in slots
        }
        self.actions["discard_rejected"].setText("Discard rejected photos…")
        self.auto_advance = QAction("Auto-advance after a decision", window)
        self.auto_advance.setCheckable(True)
        self.auto_advance.setChecked(QSettings().value(AUTO_ADVANCE_KEY, False, bool))
        self.auto_advance.toggled.connect(lambda on: QSettings().setValue(AUTO_ADVANCE_KEY, on))

    def fill_menu(self, cull: QMenu) -> None:
        for title, names in (
            ("&Rating", [f"rating_{n}" for n in range(6)]),
            ("&Flag", list(FLAGS)),
            ("&Label", [*(f"label_{c}" for c in LABEL_KEYS), "label_none"]),
        ):
            sub = cull.addMenu(title)
            for name in names:
                sub.addAction(self.actions[name])
        cull.addAction(self.actions["discard_rejected"])
        cull.addSeparator()
        cull.addAction(self.auto_advance)

    # -- marking -----------------------------------------------------------------------------

    def rate(self, rating: int) -> None:
        self._apply(lambda pid, bases: self.session.rate(pid, bases, rating))

    def flag(self, flag: Flag) -> None:
        self._apply(lambda pid, bases: self.session.flag(pid, bases, flag))

    def label(self, label: ColorLabel) -> None:
        """A colour key on photos that all carry that colour takes it off, as in Lightroom."""
        photos = self.window.target_photos()
        if label is not ColorLabel.NONE and photos and all(p.label == label for p in photos):
            label = ColorLabel.NONE
        self._apply(lambda pid, bases: self.session.label(pid, bases, label))

    def tag(self, add: list[str], remove: list[str]) -> bool:
        """From the tags panel; False (with a toast saying why) when a tag is malformed."""
        try:
            self._apply(lambda pid, bases: self.session.tag(pid, bases, add, remove))
        except MarkError as error:
            self.window.toast(str(error), "warning")
            return False
        return True

    def _apply(self, act: Callable[[str, list[str]], list[str]]) -> None:
        project, photos = self.window.project, self.window.target_photos()
        if project is None or not photos:
            return
        next_id = self.next_photo_id(photos)
        errors = act(project.id, [p.base for p in photos])
        if errors:
            self.window.toast("; ".join(errors), "warning")
        self.advance(next_id)

    # -- auto-advance ------------------------------------------------------------------------

    def next_photo_id(self, photos: list) -> int | None:
        """The photo after the one decided on, taken before the decision: a filter may hide
        the photo just marked, and the grid must not skip its neighbour."""
        if not self.auto_advance.isChecked() or len(photos) != 1:
            return None
        grid = self.window.grid
        row = grid.model.row_of(photos[0].id)
        return grid.model.photo_id(row + 1) if 0 <= row < grid.model.rowCount() - 1 else None

    def advance(self, photo_id: int | None) -> None:
        row = self.window.grid.model.row_of(photo_id) if photo_id is not None else -1
        if row >= 0:
            self.window.step(row - self.window.grid.current_row())

    # -- discard rejected --------------------------------------------------------------------

    def discard_rejected(self) -> None:
        """Lightroom's "Delete Rejected Photos": asks with the count, then one undo step."""
        project = self.window.project
        if project is None:
            return
        n = self.session.rejected_to_discard(project.id)
        if n == 0:
            self.window.toast("No rejected photo left to discard.", "info")
            return
        self.dialog = bulk_question(
            self.window,
            "Discard rejected photos",
            f"Discard {plural(n, 'rejected photo')} in “{project.name}”?",
            "Their files go to the project's trash at the next commit. Undo takes this back.",
            f"Discard {plural(n, 'photo')}",
        )
        if not confirmed(self.dialog):
            return
        done = self.session.discard_rejected(project.id)
        if done:
            hint = self.window.decisions.undo_hint()
            self.window.toast(f"Discarded {plural(done, 'rejected photo')}. {hint}")
