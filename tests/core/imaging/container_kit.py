"""Camera containers built byte by byte around real EXIF blocks (made by Pillow), laid out
as the cameras lay them out: a CR3's Canon uuid box, a RAF header, an X3F directory, a
JPEG's APP segments. Small enough to build in a test, faithful in every offset we read."""

from __future__ import annotations

import io
import struct
from typing import Any

from PIL import Image

EXIF_IFD = 0x8769


def tiff_block(ifd0: dict[int, Any], exif: dict[int, Any] | None = None) -> bytes:
    """A bare TIFF block (no "Exif" prefix) with IFD0 tags and an Exif sub-IFD."""
    block = Image.Exif()
    for tag, value in ifd0.items():
        block[tag] = value
    if exif:
        sub = block.get_ifd(EXIF_IFD)
        sub.update(exif)
    return block.tobytes()[len(b"Exif\x00\x00") :]


def box(kind: bytes, payload: bytes, uuid: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(uuid) + len(payload), kind) + uuid + payload


def cr3(make: str, model: str, taken: str, orientation: int = 1) -> bytes:
    """ftyp crx, moov with Canon's uuid box holding CMT1 (IFD0) and CMT2 (Exif IFD)."""
    canon = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
    cmt1 = tiff_block({0x010F: make, 0x0110: model, 0x0112: orientation})
    cmt2 = tiff_block({0x9003: taken})
    uuid_box = box(b"uuid", box(b"CNCV", b"CanonCR3_001/00.09.00/00.00.00") +
                   box(b"CMT1", cmt1) + box(b"CMT2", cmt2), canon)  # fmt: skip
    return (
        box(b"ftyp", b"crx \x00\x00\x00\x01crx isom")
        + box(b"moov", uuid_box)
        + box(b"mdat", bytes(4096))
    )


def with_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """`jpeg` with one more APP segment right after its SOI."""
    segment = struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def without_exif(jpeg: bytes) -> bytes:
    """The same picture re-encoded with no metadata at all."""
    with Image.open(io.BytesIO(jpeg)) as image:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
    return out.getvalue()


def raf(jpeg: bytes) -> bytes:
    """A RAF header naming the camera, pointing at the embedded JPEG at offset 0x94."""
    header = b"FUJIFILMCCD-RAW 0201FF392201" + b"FinePix S5Pro".ljust(32, b"\x00")
    header = header.ljust(84, b"\x00") + struct.pack(">II", 0x94, len(jpeg))
    return header.ljust(0x94, b"\x00") + jpeg + bytes(1024)


def x3f(properties: dict[str, str], jpeg: bytes | None = None) -> bytes:
    """An X3F with a PROP section (UTF-16 pairs) and, when given, a JPEG preview section."""
    head = b"FOVb" + struct.pack("<I", 0x00020002) + bytes(96)
    sections: list[tuple[bytes, bytes]] = []
    if jpeg is not None:
        image = b"SECi" + struct.pack("<IIIIII", 0x00020000, 2, 18, 8, 8, 0) + jpeg
        sections.append((b"IMA2", image))
    chars = b""
    pairs = b""
    for name, value in properties.items():
        name_at = len(chars) // 2
        chars += (name + "\x00").encode("utf-16-le")
        value_at = len(chars) // 2
        chars += (value + "\x00").encode("utf-16-le")
        pairs += struct.pack("<II", name_at, value_at)
    prop = b"SECp" + struct.pack("<IIIII", 0x00020000, len(properties), 0, 0, len(chars) // 2)
    sections.append((b"PROP", prop + pairs + chars))
    body, entries = head, b""
    for kind, data in sections:
        entries += struct.pack("<II4s", len(body), len(data), kind)
        body += data
    directory = b"SECd" + struct.pack("<II", 0x00020000, len(sections)) + entries
    return body + directory + struct.pack("<I", len(body))


def iptc_block(date: str, time: str) -> bytes:
    """A Photoshop APP13 payload with IPTC DateCreated (2:55) and TimeCreated (2:60)."""
    records = b""
    for dataset, value in ((55, date), (60, time)):
        records += struct.pack(">BBBH", 0x1C, 2, dataset, len(value)) + value.encode()
    resource = b"8BIM" + struct.pack(">HH", 0x0404, 0) + struct.pack(">I", len(records))
    return b"Photoshop 3.0\x00" + resource + records


def xmp_block(properties: str) -> bytes:
    """An APP1 XMP payload with the given rdf:Description attributes."""
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        f"{properties}/></rdf:RDF></x:xmpmeta>"
    )
    return b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode()
