"""Import through the real task: analysis, checked copies, duplicates, keep flags, bad files."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from photojobs.core.db.models import JobItem, Photo
from photojobs.core.handlers import default_registry
from photojobs.core.importing import (
    COMPLETION,
    DUPLICATE,
    NEW,
    OTHER_PROJECT,
    REJECTED,
    ImportCopyError,
    copy_checked,
)
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import ItemEvent
from photojobs.core.jobs.queries import get_task
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision, photos_of, scan_project, set_keep
from photojobs.core.project_import import analyse_for_project
from tests.core.importing.conftest import DATA, run_jobs


def start_import(lib: Library, project: ProjectInfo, paths: list[Path], policy: str = "skip"):
    analysis = analyse_for_project(lib, project, paths)
    to_copy = analysis.to_copy(policy)
    task_id, _ = JobStore(lib.db, lib.config).start_task(
        "upload_processing",
        project_id=project.id,
        payload={"on_duplicate": policy, "verdicts": {c.source: c.verdict for c in to_copy}},
        items=[(c.source, None) for c in to_copy],
    )
    return analysis, task_id


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


def photos_by_base(lib: Library, project: ProjectInfo):
    with lib.db.read() as s:
        return {p.base: p for p in photos_of(s, project.id)}


def test_import_copies_groups_and_processes(library: Library, card: Path) -> None:
    project = library.create_project("Card")
    before = {p: digest(p) for p in card.rglob("*") if p.is_file()}
    analysis, task_id = start_import(library, project, [card])
    assert analysis.counts()[NEW] == 5
    run_jobs(library)
    task = get_task(library.db, task_id)
    assert task is not None and task.status.value == "completed"
    assert [j.type for j in task.jobs] == ["import_files", "upload_postprocess"]
    photos = photos_by_base(library, project)
    assert set(photos) == {"IMG_0001", "IMG_0002", "RAW_0009"}
    assert photos["IMG_0002"].files == ("IMG_0002.DNG", "IMG_0002.JPG", "IMG_0002.xmp")
    assert photos["RAW_0009"].raw_available and not photos["RAW_0009"].jpg_available
    for p in photos.values():
        assert (p.thumbnail_status, p.preview_status) == ("generated", "generated")
        with Image.open(project.path / ".thumb" / f"{p.base}.jpg") as im:
            assert max(im.size) <= library.config.get("processing.thumbnail.max_dim")
    # sources untouched, copies identical, no temporary files left
    assert {p: digest(p) for p in card.rglob("*") if p.is_file()} == before
    assert digest(project.path / "IMG_0002.DNG") == digest(card / "DCIM/100CANON/IMG_0002.DNG")
    assert not [p for p in project.path.iterdir() if ".importing-" in p.name]


def test_metadata_for_raw_only_photo(library: Library, card: Path) -> None:
    """RAW_0009 is RAWNONE_0001: a RAW-only, portrait (orientation 6) shot."""
    project = library.create_project("Card")
    start_import(library, project, [card])
    run_jobs(library)
    with library.db.read() as s:
        raw = s.scalar(select(Photo).where(Photo.base == "RAW_0009"))
        assert raw is not None
        assert raw.camera_make and raw.date_taken and raw.date_source == "exif"
        assert raw.height > raw.width
    with Image.open(project.path / ".thumb" / "RAW_0009.jpg") as thumb:
        assert thumb.height > thumb.width  # upright, like the metadata says


def test_analysis_classes(library: Library, card: Path, tmp_path: Path) -> None:
    project = library.create_project("Card")
    other = library.create_project("Other day")
    shutil.copyfile(DATA / "IMG_0005.JPG", other.path / "IMG_0005.JPG")
    with library.db.write() as s:
        scan_project(s, other.id, other.path)
    shutil.copyfile(DATA / "IMG_0001.JPG", project.path / "IMG_0001.JPG")
    shutil.copyfile(DATA / "IMG_0003.JPG", project.path / "IMG_0002.JPG")
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copyfile(DATA / "IMG_0005.JPG", extra / "IMG_0005.JPG")
    (extra / "notes.txt").write_text("not a photo")
    (extra / "empty.JPG").write_bytes(b"")
    (extra / "text.jpg").write_text("hello, I am not a JPEG")
    analysis = analyse_for_project(library, project, [card, extra, tmp_path / "nowhere"])
    verdicts = {c.name: (c.verdict, c.reason) for c in analysis.candidates}
    assert verdicts["IMG_0001.JPG"][0] == DUPLICATE
    assert verdicts["IMG_0002.DNG"][0] == COMPLETION
    assert verdicts["IMG_0002.JPG"][0] == DUPLICATE
    assert verdicts["IMG_0005.JPG"][0] == OTHER_PROJECT
    assert verdicts["RAW_0009.DNG"][0] == NEW
    assert verdicts["notes.txt"] == (REJECTED, "not a photo file type (.txt)")
    assert verdicts["empty.JPG"] == (REJECTED, "the file is empty")
    assert verdicts["text.jpg"][0] == REJECTED and "not really a JPG" in verdicts["text.jpg"][1]
    assert verdicts["nowhere"] == (REJECTED, "no such file or folder")


def test_duplicate_policies(library: Library, tmp_path: Path) -> None:
    project = library.create_project("Dupes")
    old = project.path / "IMG_0001.JPG"
    shutil.copyfile(DATA / "IMG_0003.JPG", old)
    old_digest = digest(old)
    incoming = tmp_path / "in"
    incoming.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", incoming / "IMG_0001.JPG")

    analysis, _ = start_import(library, project, [incoming], "skip")
    assert analysis.to_copy("skip") == []
    run_jobs(library)
    assert digest(old) == old_digest

    start_import(library, project, [incoming], "rename")
    run_jobs(library)
    assert digest(project.path / "IMG_0001-2.JPG") == digest(incoming / "IMG_0001.JPG")
    assert digest(old) == old_digest

    start_import(library, project, [incoming], "overwrite")
    run_jobs(library)
    assert digest(old) == digest(incoming / "IMG_0001.JPG")
    trashed = list((project.path / ".trash").iterdir())
    assert len(trashed) == 1 and digest(trashed[0]) == old_digest  # kept, not destroyed


def test_reimport_and_regeneration_never_reset_decisions(library: Library, card: Path) -> None:
    project = library.create_project("Card")
    jpg_only = card / "DCIM/100CANON/IMG_0002.JPG"
    start_import(library, project, [jpg_only, card / "DCIM/100CANON/IMG_0001.JPG"])
    run_jobs(library)
    with library.db.write() as s:
        assert set_keep(s, project.id, ["IMG_0001"], KeepDecision.NONE) == []
    # completion: the RAW of IMG_0002 arrives later; IMG_0001 is imported again
    start_import(library, project, [card], "overwrite")
    run_jobs(library)
    store = JobStore(library.db, library.config)
    store.start_task("generate_derivatives", project_id=project.id, payload={"force": True})
    run_jobs(library)
    photos = photos_by_base(library, project)
    assert photos["IMG_0001"].keep_jpg is False  # the earlier decision stands
    assert photos["IMG_0002"].keep_raw and photos["IMG_0002"].keep_jpg  # new format starts kept


def test_bad_files_fail_alone(library: Library, tmp_path: Path) -> None:
    project = library.create_project("Bad")
    good = project.path / "GOOD.JPG"
    shutil.copyfile(DATA / "IMG_0004.JPG", good)
    data = (DATA / "IMG_0004.JPG").read_bytes()
    (project.path / "CUT.JPG").write_bytes(data[: len(data) // 2])
    (project.path / "BROKEN.DNG").write_bytes(b"II*\x00" + b"\x00" * 200)
    (project.path / "HELLO.JPG").write_text("hello")
    before = {p.name: digest(p) for p in project.path.iterdir() if p.is_file()}
    store = JobStore(library.db, library.config)
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
    task_id, _ = store.start_task("generate_derivatives", project_id=project.id)
    run_jobs(library)
    task = get_task(library.db, task_id)
    assert task is not None and task.status.value == "completed"
    photos = photos_by_base(library, project)
    assert photos["GOOD"].thumbnail_status == "generated"
    for bad in ("CUT", "BROKEN", "HELLO"):
        assert photos[bad].thumbnail_status == "failed", bad
    with library.db.read() as s:
        failed = s.scalars(select(JobItem).where(JobItem.status == "failed")).all()
    # Named by the file that could not be read, the reason apart (both sizes alike).
    assert {(i.key, i.name) for i in failed} == {
        (f"{base}:{kind}", name)
        for base, name in (("CUT", "CUT.JPG"), ("BROKEN", "BROKEN.DNG"), ("HELLO", "HELLO.JPG"))
        for kind in ("thumbnail", "preview")
    }
    assert all(i.message and ".JPG" not in i.message for i in failed)
    assert {p.name: digest(p) for p in project.path.iterdir() if p.is_file()} == before


def test_a_name_that_is_not_text_is_rejected_not_fatal(library: Library, tmp_path: Path) -> None:
    """A card from an old camera may carry a Latin-1 name: refused with a reason, no crash."""
    project = library.create_project("Old card")
    folder = tmp_path / "old"
    folder.mkdir()
    raw_name = os.fsencode(str(folder)) + b"/Caf\xe9.JPG"
    with open(raw_name, "wb") as f:
        f.write((DATA / "IMG_0001.JPG").read_bytes())
    analysis = analyse_for_project(library, project, [folder])
    (candidate,) = analysis.candidates
    assert candidate.verdict == REJECTED
    assert "not valid text" in (candidate.reason or "")


def test_a_heic_without_a_decoder_is_not_supported_not_broken(library: Library) -> None:
    """A real HEIC this installation cannot decode is `not_supported`; the grid can say so
    instead of calling the photographer's file broken."""
    from PIL import Image as PillowImage

    if ".heic" in PillowImage.registered_extensions():
        pytest.skip("a HEIF decoder is installed here: every HEIC can be read")
    project = library.create_project("Phone")
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    (project.path / "IMG_5001.HEIC").write_bytes(heic)
    shutil.copyfile(DATA / "IMG_0004.JPG", project.path / "IMG_5002.JPG")
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
    JobStore(library.db, library.config).start_task("generate_derivatives", project_id=project.id)
    run_jobs(library)
    with library.db.read() as s:
        rows = {r.base: r for r in s.scalars(select(Photo))}
        heic_row, jpg_row = rows["IMG_5001"], rows["IMG_5002"]
        assert (heic_row.thumbnail_status, heic_row.preview_status) == ("not_supported",) * 2
        assert "no HEIF decoder" in (heic_row.thumbnail_error or "")
        assert jpg_row.thumbnail_status == "generated"
    assert (project.path / "IMG_5001.HEIC").read_bytes() == heic


