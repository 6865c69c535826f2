"""What an import says it did: photos for new ones, files for what joined photos already there."""

from __future__ import annotations

from photojobs.core.import_summary import summarise_import
from photojobs.core.importing import COMPLETION, DUPLICATE, NEW, OTHER_PROJECT


def test_a_raw_added_to_an_existing_photo_is_not_a_new_photo() -> None:
    summary = summarise_import(
        {"/card/IMG_1.ARW": COMPLETION}, "skip", [("/card/IMG_1.ARW", "done")]
    )
    assert summary.new_photos == 0
    assert summary.text() == "1 RAW added to an existing photo"


def test_new_pairs_count_once_and_mixed_completions_count_files() -> None:
    verdicts = {
        "/c/A.JPG": NEW,
        "/c/A.ARW": NEW,
        "/c/A.xmp": NEW,
        "/c/B.JPG": OTHER_PROJECT,
        "/c/C.JPG": NEW,
        "/c/D.ARW": COMPLETION,
        "/c/E.xmp": COMPLETION,
    }
    items = [(source, "done") for source in verdicts]
    assert summarise_import(verdicts, "skip", items).text() == (
        "3 new photos, 2 files added to existing photos"
    )


def test_replaced_skipped_and_failed_files_are_said_too() -> None:
    verdicts = {"/c/A.JPG": DUPLICATE, "/c/B.JPG": DUPLICATE, "/c/C.JPG": NEW, "/c/D.JPG": NEW}
    items = [
        ("/c/A.JPG", "done"),
        ("/c/B.JPG", "skipped"),
        ("/c/C.JPG", "failed"),
        ("/c/D.JPG", "done"),
    ]
    assert summarise_import(verdicts, "overwrite", items).text() == (
        "1 new photo, 1 file replaced, 1 file already here, 1 file not imported"
    )
    renamed = summarise_import(verdicts, "rename", items)
    assert renamed.new_photos == 2  # a duplicate kept under a new name is a photo of its own
    assert summarise_import({}, "skip", []).text() == "nothing imported"
