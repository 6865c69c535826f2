"""Which files make a photo: exact base name, case-insensitive extension classes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class FileClass(StrEnum):
    JPG = "jpg"
    RAW = "raw"
    OTHER = "other"
    SIDECAR = "sidecar"


JPG_EXTENSIONS = frozenset({"jpg", "jpeg"})
RAW_EXTENSIONS = frozenset(
    {
        "arw",
        "cr2",
        "cr3",
        "nef",
        "nrw",
        "dng",
        "raf",
        "orf",
        "rw2",
        "pef",
        "srw",
        "raw",
        "3fr",
        "iiq",
        "rwl",
        "x3f",
    }
)
OTHER_EXTENSIONS = frozenset({"png", "tif", "tiff", "heic", "heif", "webp"})
SIDECAR_EXTENSIONS = frozenset({"xmp", "pp3", "dop"})


def split_name(name: str) -> tuple[str, str]:
    """('a.b', 'JPG') for 'a.b.JPG': the base is everything before the last dot."""
    base, dot, ext = name.rpartition(".")
    if not dot or not base:
        return name, ""
    return base, ext


NAME_MAX_BYTES = 255  # one name on Linux, macOS and Windows filesystems


def hidden_temp_name(name: str, suffix: str) -> str:
    """`.NAME<suffix>`, with NAME shortened (whole characters) so the result fits in one
    file name: a photo whose own name is near the limit still gets a temporary one."""
    room = NAME_MAX_BYTES - 1 - len(suffix.encode("utf-8"))
    clipped = name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f".{clipped}{suffix}"


_CLASS_OF_EXTENSION = {
    ext: cls
    for cls, extensions in (
        (FileClass.JPG, JPG_EXTENSIONS),
        (FileClass.RAW, RAW_EXTENSIONS),
        (FileClass.OTHER, OTHER_EXTENSIONS),
        (FileClass.SIDECAR, SIDECAR_EXTENSIONS),
    )
    for ext in extensions
}


def classify(name: str) -> FileClass | None:
    """The class of one file name, or None for a file that is not part of a photo."""
    return _CLASS_OF_EXTENSION.get(split_name(name)[1].lower())


@dataclass
class PhotoFiles:
    """The files found on disk for one base name, by class."""

    base: str
    jpg: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    sidecar: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted(self.jpg + self.raw + self.other + self.sidecar)

    @property
    def has_image(self) -> bool:
        return bool(self.jpg or self.raw or self.other)

    def add(self, name: str, cls: FileClass) -> None:
        getattr(self, _FIELD_OF_CLASS[cls]).append(name)


_FIELD_OF_CLASS = {cls: str(cls.value) for cls in FileClass}


@dataclass
class FolderListing:
    photos: dict[str, PhotoFiles]
    unknown: list[str]


_JPG, _RAW, _OTHER, _SIDECAR = FileClass.JPG, FileClass.RAW, FileClass.OTHER, FileClass.SIDECAR


def group_files(names: Iterable[str]) -> FolderListing:
    """Group file names into photos; names of no known class, or lone sidecars, are unknown.

    Sidecars named `base.ext.xmp` (darktable style) also belong to `base`.

    Runs once or twice per maintenance pass over every name of a project (200,000 for
    100k RAW+JPG photos), so the loop avoids what costs per name in Python: enum look-ups,
    `getattr`, a dataclass built before its lists are known."""
    grouped: dict[str, tuple[list[str], list[str], list[str]]] = {}
    unknown: list[str] = []
    sidecars: list[str] = []
    class_of = _CLASS_OF_EXTENSION.get
    for name in sorted(names):
        base, dot, ext = name.rpartition(".")
        cls = class_of(ext.lower()) if dot and base else None
        if cls is None:
            unknown.append(name)
        elif cls is _SIDECAR:
            sidecars.append(name)
        else:
            lists = grouped.get(base)
            if lists is None:
                lists = grouped[base] = ([], [], [])
            lists[0 if cls is _JPG else 1 if cls is _RAW else 2].append(name)
    photos = {
        base: PhotoFiles(base, jpg, raw, other) for base, (jpg, raw, other) in grouped.items()
    }
    for name in sidecars:
        base = split_name(name)[0]
        owner = photos.get(base)
        if owner is None and classify(base) not in (None, _SIDECAR):
            owner = photos.get(split_name(base)[0])
        if owner is None:
            unknown.append(name)
        else:
            owner.sidecar.append(name)
    return FolderListing(photos, sorted(unknown))
