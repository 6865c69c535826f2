"""Marks travel through real files: into `<base>.xmp` beside a RAW+JPG pair, in from
sidecars other tools wrote, through commit, trash and restore; bad sidecars are failed
items and are never lost. Jobs run through the real store and runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.dom.minidom
from pathlib import Path

import pytest
from handler_kit import Shoot, blake

from photojobs.core.config import Config
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.core.marks import (
    ColorLabel,
    Flag,
    change_tags,
    discard_rejected,
    set_flag,
    set_label,
    set_rating,
)
from photojobs.core.photos import PhotoRecord
from photojobs.core.xmp.document import parse

XMP_DATA = Path(__file__).parents[2] / "data" / "xmp"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def mark(shoot: Shoot, base: str, rating: int | None = None, **kw: object) -> None:
    with shoot.lib.db.write() as s:
        pid = shoot.project.id
        if rating is not None:
            set_rating(s, pid, [base], rating)
        if "flag" in kw:
            set_flag(s, pid, [base], kw["flag"])  # type: ignore[arg-type]
        if "label" in kw:
            set_label(s, pid, [base], kw["label"])  # type: ignore[arg-type]
        if "tags" in kw:
            change_tags(s, pid, [base], add=kw["tags"])  # type: ignore[arg-type]


def sync_items(shoot: Shoot) -> list[dict[str, object]]:
    return [i for j in shoot.jobs(job_type="sidecar_sync") for i in shoot.items(j["id"]).values()]


def trashed(shoot: Shoot) -> list[str]:
    """Original names of what sits in the trash now."""
    return sorted(e["original_name"] for e in shoot.entries() if e["status"] == "confirmed")


def scan_and_read(shoot: Shoot) -> None:
    """As `photojobs-cli scan` and folder_check do: files, then what sidecars say."""
    shoot.scan()
    shoot.run_one("folder_check")


def marks(p: PhotoRecord | None) -> tuple[int, str, str, tuple[str, ...]]:
    assert p is not None
    return (p.rating, p.flag, p.label, p.tags)


def test_a_decision_on_a_pair_lands_in_base_xmp_and_originals_stay(shoot: Shoot) -> None:
    shoot.pair("DSC_0042")
    shoot.scan()
    originals = shoot.originals()
    mark(shoot, "DSC_0042", 4, label=ColorLabel.RED, tags=["Places|Paris"])
    mark(shoot, "DSC_0042", 5)
    assert len(shoot.jobs(job_type="sidecar_sync")) == 1, "a burst costs one job"

    shoot.run_all()

    doc = parse((shoot.dir / "DSC_0042.xmp").read_bytes()).marks()
    assert (doc.rating, doc.label, doc.tags) == (5, ColorLabel.RED, {"Places|Paris"})
    assert {n: h for n, h in shoot.originals().items() if n != "DSC_0042.xmp"} == originals
    assert [i["status"] for i in sync_items(shoot)] == ["done"], "one write per photo"
    assert "DSC_0042.xmp" in shoot.photo("DSC_0042").files  # type: ignore[union-attr]


def test_an_existing_lightroom_sidecar_keeps_its_develop_settings(shoot: Shoot) -> None:
    shoot.pair("DSC_0042")
    shutil.copyfile(XMP_DATA / "lightroom_classic.xmp", shoot.dir / "DSC_0042.xmp")
    shoot.scan()
    before = parse((shoot.dir / "DSC_0042.xmp").read_bytes())
    crs = {k: v for k, v in before.descriptions()[0].attrib.items() if "camera-raw" in k}
    history = [dict(li.attrib) for li in before.root.iter(f"{{{RDF}}}li") if li.attrib]

    mark(shoot, "DSC_0042", 3, flag=Flag.PICK)
    shoot.run_all()

    after = parse((shoot.dir / "DSC_0042.xmp").read_bytes())
    assert {k: v for k, v in after.descriptions()[0].attrib.items() if "camera-raw" in k} == crs
    assert [dict(li.attrib) for li in after.root.iter(f"{{{RDF}}}li") if li.attrib] == history
    assert after.marks().rating == 3 and after.marks().flag is Flag.PICK


def test_darktable_naming_writes_beside_the_raw(library: Library, config: Config) -> None:
    library.config = config.with_overrides({"xmp.sidecar_naming": "darktable"})
    shoot = Shoot(library, library.create_project("Dt"))
    shoot.pair("DSC_0042")
    shutil.copyfile(XMP_DATA / "darktable.xmp", shoot.dir / "DSC_0042.DNG.xmp")
    shoot.scan()
    shoot.run_all()  # nothing pending yet
    mark(shoot, "DSC_0042", 2)
    shoot.run_all()
    assert not (shoot.dir / "DSC_0042.xmp").exists()
    text = (shoot.dir / "DSC_0042.DNG.xmp").read_text()
    assert 'xmp:Rating="2"' in text and 'darktable:operation="filmicrgb"' in text


def test_a_sidecar_written_before_import_shows_up(shoot: Shoot, tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.mkdir()
    shutil.copyfile(Path(__file__).parents[2] / "data" / "IMG_0001.JPG", card / "DSC_0042.JPG")
    shutil.copyfile(Path(__file__).parents[2] / "data" / "RAWFULL_0001.DNG", card / "DSC_0042.DNG")
    shutil.copyfile(XMP_DATA / "lightroom_classic.xmp", card / "DSC_0042.xmp")
    sources = {str(p): "new" for p in sorted(card.iterdir())}
    JobStore(shoot.lib.db, shoot.lib.config).start_task(
        "upload_processing",
        project_id=shoot.project.id,
        payload={"on_duplicate": "skip", "verdicts": sources},
        items=[(p, None) for p in sources],
    )
    shoot.run_all()
    assert marks(shoot.photo("DSC_0042")) == (2, "none", "green", ("Places|Paris", "wedding"))
    assert shoot.jobs(job_type="sidecar_sync") == [], "reading a sidecar does not write it"


def test_folder_check_reads_an_editor_change_and_the_newer_one_wins(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.pair("B")
    shoot.scan()
    mark(shoot, "A", 1)
    mark(shoot, "B", 1)
    shoot.run_all()
    # An editor rates both 5 stars: A after our mark, B (its clock says) before our next one.
    for base in "AB":
        path = shoot.dir / f"{base}.xmp"
        path.write_text(path.read_text().replace('xmp:Rating="1"', 'xmp:Rating="5"'))
    os.utime(shoot.dir / "B.xmp", (1_000_000, 1_000_000))
    mark(shoot, "B", 2)  # not written yet: the folder check comes first
    shoot.run_one("folder_check")

    assert shoot.photo("A").rating == 5  # type: ignore[union-attr]
    assert shoot.photo("B").rating == 2, "our mark is newer than B's sidecar"  # type: ignore[union-attr]
    shoot.run_all()
    assert parse((shoot.dir / "B.xmp").read_bytes()).marks().rating == 2
    assert parse((shoot.dir / "A.xmp").read_bytes()).marks().rating == 5


def test_reject_discard_commit_trashes_exactly_the_rejected(shoot: Shoot) -> None:
    for base in ("A", "B", "C"):
        shoot.pair(base)
    shoot.add("D.JPG")
    shoot.scan()
    mark(shoot, "B", flag=Flag.REJECT)
    mark(shoot, "D", flag=Flag.REJECT)
    mark(shoot, "A", 5)
    shoot.run_all()
    kept = {n: blake(shoot.dir / n) for n in ("A.JPG", "A.DNG", "A.xmp", "C.JPG", "C.DNG")}
    with shoot.lib.db.write() as s:
        before, after = discard_rejected(s, shoot.project.id)
    assert set(before) == {shoot.photo("B").id, shoot.photo("D").id}  # type: ignore[union-attr]
    assert set(after.values()) == {(False, False)}

    shoot.commit()
    shoot.run_all()

    assert trashed(shoot) == ["B.DNG", "B.JPG", "B.xmp", "D.JPG", "D.xmp"]
    assert shoot.files() == sorted(kept)
    assert {n: blake(shoot.dir / n) for n in kept} == kept


def test_a_discarded_photos_sidecar_goes_to_the_trash_and_back(shoot: Shoot) -> None:
    shoot.pair("A")
    shoot.scan()
    mark(shoot, "A", 4, flag=Flag.REJECT, label=ColorLabel.BLUE, tags=["People|Anna"])
    shoot.run_all()
    sidecar = blake(shoot.dir / "A.xmp")
    with shoot.lib.db.write() as s:
        discard_rejected(s, shoot.project.id)
    task = shoot.commit()
    shoot.run_all()
    assert trashed(shoot) == ["A.DNG", "A.JPG", "A.xmp"] and shoot.photo("A") is None

    shoot.restore(commit_task_id=task)
    shoot.run_all()

    assert blake(shoot.dir / "A.xmp") == sidecar
    assert marks(shoot.photo("A")) == (4, "reject", "blue", ("People|Anna",))


def test_an_independent_reader_confirms_what_we_write(shoot: Shoot) -> None:
    """ExifTool where installed; otherwise the stdlib DOM (not our parser) reads it."""
    shoot.pair("A")
    shutil.copyfile(XMP_DATA / "lightroom_classic.xmp", shoot.dir / "A.xmp")
    scan_and_read(shoot)
    mark(shoot, "A", 4, label=ColorLabel.YELLOW)
    with shoot.lib.db.write() as s:
        change_tags(s, shoot.project.id, ["A"], add=["Places|Paris|Louvre"], remove=["wedding"])
    shoot.run_all()
    path = shoot.dir / "A.xmp"
    dom = xml.dom.minidom.parse(str(path))
    desc = dom.getElementsByTagNameNS(RDF, "Description")[0]
    assert desc.getAttributeNS("http://ns.adobe.com/xap/1.0/", "Rating") == "4"
    assert desc.getAttributeNS("http://ns.adobe.com/xap/1.0/", "Label") == "Yellow"
    hier = dom.getElementsByTagNameNS("http://ns.adobe.com/lightroom/1.0/", "hierarchicalSubject")
    lis = [li.firstChild.data for li in hier[0].getElementsByTagNameNS(RDF, "li")]
    assert lis == ["Places|Paris", "Places|Paris|Louvre"], "wedding removed, the rest kept"
    crs = "http://ns.adobe.com/camera-raw-settings/1.0/"
    assert desc.getAttributeNS(crs, "Exposure2012") == "+0.35"


def exiftool_xmp(path: Path) -> dict[str, object]:
    out = subprocess.run(
        ["exiftool", "-json", "-XMP:all", str(path)], capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout)[0]
    found.pop("SourceFile")
    return found


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed (DOM ran)")
@pytest.mark.parametrize("fixture", ["darktable.xmp", "lightroom_classic.xmp"])
def test_exiftool_reads_what_we_write(shoot: Shoot, fixture: str) -> None:
    shoot.pair("A")
    shutil.copyfile(XMP_DATA / fixture, shoot.dir / "A.xmp")
    scan_and_read(shoot)
    mark(shoot, "A", 3, flag=Flag.NONE, label=ColorLabel.PURPLE, tags=["Places|Paris"])
    shoot.run_all()

    before, after = exiftool_xmp(XMP_DATA / fixture), exiftool_xmp(shoot.dir / "A.xmp")
    assert after["Rating"] == 3 and after["Label"] == "Purple"
    assert "Places|Paris" in after["HierarchicalSubject"]  # type: ignore[operator]
    assert {"Places", "Paris"} <= set(after["Subject"])  # type: ignore[arg-type]
    ours = {"Rating", "Label", "Subject", "HierarchicalSubject"}
    assert {k: v for k, v in after.items() if k not in ours} == {
        k: v for k, v in before.items() if k not in ours
    }, "every property we do not own reads the same"


@pytest.mark.parametrize(
    "content",
    [
        b"<x:xmpmeta><rdf:RDF>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>',
        b" " * (17 * 1024 * 1024),
    ],
    ids=["malformed", "entities", "huge"],
)
def test_a_bad_sidecar_is_a_failed_item_and_is_never_lost(shoot: Shoot, content: bytes) -> None:
    shoot.pair("A")
    (shoot.dir / "A.xmp").write_bytes(content)
    shoot.scan()
    folder_check = shoot.run_one("folder_check")
    assert folder_check["status"] == "completed"
    failed = [i for i in shoot.items(folder_check["id"]).values() if i["status"] == "failed"]
    assert [(i["key"], i["name"]) for i in failed] == [("A", "A.xmp")]
    assert "A.xmp" not in str(failed[0]["message"]), "the reason alone"

    mark(shoot, "A", 5)
    shoot.run_all()

    assert (shoot.dir / "A.xmp").read_bytes() == content
    (item,) = sync_items(shoot)
    assert item["status"] == "failed" and str(item["message"]).endswith("left as it is")
    assert item["name"] == "A.xmp"
    assert shoot.photo("A").rating == 5, "the database keeps the decision"  # type: ignore[union-attr]
    assert [p.name for p in shoot.dir.iterdir() if ".writing-" in p.name] == []