def test_overwrite_keeps_the_old_file_when_the_new_copy_fails(
    library: Library, tmp_path: Path
) -> None:
    """The card is pulled between the analysis and the copy: the photo already in the
    project stays where it is (the old order trashed it first, then had nothing to copy)."""
    project = library.create_project("Pulled")
    old = project.path / "IMG_0001.JPG"
    shutil.copyfile(DATA / "IMG_0003.JPG", old)
    old_digest = digest(old)
    incoming = tmp_path / "card"
    incoming.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", incoming / "IMG_0001.JPG")
    _, task_id = start_import(library, project, [incoming], "overwrite")
    (incoming / "IMG_0001.JPG").unlink()  # the card is gone
    run_jobs(library)
    assert digest(old) == old_digest
    assert not (project.path / ".trash").exists() or not any((project.path / ".trash").iterdir())
    assert sorted(p.name for p in project.path.iterdir() if p.is_file()) == [
        ".project.yaml",
        "IMG_0001.JPG",
    ]
    task = get_task(library.db, task_id)
    store = JobStore(library.db, library.config)
    (failed,) = [i for i in store.items(task.jobs[0].id) if i.status == "failed"]
    assert failed.name == "IMG_0001.JPG" and "IMG_0001.JPG" not in failed.reason


def test_overwrite_replaces_only_the_file_of_that_exact_name(
    library: Library, tmp_path: Path
) -> None:
    """`IMG_1.JPG` and `img_1.JPG` are two photos (bases match exactly): importing
    `img_1.JPG` replaces `img_1.JPG`, never the unrelated `IMG_1.JPG`."""
    project = library.create_project("Case")
    upper, lower = project.path / "IMG_1.JPG", project.path / "img_1.JPG"
    shutil.copyfile(DATA / "IMG_0003.JPG", upper)
    shutil.copyfile(DATA / "IMG_0004.JPG", lower)
    if not upper.exists() or not lower.exists() or os.path.samefile(upper, lower):
        pytest.fail("this test needs a case-sensitive filesystem for tmp_path")
    upper_digest, lower_digest = digest(upper), digest(lower)
    incoming = tmp_path / "in"
    incoming.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", incoming / "img_1.JPG")
    start_import(library, project, [incoming], "overwrite")
    run_jobs(library)
    assert digest(upper) == upper_digest  # untouched
    assert digest(lower) == digest(incoming / "img_1.JPG")
    (trashed,) = (project.path / ".trash").iterdir()
    assert digest(trashed) == lower_digest and trashed.name.endswith("_img_1.JPG")


