"""Which file is a photo's XMP sidecar, and reading and writing it safely.

Adobe naming (`DSC_0042.xmp`) is the default; darktable naming (`DSC_0042.ARW.xmp`) is
always read and written when `xmp.sidecar_naming` says so. Only `.xmp` files are ever
written, through a temporary file and `os.replace`, so an original is never touched and
a sidecar is either the old one or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from photojobs.core.formats import PhotoFiles, split_name
from photojobs.core.xmp.document import SidecarError, XmpDocument, parse

ADOBE, DARKTABLE = "adobe", "darktable"
NAMINGS = (ADOBE, DARKTABLE)
# darktable's history can make sidecars of a few hundred kB; far more is not a sidecar.
MAX_SIDECAR_BYTES = 16 * 1024 * 1024


def xmp_sidecars(files: PhotoFiles) -> list[str]:
    """The photo's XMP sidecars of either naming (pp3, dop and others are not ours)."""
    return [n for n in files.sidecar if split_name(n)[1].lower() == "xmp"]


def sidecar_name(files: PhotoFiles, naming: str) -> str:
    """The sidecar we write: an existing one of that naming (any case), else a new name."""
    if naming == DARKTABLE:
        main = next(iter(sorted(files.raw) + sorted(files.jpg) + sorted(files.other)), None)
        stem = main if main is not None else files.base
    else:
        stem = files.base
    existing = [n for n in xmp_sidecars(files) if split_name(n)[0] == stem]
    return sorted(existing)[0] if existing else f"{stem}.xmp"


def sidecar_to_read(folder: Path, files: PhotoFiles) -> tuple[str, os.stat_result] | None:
    """The most recently changed XMP sidecar of the photo, with its stat."""
    found = []
    for name in xmp_sidecars(files):
        with contextlib.suppress(OSError):
            found.append((os.stat(folder / name, follow_symlinks=False), name))
    if not found:
        return None
    st, name = max(found, key=lambda f: (f[0].st_mtime_ns, f[1]))
    return name, st


def read_document(path: Path) -> XmpDocument:
    """Parse a sidecar; SidecarError (naming the file) when it is too large, a link, or not
    XMP we can safely read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise SidecarError(f"cannot be read ({e.strerror or e})", path.name) from e
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_SIDECAR_BYTES + 1)
    if len(data) > MAX_SIDECAR_BYTES:
        raise SidecarError(
            f"larger than {MAX_SIDECAR_BYTES // (1024 * 1024)} MB; left as it is", path.name
        )
    try:
        return parse(data)
    except SidecarError as e:
        raise SidecarError(f"{e.reason}; left as it is", path.name) from e


def write_document(path: Path, doc: XmpDocument) -> os.stat_result:
    """Atomically put `doc` at `path` (an .xmp name); returns the new file's stat."""
    if split_name(path.name)[1].lower() != "xmp":
        raise SidecarError("refusing to write anything but an .xmp sidecar", path.name)
    if path.is_symlink():
        raise SidecarError("is a symbolic link; left as it is", path.name)
    tmp = path.with_name(f".{path.name}.writing-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as f:
            f.write(doc.to_bytes())
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return os.stat(path, follow_symlinks=False)
