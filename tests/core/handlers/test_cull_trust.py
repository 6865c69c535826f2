"""A commit moves exactly what was confirmed; a restored photo is the same photo again
(its id, its other decisions and its capture facts), through real files and SQLite."""

from __future__ import annotations

import json
import sqlite3
from types import SimpleNamespace

from handler_kit import Shoot
from sqlalchemy import select, update

from photojobs.core.commits import Workset, pending_workset, start_commit
from photojobs.core.db.models import Photo
from photojobs.core.handlers.removal import photo_snapshots
from photojobs.core.marks.tags import replace_tags, tags_of
from photojobs.core.photos import KeepDecision, snapshot_of

CAPTURE = ("date_taken", "camera_make", "camera_model", "width", "height")


def with_metadata(shoot: Shoot, *bases: str) -> dict[str, dict[str, object]]:
    """Pairs imported the way an import leaves them: metadata read, thumbnails made."""
    for i, base in enumerate(bases, 1):
        shoot.pair(base, f"IMG_000{i}.JPG")
    shoot.scan()
    shoot.run_one("upload_postprocess")
    facts = {r["base"]: {c: r[c] for c in (*CAPTURE, "id")} for r in shoot.rows("photos")}
    for base in bases:
        assert facts[base]["date_taken"], f"{base}: the sample has a capture date"
    return facts


def test_a_photo_discarded_whole_comes_back_as_the_same_photo(shoot: Shoot) -> None:
    before = with_metadata(shoot, "A", "B")
    shoot.keep(KeepDecision.NONE, "A")
    task = shoot.commit()
    shoot.run_all()
    assert set(shoot.photos()) == {"B"}, "the commit removed A's row"

    shoot.restore(commit_task_id=task)
    shoot.run_all()

    after = {r["base"]: {c: r[c] for c in (*CAPTURE, "id")} for r in shoot.rows("photos")}
    assert after["A"] == before["A"], "same id, same date, camera and size"
    a = shoot.photo("A")
    assert a is not None and (a.keep_jpg, a.keep_raw) == (True, True)


def test_a_photo_discarded_whole_comes_back_with_its_marks_and_tags(shoot: Shoot) -> None:
    with_metadata(shoot, "A", "B")
    a = shoot.photo("A")
    assert a is not None
    with shoot.lib.db.write() as s:
        s.execute(update(Photo).where(Photo.id == a.id).values(rating=4, color_label="green"))
        replace_tags(s, a.id, frozenset(), frozenset({"Places|Paris", "ceremony"}))
    shoot.keep(KeepDecision.NONE, "A")
    task = shoot.commit()
    shoot.run_all()
    assert "A" not in shoot.photos()
    with shoot.lib.db.read() as s:
        assert tags_of(s, [a.id]) == {}, "its tags went with its row"

    shoot.restore(commit_task_id=task)
    shoot.run_all()
    back = shoot.photo("A")
    assert back is not None and back.id == a.id
    assert (back.rating, back.label) == (4, "green")
    with shoot.lib.db.read() as s:
        assert tags_of(s, [a.id]) == {a.id: frozenset({"Places|Paris", "ceremony"})}


def test_a_surviving_photo_keeps_its_id_and_its_other_decisions(shoot: Shoot) -> None:
    before = with_metadata(shoot, "A")
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    task = shoot.commit()
    shoot.run_all()
    shoot.restore(commit_task_id=task)
    shoot.run_all()

    row = shoot.rows("photos")[0]
    assert {c: row[c] for c in (*CAPTURE, "id")} == before["A"]
    assert (row["keep_jpg"], row["keep_raw"]) == (1, 1), "the restored JPG comes back kept"


def test_a_photo_trashed_before_snapshots_gets_its_capture_facts_read_again(
    shoot: Shoot,
) -> None:
    before = with_metadata(shoot, "A")
    shoot.keep(KeepDecision.NONE, "A")
    task = shoot.commit()
    shoot.run_all()
    assert all(e["photo_json"] for e in shoot.entries()), "every move keeps the photo as it was"
    conn = sqlite3.connect(shoot.lib.db.path)
    with conn:
        conn.execute("UPDATE trash_entries SET photo_json = NULL")  # as a v2 library left it
    conn.close()

    shoot.restore(commit_task_id=task)
    shoot.run_all()

    row = shoot.rows("photos")[0]
    for column in CAPTURE:
        assert row[column] == before["A"][column], column


