"""The commit (`change_commit`: file_removal, then the reconciliation jobs) with real files:
what goes to `.trash`, what stays, and that nothing is ever lost or overwritten."""

from __future__ import annotations

import json
import os

import pytest
from handler_kit import Shoot, blake
from PIL import Image

from photojobs.core.commits import NothingToCommit, start_commit
from photojobs.core.photos import KeepDecision
from photojobs.core.trash import move_to_trash


def assert_trash_consistent(shoot: Shoot, before: dict[str, str]) -> None:
    """Every entry confirmed and pointing at a real file in .trash, holding its original's
    bytes; every file in .trash has exactly one entry."""
    entries = shoot.entries()
    assert {e["status"] for e in entries} <= {"confirmed"}
    assert sorted(e["trash_name"] for e in entries) == shoot.trashed()
    for e in entries:
        assert blake(shoot.trash / e["trash_name"]) == before[e["original_name"]], e


def test_every_case_variant_of_the_jpg_goes(shoot: Shoot) -> None:
    shoot.add("DSC_1.JPG", "IMG_0001.JPG")
    shoot.add("DSC_1.jpeg", "IMG_0002.JPG")
    shoot.add("DSC_1.Jpg", "IMG_0003.JPG")
    shoot.add("DSC_1.Dng", "RAWFULL_0001.DNG")
    shoot.add("DSC_2.jpg", "IMG_0004.JPG")
    shoot.add("DSC_2.dNG", "RAWFULL_0002.DNG")
    shoot.scan()
    assert shoot.photos()["DSC_1"].files == ("DSC_1.Dng", "DSC_1.JPG", "DSC_1.Jpg", "DSC_1.jpeg")
    shoot.keep(KeepDecision.RAW_ONLY, "DSC_1")
    shoot.keep(KeepDecision.NONE, "DSC_2")
    before = shoot.originals()

    shoot.commit()
    shoot.run_all()

    assert shoot.files() == ["DSC_1.Dng"]
    assert sorted(e["original_name"] for e in shoot.entries()) == [
        "DSC_1.JPG",
        "DSC_1.Jpg",
        "DSC_1.jpeg",
        "DSC_2.dNG",
        "DSC_2.jpg",
    ]
    assert_trash_consistent(shoot, before)
    photo = shoot.photo("DSC_1")
    assert photo is not None
    assert (photo.files, photo.jpg_available, photo.raw_available) == (("DSC_1.Dng",), False, True)
    assert not photo.pending
    assert shoot.photo("DSC_2") is None


def test_jpg_only_kept_the_raw_and_its_own_sidecar_go(shoot: Shoot) -> None:
    shoot.add("X.JPG", "IMG_0001.JPG")
    shoot.add("X.ARW", "RAWFULL_0001.DNG")
    (shoot.dir / "X.xmp").write_text("<x:xmpmeta/>")
    (shoot.dir / "X.ARW.xmp").write_text("<x:xmpmeta darktable/>")
    shoot.add("Y.JPG", "IMG_0002.JPG")  # not pending: a bystander
    shoot.scan()
    shoot.keep(KeepDecision.JPG_ONLY, "X")
    shoot.thumb("X").parent.mkdir()
    shoot.thumb("X").write_bytes(b"made from the JPG")
    shoot.made("X", "Y")
    before = shoot.stats()
    hashes = shoot.originals()

    task = shoot.commit()
    shoot.run_all()

    assert sorted(e["original_name"] for e in shoot.entries()) == ["X.ARW", "X.ARW.xmp"]
    assert {e["task_id"] for e in shoot.entries()} == {task}
    assert {e["photo_base"] for e in shoot.entries()} == {"X"}
    assert_trash_consistent(shoot, hashes)
    after = shoot.stats()
    assert after == {k: before[k] for k in ("X.JPG", "X.xmp", "Y.JPG")}, "kept files untouched"
    photo = shoot.photo("X")
    assert photo is not None
    assert (photo.files, photo.raw_available, photo.keep_jpg) == (("X.JPG", "X.xmp"), False, True)
    assert shoot.thumb("X").read_bytes() == b"made from the JPG", "the JPG's thumbnail stays"
    assert shoot.jobs(task, "generate_derivatives") == []


