"""An XMP packet as a tree we can read our marks from and write them into, keeping every
property we do not own (Lightroom's `crs:` develop settings, darktable's history, ...) and
the prefixes and declarations the file used.

Sidecars come from other programs: parsed by defusedxml with DTDs (so entity bombs and
external entities) refused, a size limit before reading and a depth limit while parsing.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from photojobs.core.marks.model import ColorLabel, Flag, Marks, tag_levels

X = "adobe:ns:meta/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP = "http://ns.adobe.com/xap/1.0/"
DC = "http://purl.org/dc/elements/1.1/"
LR = "http://ns.adobe.com/lightroom/1.0/"
# Our own name for the pick flag, which no common XMP property holds (documented in
# docs/xmp.md). Editors keep properties they do not know.
PHOTOJOBS = "http://ns.photojobs.app/xmp/1.0/"
XML = "http://www.w3.org/XML/1998/namespace"
PREFIXES = {X: "x", RDF: "rdf", XMP: "xmp", DC: "dc", LR: "lr", PHOTOJOBS: "photojobs"}

MAX_DEPTH = 64  # real sidecars nest a dozen levels; deeper is a hostile or broken file
REJECT_RATING = -1  # Bridge and darktable: xmp:Rating -1 is a reject

RATING, LABEL, FLAG = f"{{{XMP}}}Rating", f"{{{XMP}}}Label", f"{{{PHOTOJOBS}}}Flag"
SUBJECT, HIERARCHY = f"{{{DC}}}subject", f"{{{LR}}}hierarchicalSubject"
DESCRIPTION, LI = f"{{{RDF}}}Description", f"{{{RDF}}}li"
OWNED_ATTRIBUTES = (RATING, FLAG)  # xmp:Label is handled apart: foreign labels stay
OWNED_ELEMENTS = (RATING, LABEL, FLAG, SUBJECT, HIERARCHY)


class SidecarError(ValueError):
    """The sidecar is not XMP we can safely read or update; it is left as it is. str()
    says "A.xmp: why" when the file is known; `name` and `reason` keep the two apart."""

    def __init__(self, reason: str, name: str | None = None) -> None:
        self.reason, self.name = reason, name
        super().__init__(f"{name}: {reason}" if name else reason)

    def __reduce__(self) -> tuple[type[SidecarError], tuple[str, str | None]]:
        return (type(self), (self.reason, self.name))  # intact across a pickle


@dataclass(frozen=True)
class SidecarMarks:
    """What a sidecar says. None where it says nothing, so the photo's own value stays
    (a reject, `xmp:Rating -1`, also leaves the star rating as it was)."""

    rating: int | None = None
    flag: Flag = Flag.NONE
    label: ColorLabel | None = None
    tags: frozenset[str] = frozenset()

    def applied_to(self, marks: Marks) -> Marks:
        return Marks(
            marks.rating if self.rating is None else self.rating,
            self.flag,
            self.label or ColorLabel.NONE,
            self.tags,
        )


@dataclass
class XmpDocument:
    root: ET.Element
    declared: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # id(el) -> ns
    xpacket: bool = False

    # -- reading ---------------------------------------------------------------------------

    def descriptions(self) -> list[ET.Element]:
        return [el for el in self.root.iter(DESCRIPTION)]

    def marks(self) -> SidecarMarks:
        rating = label = flag = None
        subjects: list[str] = []
        hierarchy: list[str] = []
        for d in self.descriptions():
            rating = rating or _value(d, RATING)
            label = label or _value(d, LABEL)
            flag = flag or _value(d, FLAG)
            subjects += _items(d.find(SUBJECT))
            hierarchy += _items(d.find(HIERARCHY))
        tags = _tags(subjects, hierarchy)
        stars = _number(rating)
        if stars == REJECT_RATING:
            return SidecarMarks(None, Flag.REJECT, _label(label), tags)
        picked = Flag.PICK if (flag or "").strip().lower() == "pick" else Flag.NONE
        rated = min(max(stars, 0), 5) if stars is not None else None
        return SidecarMarks(rated, picked, _label(label), tags)

    # -- writing ---------------------------------------------------------------------------

    def put(self, marks: Marks) -> None:
        """Replace our properties with `marks`; every other property stays as it was."""
        descriptions = self.descriptions() or [self._new_description()]
        foreign_label = None
        for d in descriptions:
            for name in OWNED_ATTRIBUTES:
                d.attrib.pop(name, None)
            old_label = d.attrib.pop(LABEL, None)
            if old_label is not None and _label(old_label) is None:
                foreign_label = (d, old_label)
            for child in [c for c in d if c.tag in OWNED_ELEMENTS]:
                if child.tag == LABEL and _label(child.text) is None:
                    continue  # a label of another tool's own set ("Approved") stays
                d.remove(child)
        target = descriptions[0]
        self._declare(target, XMP)
        rating = REJECT_RATING if marks.flag is Flag.REJECT else marks.rating
        target.set(RATING, str(rating))
        if marks.label is not ColorLabel.NONE:
            target.set(LABEL, marks.label.value.capitalize())
        elif foreign_label is not None:
            foreign_label[0].set(LABEL, foreign_label[1])
        if marks.flag is Flag.PICK:
            self._declare(target, PHOTOJOBS)
            target.set(FLAG, "pick")
        if marks.tags:
            flat = sorted({level for tag in marks.tags for level in tag_levels(tag)})
            self._declare(target, DC)
            self._declare(target, LR)
            _append_bag(target, SUBJECT, flat)
            _append_bag(target, HIERARCHY, sorted(marks.tags))

    def _new_description(self) -> ET.Element:
        rdf = self.root if self.root.tag == f"{{{RDF}}}RDF" else self.root.find(f"{{{RDF}}}RDF")
        if rdf is None:
            raise SidecarError("no rdf:RDF element: not an XMP packet")
        d = ET.SubElement(rdf, DESCRIPTION, {f"{{{RDF}}}about": ""})
        d.tail, rdf.text = rdf.tail, (rdf.text or "\n  ")
        return d

    def _declare(self, element: ET.Element, uri: str) -> None:
        if not any(u == uri for decls in self.declared.values() for _, u in decls):
            self.declared.setdefault(id(element), []).append((PREFIXES[uri], uri))

    def to_bytes(self) -> bytes:
        out = io.StringIO()
        if self.xpacket:
            out.write('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n')
        else:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        _write(out, self.root, {XML: "xml"}, self.declared)
        out.write('\n<?xpacket end="w"?>\n' if self.xpacket else "\n")
        return out.getvalue().encode("utf-8")


def parse(data: bytes) -> XmpDocument:
    """The packet in `data`; SidecarError for anything not plain, safe XMP."""
    declared: dict[int, list[tuple[str, str]]] = {}
    pending: list[tuple[str, str]] = []
    depth = 0
    root: ET.Element | None = None
    try:
        for event, item in iterparse(
            io.BytesIO(data), ("start-ns", "start", "end"), forbid_dtd=True
        ):
            if event == "start-ns":
                pending.append(item)
            elif event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise SidecarError(f"nested deeper than {MAX_DEPTH} levels")
                root = item if root is None else root
                if pending:
                    declared[id(item)], pending = pending, []
            else:
                depth -= 1
    except DefusedXmlException as e:
        raise SidecarError(
            f"refused: {type(e).__name__} (DTDs and entities are not allowed)"
        ) from e
    except ET.ParseError as e:
        raise SidecarError(f"not valid XML ({e})") from e
    if root is None or (root.tag != f"{{{RDF}}}RDF" and root.find(f"{{{RDF}}}RDF") is None):
        raise SidecarError("no rdf:RDF element: not an XMP packet")
    return XmpDocument(root, declared, b"<?xpacket" in data[:200])


def new_document() -> XmpDocument:
    root = ET.Element(f"{{{X}}}xmpmeta", {f"{{{X}}}xmptk": "PhotoJobs"})
    rdf = ET.SubElement(root, f"{{{RDF}}}RDF")
    d = ET.SubElement(rdf, DESCRIPTION, {f"{{{RDF}}}about": ""})
    root.text, rdf.text, d.tail, rdf.tail = "\n ", "\n  ", "\n ", "\n"
    declared = {id(root): [("x", X)], id(rdf): [("rdf", RDF)]}
    return XmpDocument(root, declared)


# -- helpers ---------------------------------------------------------------------------------


def _value(d: ET.Element, name: str) -> str | None:
    if name in d.attrib:
        return d.attrib[name]
    child = d.find(name)
    return child.text if child is not None else None


def _items(prop: ET.Element | None) -> list[str]:
    if prop is None:
        return []
    return [(li.text or "").strip() for li in prop.iter(LI) if (li.text or "").strip()]


def _tags(subjects: list[str], hierarchy: list[str]) -> frozenset[str]:
    """Nested tags from lr:hierarchicalSubject, plus flat dc:subject words that are not a
    level of one of them (Lightroom writes every level to both)."""
    nested = {"|".join(p.strip() for p in h.split("|") if p.strip()) for h in hierarchy}
    nested.discard("")
    levels = {level for tag in nested for level in tag_levels(tag)}
    return frozenset(nested | {s for s in subjects if s not in levels})


def _number(text: str | None) -> int | None:
    try:
        return round(float(text)) if text is not None else None
    except ValueError:
        return None


def _label(text: str | None) -> ColorLabel | None:
    try:
        label = ColorLabel((text or "").strip().lower())
    except ValueError:
        return None
    return None if label is ColorLabel.NONE else label


def _append_bag(parent: ET.Element, name: str, values: list[str]) -> None:
    indent = parent.text if parent.text and parent.text.isspace() else "\n   "
    if len(parent) == 0:
        parent.text = indent
    else:
        parent[-1].tail = indent
    prop = ET.SubElement(parent, name)
    bag = ET.SubElement(prop, f"{{{RDF}}}Bag")
    prop.text, bag.text = indent + " ", indent + "  "
    for i, value in enumerate(values):
        li = ET.SubElement(bag, LI)
        li.text = value
        li.tail = indent + ("  " if i < len(values) - 1 else " ")
    bag.tail = indent
    prop.tail = indent[:-1] if len(indent) > 1 else indent


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        uri, _, local = name[1:].partition("}")
        return uri, local
    return "", name


def _write(
    out: io.StringIO,
    el: ET.Element,
    scope: dict[str, str],
    declared: dict[int, list[tuple[str, str]]],
) -> None:
    """Serialise with the file's own prefixes, declared where the file declared them."""
    if not isinstance(el.tag, str):  # comments and processing instructions inside
        return
    scope = dict(scope)
    decls = list(declared.get(id(el), []))
    for prefix, uri in decls:
        scope[uri] = prefix
    names: list[str] = []
    for qname in [el.tag, *el.attrib]:
        uri, local = _split(qname)
        if uri and (uri not in scope or (scope[uri] == "" and qname != el.tag)):
            prefix = PREFIXES.get(uri) or f"ns{len(scope)}"
            scope[uri] = prefix
            decls.append((prefix, uri))
        names.append(f"{scope[uri]}:{local}" if uri and scope[uri] else local)
    tag, attr_names = names[0], names[1:]
    out.write(f"<{tag}")
    for prefix, uri in decls:
        out.write(f' xmlns{":" + prefix if prefix else ""}="{_attr(uri)}"')
    for name, value in zip(attr_names, el.attrib.values(), strict=True):
        out.write(f' {name}="{_attr(value)}"')
    if len(el) == 0 and not el.text:
        out.write("/>")
    else:
        out.write(">" + _text(el.text or ""))
        for child in el:
            _write(out, child, scope, declared)
        out.write(f"</{tag}>")
    out.write(_text(el.tail or ""))


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return (
        _text(value)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def iter_text(doc: XmpDocument) -> Iterator[str]:
    """Every text value in the packet (tests compare what survives an update)."""
    for el in doc.root.iter():
        yield from (v for v in el.attrib.values())
        if el.text and el.text.strip():
            yield el.text.strip()
