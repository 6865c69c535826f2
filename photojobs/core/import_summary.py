"""What an import did, in the photographer's words: new photos, files added to photos
already there, files replaced or skipped. Read from the import job's verdicts and items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from photojobs.core.formats import FileClass, classify, split_name
from photojobs.core.importing import COMPLETION, DUPLICATE, NEW, OTHER_PROJECT

KIND_WORDS = {  # singular, plural
    FileClass.JPG: ("JPG", "JPGs"),
    FileClass.RAW: ("RAW", "RAWs"),
    FileClass.OTHER: ("image", "images"),
    FileClass.SIDECAR: ("sidecar", "sidecars"),
}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class ImportSummary:
    new_photos: int = 0
    added: Counter[FileClass] = field(default_factory=Counter)  # files by class
    added_to: int = 0  # photos already in the project that got them
    replaced: int = 0  # duplicates overwritten (the old files went to the trash)
    skipped: int = 0  # already in the project
    failed: int = 0

    def text(self) -> str:
        """ "3 new photos, 2 files added to existing photos" or "1 RAW added to an existing
        photo"; a skipped or failed file is said too."""
        parts = []
        if self.new_photos:
            parts.append(_count(self.new_photos, "new photo", "new photos"))
        if self.added:
            n = sum(self.added.values())
            kinds = list(self.added)
            one, many = KIND_WORDS[kinds[0]] if len(kinds) == 1 else ("file", "files")
            photos = "an existing photo" if self.added_to == 1 else "existing photos"
            parts.append(f"{_count(n, one, many)} added to {photos}")
        if self.replaced:
            parts.append(f"{_count(self.replaced, 'file', 'files')} replaced")
        if self.skipped:
            parts.append(f"{_count(self.skipped, 'file', 'files')} already here")
        if self.failed:
            parts.append(f"{_count(self.failed, 'file', 'files')} not imported")
        return ", ".join(parts) if parts else "nothing imported"


def summarise_import(
    verdicts: Mapping[str, str], policy: str, items: Iterable[tuple[str, str]]
) -> ImportSummary:
    """`verdicts`: source -> verdict from the analysis; `items`: (source, item status)."""
    new_bases: set[str] = set()
    added: Counter[FileClass] = Counter()
    added_to: set[str] = set()
    replaced = skipped = failed = 0
    for source, status in items:
        if status == "skipped":
            skipped += 1
            continue
        if status == "failed":
            failed += 1
        if status != "done":
            continue
        name = PurePath(source).name
        base = split_name(name)[0]
        verdict = verdicts.get(source, NEW)
        if verdict == COMPLETION:
            added[classify(name) or FileClass.OTHER] += 1
            added_to.add(base)
        elif verdict == DUPLICATE and policy == "overwrite":
            replaced += 1
        elif verdict in (NEW, OTHER_PROJECT, DUPLICATE):  # a renamed duplicate is a new photo
            new_bases.add(base if verdict != DUPLICATE else f"{base}\0renamed")
    return ImportSummary(len(new_bases), added, len(added_to), replaced, skipped, failed)