def test_overwrite_of_a_name_differing_only_in_case_copies_beside_it(
    library: Library, tmp_path: Path
) -> None:
    """Only `IMG_1.JPG` is there and `img_1.JPG` comes in: another photo's file is not
    replaced; the new one is copied under a free name."""
    project = library.create_project("Case")
    upper = project.path / "IMG_1.JPG"
    shutil.copyfile(DATA / "IMG_0003.JPG", upper)
    upper_digest = digest(upper)
    incoming = tmp_path / "in"
    incoming.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", incoming / "img_1.JPG")
    start_import(library, project, [incoming], "overwrite")
    run_jobs(library)
    assert digest(upper) == upper_digest
    assert digest(project.path / "img_1-2.JPG") == digest(incoming / "img_1.JPG")
    assert not (project.path / ".trash").exists() or not any((project.path / ".trash").iterdir())


def test_new_photos_get_the_cameras_thumbnail_before_any_decode(
    library: Library, card: Path
) -> None:
    """Right after its copy, each photo's `.thumb` holds the thumbnail its camera embedded
    (upright, letterbox cut off), before any decode of it; the real one then replaces it."""
    project = library.create_project("Card")
    start_import(library, project, [card])
    store, registry, worker = JobStore(library.db, library.config), default_registry(), "w"
    job = store.claim(worker)
    assert job is not None and job.type == "import_files"
    stand_ins = {}

    def copied(event: object) -> None:  # reported once the file is in, before its render
        if isinstance(event, ItemEvent) and event.status == "done":
            if Path(event.key).suffix == ".xmp":  # a sidecar: its photo may be rendering
                return
            base = Path(event.key).stem
            with Image.open(project.path / ".thumb" / f"{base}.jpg") as im:
                stand_ins[base] = im.convert("RGB")

    run_job(JobContext(library, store, job, copied), registry, worker)
    assert set(stand_ins) == {"IMG_0001", "IMG_0002", "RAW_0009"}
    assert max(stand_ins["IMG_0001"].size) == 320  # the camera's (the real one is 512)
    run_jobs(library)
    for base, stand_in in stand_ins.items():
        with Image.open(project.path / ".thumb" / f"{base}.jpg") as im:
            real = im.convert("RGB")
        assert real.size != stand_in.size  # replaced by the derivative
        assert (real.width > real.height) == (stand_in.width > stand_in.height), base
        a = np.asarray(stand_in.resize((64, 64)), dtype=float)
        b = np.asarray(real.resize((64, 64)), dtype=float)
        assert np.abs(a - b).mean() < 20, base  # same picture, same way up, no black bars