def test_raw_only_kept_derivatives_are_remade_from_the_raw(shoot: Shoot) -> None:
    # The JPG is landscape; the RAW's orientation 6 makes it portrait: the shape says which.
    shoot.pair("P", "IMG_0001.JPG", "RAWFULL_0001.DNG")
    shoot.pair("Q", "IMG_0003.JPG", "RAWFULL_0002.DNG")
    shoot.scan()
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    with Image.open(shoot.thumb("P")) as im:
        assert im.width > im.height, "made from the landscape JPG"
    q_thumb = shoot.thumb("Q").read_bytes()
    shoot.keep(KeepDecision.RAW_ONLY, "P")
    raw_bytes = blake(shoot.dir / "P.DNG")

    task = shoot.commit()
    job = shoot.run_next()
    assert job is not None and job.type == "file_removal"
    assert not shoot.thumb("P").exists() and not shoot.preview("P").exists()
    waiting = shoot.photo("P")
    assert waiting is not None and waiting.thumbnail_status == "pending"

    shoot.run_all()

    remake = shoot.only_job(task, "generate_derivatives")
    assert remake["status"] == "completed"
    assert remake["payload"]["bases"] == ["P"]
    with Image.open(shoot.thumb("P")) as im:
        im.verify()
    with Image.open(shoot.thumb("P")) as im:
        assert im.format == "JPEG"
        assert im.height > im.width, "remade from the portrait RAW"
        assert max(im.size) == 64
    with Image.open(shoot.preview("P")) as im:
        assert im.height > im.width
    photo = shoot.photo("P")
    assert photo is not None
    assert (photo.thumbnail_status, photo.preview_status) == ("generated", "generated")
    assert blake(shoot.dir / "P.DNG") == raw_bytes
    assert shoot.thumb("Q").read_bytes() == q_thumb, "an untouched photo keeps its thumbnail"


def test_both_discarded_the_photo_leaves_the_database(shoot: Shoot) -> None:
    shoot.pair("Z")
    (shoot.dir / "Z.xmp").write_text("<x:xmpmeta/>")
    shoot.pair("K", "IMG_0002.JPG", "RAWFULL_0002.DNG")
    shoot.scan()
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    assert shoot.thumb("Z").exists()
    shoot.keep(KeepDecision.NONE, "Z")
    before = shoot.originals()

    task = shoot.commit()
    shoot.run_all()

    assert set(shoot.photos()) == {"K"}
    assert sorted(e["original_name"] for e in shoot.entries()) == ["Z.DNG", "Z.JPG", "Z.xmp"]
    assert_trash_consistent(shoot, before)
    assert not shoot.thumb("Z").exists() and not shoot.preview("Z").exists()
    assert shoot.files() == ["K.DNG", "K.JPG"]
    assert {j["status"] for j in shoot.jobs(task)} == {"completed"}
    assert [j["type"] for j in shoot.jobs(task)] == [
        "file_removal",
        "manifest_check",
        "folder_check",
        "manifest_cleaning",
    ]


@pytest.mark.parametrize("discard", ["IMG_1", "img_1"])
def test_a_pair_split_across_name_case_is_two_photos(shoot: Shoot, discard: str) -> None:
    shoot.add("IMG_1.JPG", "IMG_0001.JPG")
    shoot.add("img_1.DNG", "RAWFULL_0001.DNG")
    shoot.scan()
    assert set(shoot.photos()) == {"IMG_1", "img_1"}
    shoot.keep(KeepDecision.NONE, discard)
    other = "img_1" if discard == "IMG_1" else "IMG_1"
    other_name = "img_1.DNG" if other == "img_1" else "IMG_1.JPG"
    before = shoot.stats()[other_name]

    shoot.commit()
    shoot.run_all()

    assert set(shoot.photos()) == {other}
    assert shoot.stats() == {other_name: before}
    assert [e["photo_base"] for e in shoot.entries()] == [discard]
    kept = shoot.photo(other)
    assert kept is not None and kept.files == (other_name,) and not kept.pending


