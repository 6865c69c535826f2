"""Safe names and the library boundary: nothing is read or written outside the library."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path, PurePath

# Characters Windows, macOS or Linux refuse or treat specially in a folder name.
_RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_NAME_LENGTH = 120
# Filesystems allow 255 bytes; leave room for ` (2)` and the library trash's timestamp.
MAX_NAME_BYTES = 200

DATA_DIR = ".photojobs"
THUMB_DIR = ".thumb"
PREVIEW_DIR = ".preview"
TRASH_DIR = ".trash"
MANIFEST_NAME = ".project.yaml"


class UnsafePathError(ValueError):
    """A path from outside (a file name, manifest or argument) would leave the library."""


def safe_folder_name(display_name: str) -> str:
    """A folder name derived from a display name; never empty, never hidden, never reserved."""
    name = unicodedata.normalize("NFC", display_name)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    name = _RESERVED.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    first, dot, rest = name.partition(".")
    if first.rstrip().upper() in _WINDOWS_RESERVED:  # Windows also refuses `CON.txt`
        name = f"{first.rstrip()} project{dot}{rest}"
    name = name[:MAX_NAME_LENGTH]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") or "Untitled project"


def unique_folder_name(parent: Path, wanted: str, taken: set[str] | None = None) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)`... whichever is free (case-insensitively)."""
    existing = {p.name.casefold() for p in parent.iterdir()} if parent.exists() else set()
    existing |= {t.casefold() for t in taken or set()}
    candidate, n = wanted, 1
    while candidate.casefold() in existing:
        n += 1
        candidate = f"{wanted} ({n})"
    return candidate


def inside(root: Path, *names: str) -> Path:
    """`root/names...` for names read from the database, a manifest or a folder listing,
    checked before any file operation: each name is one plain component and, with links
    resolved, the path is the same place (no link along the way leads anywhere else).
    The one gate of the library boundary; raises UnsafePathError."""
    path = root
    for name in names:
        if not is_plain_name(name):
            raise UnsafePathError(f"{name!r}: not a plain name inside {root.name or root}")
        path = path / name
    real_root = os.path.realpath(root)
    expected = os.path.normcase(os.path.join(real_root, *names))
    if os.path.normcase(os.path.realpath(path)) != expected:
        raise UnsafePathError(f"{path}: a link; PhotoJobs does not follow links in the library")
    return path


def child(checked: Path, name: str) -> Path:
    """`checked/name` where `checked` already passed `inside` (or `project_subdir`): the
    same guarantee as `inside` for one more plain component, at the cost of one lstat
    instead of two realpath walks, for loops over thousands of files. A link is refused;
    a name not there yet (a move's target) is fine."""
    if not is_plain_name(name):
        raise UnsafePathError(f"{name!r}: not a plain name inside {checked.name or checked}")
    path = checked / name
    if path.is_symlink():
        raise UnsafePathError(f"{path}: a link; PhotoJobs does not follow links in the library")
    return path


def child_status(checked: Path, name: str) -> tuple[Path, os.stat_result | None]:
    """`child` and the file's own status (None: nothing there) in one system call, for
    loops that need both: a commit or a restore looks at every file it moves."""
    if not is_plain_name(name):
        raise UnsafePathError(f"{name!r}: not a plain name inside {checked.name or checked}")
    path = checked / name
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return path, None
    if stat.S_ISLNK(status.st_mode):
        raise UnsafePathError(f"{path}: a link; PhotoJobs does not follow links in the library")
    return path, status


def is_plain_name(name: str) -> bool:
    """One path component that names a child: no separator, drive, '.', '..' or NUL."""
    if not name or name in {".", ".."} or "\x00" in name:
        return False
    if "/" in name or "\\" in name or (os.altsep and os.altsep in name):
        return False
    pure = PurePath(name)
    return not (pure.drive or pure.root) and len(pure.parts) == 1


PRIVATE_DIRS = (THUMB_DIR, PREVIEW_DIR, TRASH_DIR)


def derivative_parts(kind: str, base: str) -> tuple[str, str]:
    """The one rule for where a photo's derivative lives in its project: `.thumb/` for a
    "thumbnail", `.preview/` for a "preview", named after the base, always a JPEG."""
    return THUMB_DIR if kind == "thumbnail" else PREVIEW_DIR, f"{base}.jpg"


def derivative_path(folder: Path, kind: str, base: str) -> Path:
    """Where a photo's thumbnail or preview is read from (display only, not checked)."""
    return folder.joinpath(*derivative_parts(kind, base))


def project_subdir(project_dir: Path, name: str, create: bool = False) -> Path:
    """`.thumb`, `.preview` or `.trash` of a project. Refused when it is a link: a link
    could lead writes, moves and deletions out of the library."""
    path = project_dir / name
    if path.is_symlink():
        raise UnsafePathError(
            f"{path} is a link; PhotoJobs will not write through it (remove the link)"
        )
    path = inside(project_dir, name)
    if create:
        path.mkdir(exist_ok=True)
    return path


def check_project_dirs(project_dir: Path) -> None:
    """Raise UnsafePathError when any of the project's own folders is a link."""
    for name in PRIVATE_DIRS:
        project_subdir(project_dir, name)