def test_rows_appear_while_the_card_is_still_being_copied(
    library: Library, card: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows for the files copied so far are written and announced as the import goes
    (every half second; here after every file), not only when the last file is in."""
    from photojobs.core.handlers import imports
    from photojobs.core.jobs.events import PhotosChanged

    monkeypatch.setattr(imports, "PUBLISH_SECONDS", 0.0)
    project = library.create_project("Card")
    start_import(library, project, [card])
    store, registry = JobStore(library.db, library.config), default_registry()
    job = store.claim("w")
    assert job is not None and job.type == "import_files"
    rows_seen: list[int] = []

    def sink(event: object) -> None:
        if isinstance(event, PhotosChanged):
            with library.db.read() as s:
                rows_seen.append(len(photos_of(s, project.id)))

    run_job(JobContext(library, store, job, sink), registry, "w")
    assert rows_seen[0] == 1  # the first photo, announced before the second was copied
    assert rows_seen == sorted(rows_seen) and rows_seen[-1] == 3


def test_a_copy_refused_names_its_file_apart_from_the_reason(tmp_path: Path) -> None:
    """A name taken between the listing and the link: the item gets the file's name and the
    reason apart (imports before v9 wrote "IMG_0001.JPG: IMG_0001.JPG: …")."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "IMG_0001.JPG").write_bytes(b"another program's file")
    with pytest.raises(ImportCopyError) as refused:
        copy_checked(DATA / "IMG_0001.JPG", folder, "IMG_0001.JPG")
    assert (refused.value.name, refused.value.reason) == (
        "IMG_0001.JPG", "a file with this name appeared meanwhile",
    )  # fmt: skip
    assert str(refused.value) == "IMG_0001.JPG: a file with this name appeared meanwhile"
    assert (folder / "IMG_0001.JPG").read_bytes() == b"another program's file"
    assert [p.name for p in folder.iterdir()] == ["IMG_0001.JPG"], "no temporary copy left"
