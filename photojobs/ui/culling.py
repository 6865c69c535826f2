"""Keyboard culling: decisions bound to the keys in `keyboard_shortcuts`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from photojobs.core.decisions import WORDS
from photojobs.core.photos import KeepDecision

LABEL_KEYS = ("red", "yellow", "green", "blue", "purple")


@dataclass(frozen=True)
class Shortcut:
    name: str  # key in keyboard_shortcuts
    label: str


SHORTCUTS = (
    Shortcut("keep_jpg_only", WORDS[KeepDecision.JPG_ONLY]),
    Shortcut("keep_raw_and_jpg", WORDS[KeepDecision.BOTH]),
    Shortcut("keep_raw_only", WORDS[KeepDecision.RAW_ONLY]),
    Shortcut("discard", f"{WORDS[KeepDecision.NONE]} (mark for deletion)"),
    Shortcut("open_viewer", "Open the viewer"),
    Shortcut("close_viewer", "Back to the grid"),
    Shortcut("next_photo", "Next photo"),
    Shortcut("previous_photo", "Previous photo"),
    Shortcut("toggle_info", "Show or hide photo info"),
    Shortcut("zoom_in", "Zoom in"),
    Shortcut("zoom_out", "Zoom out"),
    Shortcut("zoom_fit", "Fit to window"),
    Shortcut("zoom_100", "Zoom to 100%"),
    *(
        Shortcut(f"rating_{n}", f"Rate {n} star{'s' if n > 1 else ''}" if n else "Clear the rating")
        for n in range(6)
    ),
    Shortcut("flag_pick", "Flag as pick"),
    Shortcut("flag_reject", "Flag as reject"),
    Shortcut("flag_none", "Remove the flag"),
    *(Shortcut(f"label_{c}", f"{c.capitalize()} label") for c in LABEL_KEYS),
    Shortcut("label_none", "Remove the colour label"),
    Shortcut("discard_rejected", "Discard rejected photos (asks first)"),
    Shortcut("undo", "Undo the last decision"),
    Shortcut("redo", "Redo"),
    Shortcut("commit", "Commit pending deletions"),
    Shortcut("revert", "Revert all decisions (asks first)"),
    Shortcut("import_photos", "Import photos"),
    Shortcut("show_shortcuts", "Show these shortcuts"),
)

# Not culling keys but the window's own: the viewer's ends and full screen.
WINDOW_SHORTCUTS = (
    Shortcut("first_photo", "First photo"),
    Shortcut("last_photo", "Last photo"),
    Shortcut("toggle_full_screen", "Full screen on or off"),
)

DECISIONS = {
    "keep_jpg_only": KeepDecision.JPG_ONLY,
    "keep_raw_and_jpg": KeepDecision.BOTH,
    "keep_raw_only": KeepDecision.RAW_ONLY,
    "discard": KeepDecision.NONE,
}


def make_action(
    parent: QWidget, shortcut: Shortcut, keys: dict[str, str], slot: Callable[[], None]
) -> QAction:
    action = QAction(shortcut.label, parent)
    key = keys.get(shortcut.name)
    if key:
        action.setShortcut(QKeySequence(key))
    action.triggered.connect(slot)
    parent.addAction(action)
    return action


def shortcut_rows(keys: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (QKeySequence(keys[s.name]).toString(QKeySequence.SequenceFormat.NativeText), s.label)
        for s in (*SHORTCUTS, *WINDOW_SHORTCUTS)
        if keys.get(s.name)
    ]