def test_a_commit_moves_exactly_what_was_confirmed(shoot: Shoot) -> None:
    for i, base in enumerate(("A", "B", "C"), 1):
        shoot.pair(base, f"IMG_000{i}.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "A")
    shoot.keep(KeepDecision.RAW_ONLY, "C")
    with shoot.lib.db.read() as s:
        confirmed = pending_workset(s, shoot.project.id)
    started = start_commit(shoot.lib, shoot.store, shoot.project, confirmed)
    assert started.pending.photos == 2 and started.workset == confirmed

    # Decided while the commit waits: B discarded, C's RAW discarded too.
    shoot.keep(KeepDecision.NONE, "B", "C")
    shoot.run_all()

    assert shoot.files() == ["B.DNG", "B.JPG", "C.DNG"]
    assert sorted(e["original_name"] for e in shoot.entries()) == ["A.DNG", "A.JPG", "C.JPG"]
    photos = shoot.photos()
    assert photos["B"].pending and photos["C"].pending, "later decisions wait for the next"
    assert (photos["C"].raw_available, photos["C"].keep_raw) == (True, False)


def test_a_photo_kept_again_after_the_confirmation_is_not_moved(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.pair("B", "IMG_0002.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "A", "B")
    with shoot.lib.db.read() as s:
        confirmed = pending_workset(s, shoot.project.id)
    start_commit(shoot.lib, shoot.store, shoot.project, confirmed)
    shoot.keep(KeepDecision.BOTH, "B")  # changed their mind before the commit ran
    shoot.run_all()

    assert shoot.files() == ["B.DNG", "B.JPG"]
    assert not shoot.photos()["B"].pending


def test_the_confirmed_workset_is_stored_with_the_task_and_survives_a_rerun(
    shoot: Shoot,
) -> None:
    shoot.pair("A")
    shoot.pair("B", "IMG_0002.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.JPG_ONLY, "A")
    with shoot.lib.db.read() as s:
        confirmed = pending_workset(s, shoot.project.id)
    task = start_commit(shoot.lib, shoot.store, shoot.project, confirmed).task_id
    a_id = shoot.photos()["A"].id
    job = shoot.only_job(task, "file_removal")
    assert Workset.of_payload(job["payload"]["confirmed"]) == Workset(raw=frozenset({a_id}))
    shoot.keep(KeepDecision.JPG_ONLY, "B")
    shoot.run_all()
    # Run the confirmed removal again (a retry after a crash): nothing more moves.
    shoot.store.enqueue(
        "file_removal", project_id=shoot.project.id, payload=job["payload"], source="user"
    )
    shoot.run_all()
    assert shoot.files() == ["A.JPG", "B.DNG", "B.JPG"]


def test_the_snapshot_kept_with_a_trash_entry_is_the_photo_as_snapshot_of_reads_it(
    shoot: Shoot,
) -> None:
    """The commit reads its snapshots as plain rows; they must stay the JSON that
    `snapshot_of` makes of the photo (booleans as booleans, floats to the last digit)."""
    with_metadata(shoot, "A", "B")
    a = shoot.photo("A")
    assert a is not None
    with shoot.lib.db.write() as s:
        s.execute(
            update(Photo)
            .where(Photo.id == a.id)
            .values(rating=5, flag="pick", color_label="red", marked_at=1796236370.8204658)
        )
        replace_tags(s, a.id, frozenset(), frozenset({"Places|Paris", "é"}))
    with shoot.lib.db.read() as s:
        rows = {r.id: r for r in s.scalars(select(Photo))}
        expected = {
            i: json.dumps(snapshot_of(r, tags_of(s, [i]).get(i, ())), ensure_ascii=False)
            for i, r in rows.items()
        }

    found = photo_snapshots(SimpleNamespace(db=shoot.lib.db), sorted(rows))  # type: ignore[arg-type]

    assert found == expected
    assert json.loads(found[a.id])["keep_jpg"] is True
