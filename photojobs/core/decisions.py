"""A photo's keep decision read back from its flags, and the words every screen uses for
it: the grid's badge, the viewer's buttons and info panel, the menus and the undo list."""

from __future__ import annotations

from photojobs.core.photos import KeepDecision

_KEPT = {
    (True, True): KeepDecision.BOTH,
    (True, False): KeepDecision.JPG_ONLY,
    (False, True): KeepDecision.RAW_ONLY,
    (False, False): KeepDecision.NONE,
}

# Short, for a badge or a button beside the word "Keep:".
SHORT_WORDS = {
    KeepDecision.JPG_ONLY: "JPG only",
    KeepDecision.BOTH: "RAW + JPG",
    KeepDecision.RAW_ONLY: "RAW only",
    KeepDecision.NONE: "Discard",
}
# A whole phrase, for a menu, the undo list or the info panel.
WORDS = {
    KeepDecision.JPG_ONLY: "Keep JPG only",
    KeepDecision.BOTH: "Keep RAW + JPG",
    KeepDecision.RAW_ONLY: "Keep RAW only",
    KeepDecision.NONE: "Discard",
}
KEEP_EVERYTHING = "Keep everything"
# What each decision does at the commit.
EFFECTS = {
    KeepDecision.JPG_ONLY: "Keep only the JPG; the RAW goes at the commit",
    KeepDecision.BOTH: "Keep both files",
    KeepDecision.RAW_ONLY: "Keep only the RAW; the JPG goes at the commit",
    KeepDecision.NONE: "Mark the whole photo for deletion at the commit",
}


def kept(jpg: bool, raw: bool, keep_jpg: bool, keep_raw: bool) -> KeepDecision:
    """Which of its files a photo keeps, counting only the files it has: a JPG-only photo
    marked keep_raw still keeps no RAW."""
    return _KEPT[(jpg and keep_jpg, raw and keep_raw)]


def keeps_everything(jpg: bool, raw: bool, keep_jpg: bool, keep_raw: bool) -> bool:
    """Nothing of it goes at the commit (the opposite of pending deletion)."""
    return (keep_jpg or not jpg) and (keep_raw or not raw)
