"""One reading of the keep flags and one set of words, whatever screen shows them."""

from __future__ import annotations

import pytest

from photojobs.core.catalog.photo_details import PhotoDetails
from photojobs.core.catalog.photo_rows import PhotoRow
from photojobs.core.decisions import keeps_everything, kept
from photojobs.core.photos import KeepDecision


def row(jpg: bool, raw: bool, keep_jpg: bool, keep_raw: bool) -> PhotoRow:
    return PhotoRow(1, "A", jpg, raw, False, keep_jpg, keep_raw, "generated", "generated", None)


def details(jpg: bool, raw: bool, keep_jpg: bool, keep_raw: bool) -> PhotoDetails:
    files = (*(["A.JPG"] if jpg else []), *(["A.ARW"] if raw else []))
    blanks = [None] * 10
    return PhotoDetails(1, "A", files, jpg, raw, keep_jpg, keep_raw, "none", *blanks)


@pytest.mark.parametrize(
    ("flags", "decision", "badge", "info"),
    [
        ((True, True, True, True), KeepDecision.BOTH, "", "Keep everything"),
        ((True, True, True, False), KeepDecision.JPG_ONLY, "JPG only", "Keep JPG only"),
        ((True, True, False, True), KeepDecision.RAW_ONLY, "RAW only", "Keep RAW only"),
        ((True, True, False, False), KeepDecision.NONE, "Discard", "Discard"),
        # A JPG-only photo whose keep_raw is still set keeps no RAW: it keeps everything.
        ((True, False, True, True), KeepDecision.JPG_ONLY, "", "Keep everything"),
        ((True, False, False, True), KeepDecision.NONE, "Discard", "Discard"),
        ((False, True, False, True), KeepDecision.RAW_ONLY, "", "Keep everything"),
        ((False, False, False, False), KeepDecision.NONE, "", "Keep everything"),
    ],
)
def test_the_grid_and_the_viewer_say_the_same_decision(
    flags: tuple[bool, bool, bool, bool], decision: KeepDecision, badge: str, info: str
) -> None:
    assert kept(*flags) is decision
    assert keeps_everything(*flags) == (badge == "")
    assert row(*flags).kept is decision
    assert row(*flags).decision == badge
    assert row(*flags).pending == (badge != "")
    assert details(*flags).kept is decision
    assert details(*flags).decision == info
