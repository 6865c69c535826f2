"""XMP packets as other tools write them: our marks read and written, every property we
do not own kept, and hostile or broken files refused without being touched."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from photojobs.core.formats import group_files
from photojobs.core.marks.model import ColorLabel, Flag, Marks
from photojobs.core.xmp.document import (
    OWNED_ELEMENTS,
    RATING,
    SidecarError,
    XmpDocument,
    new_document,
    parse,
)
from photojobs.core.xmp.files import (
    MAX_SIDECAR_BYTES,
    read_document,
    sidecar_name,
    sidecar_to_read,
    write_document,
)

DATA = Path(__file__).parents[2] / "data" / "xmp"
OURS = {*OWNED_ELEMENTS, RATING}


def foreign(doc: XmpDocument) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """Every element and attribute that is not one of our marks, in document order."""
    out = []
    for el in doc.root.iter():
        if el.tag in OURS or any(el in list(p.iter()) for p in doc.root.iter() if p.tag in OURS):
            continue
        attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if k not in OURS))
        out.append((el.tag, attrs, (el.text or "").strip()))
    return out


def test_reads_a_lightroom_sidecar() -> None:
    doc = parse((DATA / "lightroom_classic.xmp").read_bytes())
    marks = doc.marks()
    assert (marks.rating, marks.flag, marks.label) == (2, Flag.NONE, ColorLabel.GREEN)
    assert marks.tags == {"Places|Paris", "wedding"}


def test_reads_a_darktable_reject_and_its_keywords() -> None:
    marks = parse((DATA / "darktable.xmp").read_bytes()).marks()
    assert (marks.rating, marks.flag, marks.label) == (None, Flag.REJECT, None)
    assert marks.tags == {"darktable|format|arw", "People|Anna", "portrait"}
    assert marks.applied_to(Marks(rating=4)).rating == 4, "a reject keeps the stars it had"


@pytest.mark.parametrize("name", ["lightroom_classic.xmp", "darktable.xmp"])
def test_an_update_keeps_every_foreign_property(name: str) -> None:
    original = parse((DATA / name).read_bytes())
    kept = foreign(original)
    crs = {k: v for k, v in original.descriptions()[0].attrib.items() if "camera-raw" in k}

    marks = Marks(5, Flag.PICK, ColorLabel.PURPLE, frozenset({"Places|Paris|Louvre", "cat"}))
    original.put(marks)
    again = parse(original.to_bytes())

    assert foreign(again) == kept
    assert {k: v for k, v in again.descriptions()[0].attrib.items() if "camera-raw" in k} == crs
    read = again.marks()
    assert (read.rating, read.flag, read.label, read.tags) == (
        5,
        Flag.PICK,
        ColorLabel.PURPLE,
        marks.tags,
    )
    text = original.to_bytes().decode()
    assert "crs:Exposure2012" in text or "darktable:history" in text, "prefixes kept"
    assert "ns0:" not in text


def test_flat_subject_holds_every_level_of_a_nested_tag() -> None:
    doc = new_document()
    doc.put(Marks(tags=frozenset({"Places|France|Paris"})))
    root = ET.fromstring(doc.to_bytes())
    lis = [li.text for li in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")]
    assert sorted(lis) == ["France", "Paris", "Places", "Places|France|Paris"]


def test_clearing_marks_removes_them_and_keeps_a_foreign_label() -> None:
    text = (DATA / "lightroom_classic.xmp").read_text().replace('"Green"', '"Approved"')
    doc = parse(text.encode())
    doc.put(Marks())
    read = parse(doc.to_bytes())
    assert read.descriptions()[0].get(RATING) == "0"
    assert read.descriptions()[0].get("{http://ns.adobe.com/xap/1.0/}Label") == "Approved"
    assert read.marks().tags == frozenset()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&d;</dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/">&e;</x:xmpmeta>"""
DEEP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b"<a>" * 500 + b"</a>" * 500 + b"</x:xmpmeta>"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<x:xmpmeta><rdf:RDF>", "not valid XML"),
        (b"", "not valid XML"),
        (BOMB, "DTDs and entities are not allowed"),
        (EXTERNAL, "DTDs and entities are not allowed"),
        (DEEP, "nested deeper"),
        (b"<html><body>hello</body></html>", "not an XMP packet"),
    ],
)
def test_hostile_or_broken_packets_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(SidecarError, match=why):
        parse(data)


def test_a_huge_sidecar_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "A.xmp"
    with open(path, "wb") as f:
        f.truncate(MAX_SIDECAR_BYTES + 10)
    with pytest.raises(SidecarError, match=r"A\.xmp: larger than"):
        read_document(path)


def test_only_xmp_names_are_ever_written(tmp_path: Path) -> None:
    jpg = tmp_path / "A.JPG"
    jpg.write_bytes(b"\xff\xd8\xff original")
    with pytest.raises(SidecarError, match="refusing"):
        write_document(jpg, new_document())
    assert jpg.read_bytes() == b"\xff\xd8\xff original"
    assert [p.name for p in tmp_path.iterdir()] == ["A.JPG"], "no temporary file left"


def test_sidecar_names_for_both_namings(tmp_path: Path) -> None:
    files = group_files(["DSC_0042.ARW", "DSC_0042.JPG"]).photos["DSC_0042"]
    assert sidecar_name(files, "adobe") == "DSC_0042.xmp"
    assert sidecar_name(files, "darktable") == "DSC_0042.ARW.xmp"
    files = group_files(["DSC_0042.ARW", "DSC_0042.XMP"]).photos["DSC_0042"]
    assert sidecar_name(files, "adobe") == "DSC_0042.XMP", "an existing one, in its case"

    listing = group_files(["B.NEF", "B.xmp", "B.NEF.xmp"]).photos["B"]
    (tmp_path / "B.xmp").write_text("old")
    (tmp_path / "B.NEF.xmp").write_text("new")

    os.utime(tmp_path / "B.xmp", (1_000_000, 1_000_000))
    found = sidecar_to_read(tmp_path, listing)
    assert found is not None and found[0] == "B.NEF.xmp", "the newest one is read"
