"""Bringing files from a card or folder into a project: analysis first, then safe copies.

Copies are written under a temporary name, checked against the source, then linked into
place without ever replacing an existing file. Sources are only read, never moved.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photojobs.core.crash_points import crash_point
from photojobs.core.formats import FileClass, classify, hidden_temp_name, split_name

NEW, COMPLETION, DUPLICATE, OTHER_PROJECT, REJECTED = (
    "new",
    "completion",
    "duplicate",
    "other_project",
    "rejected",
)
POLICIES = ("skip", "overwrite", "rename")

# What the first bytes of a real image of each class look like.
_MAGIC = {
    FileClass.JPG: (b"\xff\xd8\xff",),
    FileClass.RAW: (
        b"II*\x00",
        b"MM\x00*",
        b"IIRO",
        b"IIU\x00",
        b"FUJIFILM",
        b"\x00\x00\x00",
        b"FOVb",
        b"IIRS",
        b"MMOR",
    ),
    FileClass.OTHER: (b"\x89PNG", b"II*\x00", b"MM\x00*", b"RIFF", b"\x00\x00\x00"),
}


@dataclass(frozen=True)
class Candidate:
    source: str
    name: str
    base: str
    kind: str  # jpg | raw | other | sidecar
    verdict: str
    reason: str | None = None
    other_project: str | None = None
    size: int = 0


@dataclass
class ImportAnalysis:
    candidates: list[Candidate] = field(default_factory=list)

    def by_verdict(self, verdict: str) -> list[Candidate]:
        return [c for c in self.candidates if c.verdict == verdict]

    def to_copy(self, policy: str) -> list[Candidate]:
        wanted = {NEW, COMPLETION, OTHER_PROJECT}
        if policy in ("overwrite", "rename"):
            wanted.add(DUPLICATE)
        return [c for c in self.candidates if c.verdict in wanted]

    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in (NEW, COMPLETION, DUPLICATE, OTHER_PROJECT, REJECTED)}
        for c in self.candidates:
            out[c.verdict] += 1
        return out

    def photo_count(self, verdict: str) -> int:
        """Photos, not files: a RAW+JPG pair with its sidecar is one photo."""
        return len({c.base for c in self.by_verdict(verdict)})

    def as_json(self) -> dict[str, Any]:
        return {"counts": self.counts(), "files": [asdict(c) for c in self.candidates]}


def collect_sources(paths: Iterable[Path]) -> tuple[list[Path], list[Candidate]]:
    """Files named directly, and every visible file under named folders; missing ones rejected."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
        elif path.is_file():
            files.append(path)
        elif os.path.lexists(path):
            files.append(path)  # a pipe, a device...: check_file says what it is
        else:
            missing.append(_rejected(path, "no such file or folder"))
    return files, missing


def _rejected(path: Path, reason: str, size: int = 0) -> Candidate:
    base, _ = split_name(path.name)
    return Candidate(str(path), path.name, base, "", REJECTED, reason, size=size)