def test_a_file_missing_at_commit_time_is_an_item_failure(shoot: Shoot) -> None:
    for base in ("A", "B", "C"):
        shoot.pair(base)
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "A", "B", "C")
    before = shoot.originals()
    task = shoot.commit()
    (shoot.dir / "B.JPG").unlink()  # gone behind the app's back, after the click

    shoot.run_all()

    removal = shoot.only_job(task, "file_removal")
    assert removal["status"] == "completed"
    items = shoot.items(removal["id"])
    assert items["A"]["status"] == items["C"]["status"] == "done"
    assert items["B"]["status"] == "failed"
    assert items["B"]["name"] == "B.JPG", "the item is named by the file that stayed"
    assert items["B"]["message"].startswith("vanished before the commit")
    assert sorted(e["original_name"] for e in shoot.entries()) == [
        "A.DNG",
        "A.JPG",
        "B.DNG",
        "C.DNG",
        "C.JPG",
    ]
    assert_trash_consistent(shoot, before)
    assert shoot.photos() == {}
    assert {j["status"] for j in shoot.jobs(task)} == {"completed"}


def test_running_file_removal_twice_changes_nothing_the_second_time(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.pair("B", "IMG_0002.JPG", "RAWFULL_0002.DNG")
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    shoot.keep(KeepDecision.JPG_ONLY, "B")
    task = shoot.commit()
    shoot.run_all()
    files, trash, entries = shoot.stats(), shoot.trashed(), shoot.entries()
    photos = shoot.photos()
    jobs = len(shoot.jobs())

    again = shoot.run_one("file_removal", task_id=task, task_type="change_commit")

    assert again["status"] == "completed"
    assert shoot.items(again["id"]) == {}
    assert (again["progress_done"], again["progress_total"]) == (0, 0)
    assert len(shoot.jobs()) == jobs + 1, "no follow-up work"
    assert (shoot.stats(), shoot.trashed(), shoot.entries()) == (files, trash, entries)
    assert shoot.photos() == photos


def test_repeated_commits_of_one_base_never_collide_and_both_restore(shoot: Shoot) -> None:
    shoot.pair("A", "IMG_0001.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    first = shoot.commit()
    shoot.run_all()
    v1 = blake(shoot.trash / shoot.entries()[0]["trash_name"])
    shoot.add("A.JPG", "IMG_0002.JPG")  # a second JPG under the same name, discarded too
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    second = shoot.commit()
    shoot.run_all()

    e1, e2 = shoot.entries()
    assert (e1["task_id"], e2["task_id"]) == (first, second)
    assert e1["original_name"] == e2["original_name"] == "A.JPG"
    assert e1["trash_name"] != e2["trash_name"]
    assert blake(shoot.trash / e1["trash_name"]) == v1
    v2 = blake(shoot.trash / e2["trash_name"])
    assert v2 != v1 and shoot.trashed() == sorted([e1["trash_name"], e2["trash_name"]])

    shoot.restore(commit_task_id=second)
    shoot.run_all()
    assert blake(shoot.dir / "A.JPG") == v2
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    shoot.commit()
    shoot.run_all()
    shoot.restore(commit_task_id=first)
    shoot.run_all()
    assert blake(shoot.dir / "A.JPG") == v1
    statuses = [(e["task_id"], e["status"]) for e in shoot.entries()]
    assert statuses[:2] == [(first, "restored"), (second, "restored")]
    assert statuses[2][1] == "confirmed" and len(statuses) == 3


def test_a_commit_never_overwrites_a_file_already_in_the_trash(shoot: Shoot) -> None:
    """`.photojobs/` deleted or replaced: the new journal counts from 1 again while the old
    trash keeps its files. A trashed original must never replace another one."""
    shoot.pair("A")
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    shoot.trash.mkdir()
    for n in range(1, 4):
        (shoot.trash / f"{n:07d}_A.JPG").write_bytes(f"an older trashed photo {n}".encode())
    older = {p.name: blake(p) for p in shoot.trash.iterdir()}
    before = shoot.originals()

    shoot.commit()
    shoot.run_all()

    for name, digest in older.items():
        assert blake(shoot.trash / name) == digest
    (entry,) = shoot.entries()
    assert entry["status"] == "confirmed" and entry["trash_name"] not in older
    assert blake(shoot.trash / entry["trash_name"]) == before["A.JPG"]
    assert len(shoot.trashed()) == 4


def test_starting_a_commit_while_one_is_queued_returns_that_task(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "A")
    first = start_commit(shoot.lib, shoot.store, shoot.project)
    second = start_commit(shoot.lib, shoot.store, shoot.project)

    assert (first.created, second.created) == (True, False)
    assert second.task_id == first.task_id
    assert len(shoot.jobs(job_type="file_removal")) == 1
    assert second.as_json()["pending"] == 1

    shoot.run_all()
    assert len(shoot.entries()) == 2


def test_nothing_pending_is_nothing_to_commit(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.scan()

    with pytest.raises(NothingToCommit, match="nothing to commit in 'Shoot'"):
        start_commit(shoot.lib, shoot.store, shoot.project)

    assert shoot.jobs() == [], "no task, not even a canceled one, is left in the Processes dock"
    assert shoot.entries() == []


def test_a_commit_of_a_mixed_project_journals_every_move(shoot: Shoot) -> None:
    decisions = [KeepDecision.RAW_ONLY, KeepDecision.JPG_ONLY, KeepDecision.NONE]
    for i in range(9):
        shoot.pair(f"S{i}", f"IMG_000{i % 8 + 1}.JPG", "RAWFULL_0002.DNG")
    shoot.scan()
    for i in range(9):
        shoot.keep(decisions[i % 3], f"S{i}")
    before = shoot.originals()

    task = shoot.commit()
    shoot.run_all()

    assert_trash_consistent(shoot, before)
    assert len(shoot.entries()) == 3 + 3 + 6
    assert {e["task_id"] for e in shoot.entries()} == {task}
    removal = shoot.only_job(task, "file_removal")
    assert (removal["progress_done"], removal["progress_total"]) == (9, 9)
    assert {i["status"] for i in shoot.items(removal["id"]).values()} == {"done"}
    remaining = shoot.files()
    assert remaining == sorted(
        [f"S{i}.DNG" for i in range(0, 9, 3)] + [f"S{i}.JPG" for i in range(1, 9, 3)]
    )
    for name in remaining:
        assert blake(shoot.dir / name) == before[name]
    photos = shoot.photos()
    assert sorted(n for p in photos.values() for n in p.files) == remaining
    assert not any(p.pending for p in photos.values())


def test_a_run_after_a_crash_does_not_call_moved_files_vanished(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.pair("B", "IMG_0002.JPG", "RAWFULL_0002.DNG")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "A", "B")
    before = shoot.originals()
    task = shoot.commit()
    # What the first attempt did before the process died: A.JPG moved, rows not updated.
    photo = shoot.photo("A")
    assert photo is not None
    move_to_trash(shoot.lib.db, shoot.project.id, shoot.dir, "A.JPG", "A", photo.id, task)

    shoot.run_all()

    removal = shoot.only_job(task, "file_removal")
    assert {k: i["status"] for k, i in shoot.items(removal["id"]).items()} == {
        "A": "done",
        "B": "done",
    }
    assert sorted(e["original_name"] for e in shoot.entries()) == [
        "A.DNG",
        "A.JPG",
        "B.DNG",
        "B.JPG",
    ]
    assert_trash_consistent(shoot, before)
    assert shoot.photos() == {}


def test_a_name_at_the_filesystem_limit_goes_to_the_trash_and_back(shoot: Shoot) -> None:
    base = "é" * 100 + "_" * 45  # 245 bytes: with `.JPG`, 249 of the 255 a name may have
    shoot.pair(base)
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, base)
    before = shoot.originals()

    task = shoot.commit()
    shoot.run_all()

    (entry,) = shoot.entries()
    assert entry["original_name"] == f"{base}.JPG" and entry["status"] == "confirmed"
    assert len(entry["trash_name"].encode()) <= 255 and entry["trash_name"].endswith(".JPG")
    assert blake(shoot.trash / entry["trash_name"]) == before[f"{base}.JPG"]
    shoot.restore(commit_task_id=task)
    shoot.run_all()
    assert shoot.originals() == before


def test_a_sidecar_left_alone_by_a_crash_still_goes(shoot: Shoot) -> None:
    """A run died after moving the images of a discarded photo but not its sidecar: the
    sidecar alone no longer groups into a photo, yet it belongs to this one."""
    shoot.pair("S")
    (shoot.dir / "S.DNG.xmp").write_text("<x:xmpmeta/>")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "S")
    before = shoot.originals()
    task = shoot.commit()
    photo = shoot.photo("S")
    assert photo is not None
    for name in ("S.JPG", "S.DNG"):
        move_to_trash(shoot.lib.db, shoot.project.id, shoot.dir, name, "S", photo.id, task)

    shoot.run_all()

    assert shoot.files() == []
    assert sorted(e["original_name"] for e in shoot.entries()) == ["S.DNG", "S.DNG.xmp", "S.JPG"]
    assert_trash_consistent(shoot, before)
    assert shoot.photos() == {}


def test_a_kept_file_that_vanished_stops_that_photo(shoot: Shoot) -> None:
    """Keep JPG only, then the JPG disappears outside the app: trashing the RAW would leave
    nothing of the photo, so nothing of it moves and the item says why."""
    shoot.pair("DSC_1")
    shoot.pair("DSC_2")
    shoot.scan()
    shoot.keep(KeepDecision.JPG_ONLY, "DSC_1", "DSC_2")
    (shoot.dir / "DSC_1.JPG").unlink()
    task_id = shoot.commit()
    shoot.run_all()
    assert (shoot.dir / "DSC_1.DNG").exists()  # the only copy left stays in place
    assert not (shoot.dir / "DSC_2.DNG").exists()  # the other photo proceeds
    (job,) = shoot.jobs(task_id, "file_removal")
    item = shoot.items(job["id"])["DSC_1"]
    assert item["status"] == "failed" and "the JPG you kept is no longer" in item["message"]


def test_a_commit_canceled_halfway_still_remakes_the_thumbnails_it_took(
    shoot: Shoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel during the first photo: that photo's JPG is in the trash (cancel is checked
    between photos, also within a journal batch), and its thumbnail comes back from the RAW
    through a follow-up of the canceled job (same task)."""
    from photojobs.core.handlers import default_registry, removal
    from photojobs.core.jobs.context import JobContext
    from photojobs.core.jobs.runner import run_job
    from photojobs.core.jobs.store import new_worker_id

    for base in ("DSC_1", "DSC_2", "DSC_3"):
        shoot.pair(base)
    shoot.scan()
    shoot.run_one("generate_derivatives")
    shoot.keep(KeepDecision.RAW_ONLY, "DSC_1", "DSC_2", "DSC_3")
    task_id = shoot.commit()
    worker = new_worker_id()
    job = shoot.store.claim(worker)
    assert job is not None and job.type == "file_removal"
    ctx = JobContext(shoot.lib, shoot.store, job, lambda e: None)
    real_replace = os.replace

    def move_then_cancel(*args, **kwargs):  # the photographer presses Cancel as one file moves
        real_replace(*args, **kwargs)
        ctx.request_cancel()

    monkeypatch.setattr(removal.os, "replace", move_then_cancel)
    run_job(ctx, default_registry(), worker)
    monkeypatch.undo()

    (removal,) = shoot.jobs(task_id, "file_removal")
    assert removal["status"] == "canceled"
    assert not (shoot.dir / "DSC_1.JPG").exists() and (shoot.dir / "DSC_2.JPG").exists()
    (remake,) = shoot.jobs(task_id, "generate_derivatives")
    assert json.loads(remake["payload_json"])["bases"] == ["DSC_1"]
    assert shoot.jobs(task_id, "manifest_check") == []  # the next stage does not start
    shoot.run_all()
    assert shoot.photo("DSC_1").thumbnail_status == "generated"
    with Image.open(shoot.thumb("DSC_1")) as im:
        assert im.width > 0
