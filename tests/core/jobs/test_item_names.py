"""An item's file (or photo) is stored apart from the reason (schema v9). Rows written
before had one sentence, "b.jpg: not a photo"; `item_parts` is the one reader of both, so
the Details dialog and the CLI read old and new rows alike."""

from __future__ import annotations

import pytest

from photojobs.core.jobs.model import ItemRecord, ItemReport, item_parts
from photojobs.core.jobs.store import JobStore

CARD = "/media/card/DCIM/100CANON"


@pytest.mark.parametrize(
    ("key", "message", "parts"),
    [
        # import_files: the key is the source path, the sentence began with its file name;
        # a failed copy named the file twice
        (f"{CARD}/b.jpg", "b.jpg: not a photo", ("b.jpg", "not a photo")),
        (
            f"{CARD}/IMG_2.CR3",
            "IMG_2.CR3: IMG_2.CR3: the copy does not match the original",
            ("IMG_2.CR3", "the copy does not match the original"),
        ),
        (".b.jpg.importing", "b.jpg: an interrupted import's copy removed",
         ("b.jpg", "an interrupted import's copy removed")),
        # file_removal: the key is the photo, the sentence named one of its files, or it
        ("IMG_1", "IMG_1.JPG: vanished before the commit",
         ("IMG_1.JPG", "vanished before the commit")),
        ("IMG_1", "IMG_1: the JPG you kept is gone", ("IMG_1", "the JPG you kept is gone")),
        ("IMG_1", "2 file(s) to trash", ("IMG_1", "2 file(s) to trash")),
        # derivatives: "<base>:<kind>", the sentence named the source file
        ("TRUNC:thumbnail", "TRUNC.JPG: image is truncated or corrupt",
         ("TRUNC.JPG", "image is truncated or corrupt")),
        ("GONE:preview", "no image file left", ("GONE:preview", "no image file left")),
        # restore_files: a commit asked for and not in the trash
        ("9f1c", "commit 9f1c: none of its files is in the trash",
         ("commit 9f1c", "none of its files is in the trash")),
        # a reason with a colon of its own is not split: "not deleted" names nothing
        ("0000042_A.JPG", "not deleted: the trash journal leads outside",
         ("0000042_A.JPG", "not deleted: the trash journal leads outside")),
        ("GONE", "no file left: removed from the project",
         ("GONE", "no file left: removed from the project")),
        ("trash", "2 interrupted trash move(s) settled",
         ("trash", "2 interrupted trash move(s) settled")),
        ("a", None, ("a", "")),
    ],
)  # fmt: skip
def test_a_row_from_before_v9_is_split_only_where_its_sentence_names_the_item(
    key: str, message: str | None, parts: tuple[str, str]
) -> None:
    assert item_parts(key, None, message) == parts


def test_a_row_with_a_name_is_read_as_stored() -> None:
    assert item_parts("IMG_1", "IMG_1.JPG", "a: b") == ("IMG_1.JPG", "a: b")
    assert item_parts("IMG_1", "IMG_1", None) == ("IMG_1", "")


def test_the_sentence_people_read_joins_the_two() -> None:
    assert ItemRecord("k", None, "failed", "b.jpg", "not a photo").message == "b.jpg: not a photo"
    assert ItemRecord("k", None, "done", "b.jpg", "").message == "b.jpg"


def test_the_store_reads_old_and_new_rows_alike(store: JobStore) -> None:
    sources = [f"{CARD}/a.jpg", f"{CARD}/b.jpg"]
    job = store.enqueue_with_items("import_files", [(s, None) for s in sources])
    store.set_items(job.id, [ItemReport(sources[0], "failed", "not a photo", "a.jpg")])
    with store.db.write() as s:  # as PhotoJobs wrote it before v9: no name, one sentence
        s.connection().exec_driver_sql(
            "UPDATE job_items SET status = 'failed', message = 'b.jpg: not a photo'"
            " WHERE job_id = ? AND key = ?",
            (job.id, sources[1]),
        )
    items = store.items(job.id)
    assert [(i.name, i.reason, i.message) for i in items] == [
        ("a.jpg", "not a photo", "a.jpg: not a photo"),
        ("b.jpg", "not a photo", "b.jpg: not a photo"),
    ]