def check_file(path: Path, accepted: set[str]) -> tuple[FileClass | None, str | None, int]:
    """(class, reason it is refused or None, size). Only regular files are opened: a pipe
    or a device would block or never end."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        what = "folder" if _valid_text(path.name) else "file"
        return None, f"the {what} name is not valid text (rename it, then import it)", 0
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return None, f"cannot read the file ({e.strerror})", 0
    if not stat.S_ISREG(mode):
        return None, f"not a regular file ({_kind(mode)})", 0
    ext = split_name(path.name)[1].lower()
    cls = classify(path.name)
    if cls is None or ext not in accepted:
        return None, f"not a photo file type ({'.' + ext if ext else 'no extension'})", 0
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        return None, f"cannot read the file ({e.strerror})", 0
    if size == 0:
        return None, "the file is empty", 0
    loose_raw = cls is FileClass.RAW and ext in ("cr3", "x3f", "3fr", "iiq")
    if cls is not FileClass.SIDECAR and not loose_raw and not head.startswith(_MAGIC[cls]):
        return None, f"not really a {cls.value.upper()} image (its content does not match)", size
    return cls, None, size


def _valid_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "a special file"


def analyse_import(
    paths: Sequence[Path],
    project_files: set[str],
    project_bases: dict[str, set[str]],
    other_projects: dict[str, str],
    accepted: Iterable[str],
) -> ImportAnalysis:
    """Classify every file: new, completion, duplicate, in another project, or rejected.

    `project_files` are the project's file names, `project_bases` base -> classes present,
    `other_projects` file name (casefolded) -> the other project's name.
    """
    accepted_set = {e.lower().lstrip(".") for e in accepted}
    files, missing = collect_sources(paths)
    taken = {n.casefold() for n in project_files}
    analysis = ImportAnalysis(list(missing))
    seen: set[str] = set()
    for path in files:
        cls, reason, size = check_file(path, accepted_set)
        base = split_name(path.name)[0]
        if cls is None:
            analysis.candidates.append(_rejected(path, reason or "refused", size))
            continue
        key = path.name.casefold()
        if key in seen:
            analysis.candidates.append(_rejected(path, "the same file name is chosen twice", size))
            continue
        seen.add(key)
        if key in taken:
            verdict, other = DUPLICATE, None
        elif base in project_bases:
            verdict, other = COMPLETION, None
        elif key in other_projects:
            verdict, other = OTHER_PROJECT, other_projects[key]
        else:
            verdict, other = NEW, None
        analysis.candidates.append(
            Candidate(str(path), path.name, base, cls.value, verdict, None, other, size)
        )
    return analysis


class ImportCopyError(OSError):
    """A copy that could not be placed or checked; `name` is the file in the project (the
    name it was to have), `reason` why, apart, for the job's item."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason

    def __reduce__(self) -> tuple[type[ImportCopyError], tuple[str, str]]:
        return (type(self), (self.name, self.reason))  # intact across a pickle


LEFTOVER_REMOVED = "an interrupted import's copy removed"  # the item's reason, per copy


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.importing-[0-9a-f]{8}$")


def copy_checked(
    source: Path, folder: Path, name: str, make_room: Callable[[], None] | None = None
) -> Path:
    """Copy to a hidden temporary name, compare hashes, then link into place.

    Never replaces an existing file: a name taken meanwhile is an ImportCopyError. To
    overwrite, `make_room` moves the old file away (to the trash) only once the new copy
    is complete and verified, so a failed copy never costs the photo already there.
    """
    target = folder / name
    tmp = folder / hidden_temp_name(name, f".importing-{secrets.token_hex(4)}")
    digest = hashlib.blake2b()
    try:
        with open(source, "rb") as src, open(tmp, "xb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if _hash(tmp) != digest.hexdigest():
            raise ImportCopyError(name, "the copy does not match the original")
        if make_room is not None:
            make_room()
        _place(tmp, target)
        crash_point("import.after_link")
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def remove_leftovers(folder: Path, entries: Iterable[os.DirEntry[str]] | None = None) -> list[str]:
    """Delete the hidden temporary copies (`.NAME.importing-XXXX`) an import killed midway
    left behind; returns the names they stood for. Each is our own copy of a file that is
    still at its source (or a second name of a file already in place), never an original;
    call it only while no import runs in the folder (imports are one per project).
    `entries`: the folder's hidden entries when the caller has listed it already."""
    removed = []
    for entry in os.scandir(folder) if entries is None else entries:
        match = _LEFTOVER.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            removed.append(match["name"])
    return sorted(removed)


def _place(tmp: Path, target: Path) -> None:
    try:
        os.link(tmp, target)  # fails if the name exists: never overwrite
    except FileExistsError as e:
        raise ImportCopyError(target.name, "a file with this name appeared meanwhile") from e
    except OSError:
        if target.exists():
            raise ImportCopyError(target.name, "already exists") from None
        os.rename(tmp, target)  # filesystems without hard links


def _hash(path: Path) -> str:
    digest = hashlib.blake2b()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
