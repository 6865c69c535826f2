"""Previews and originals read off the GUI thread, kept as pixmaps so flipping is instant.

A request names the files to try in order (the preview, then the thumbnail while the
preview is still being made); the reader thread takes the first that decodes. It also
scales a preview down to the screen box (the viewer's size) there, so a flip in fit mode
only copies pixels on the GUI thread: a smooth scale of a 2048 px preview while painting
costs 10-15 ms of the 30 ms a flip may take.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from photojobs.ui.background import Background

# Two threads: one for the photo on screen, one for the neighbours being read ahead.
# More would compete with the derivative jobs for the same cores and disk.
READER_THREADS = 2
# The photo, a few neighbours each way, and the ones just left behind.
PREVIEWS_KEPT = 8
# Full-size originals are large (about 100 MB decoded for 24 MP): keep only the last one.
ORIGINALS_KEPT = 1
# Qt refuses images over 256 MB decoded by default; a 100 MP original needs more.
ALLOCATION_LIMIT_MB = 1024

PREVIEW, ORIGINAL = "preview", "original"
Key = tuple[int, str]  # photo id, PREVIEW or ORIGINAL


@dataclass(frozen=True)
class Loaded:
    pixmap: QPixmap
    stand_in: bool  # a smaller file (the thumbnail) stood in for the one wanted
    fitted: QPixmap | None = None  # the picture scaled into the screen box, if smaller


@dataclass(frozen=True)
class _Picture:
    image: QImage  # null: none of the files decoded
    fitted: QImage  # scaled into the screen box, or null when it already fits
    stand_in: bool


def read_picture(kind: str, paths: tuple[Path, ...], box: QSize) -> _Picture:
    """On a reader thread: the first of `paths` that decodes, upright, and for a preview
    also scaled into the screen box."""
    for position, path in enumerate(paths):
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # EXIF orientation: portraits stand up
        image = reader.read()
        if not image.isNull():
            fitted = QImage()
            big = image.width() > box.width() or image.height() > box.height()
            if kind == PREVIEW and box.isValid() and big:
                fitted = image.scaled(
                    box,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            return _Picture(image, fitted, position > 0)
    return _Picture(QImage(), QImage(), False)


class ImageCache(QObject):
    """Decoded pictures by photo id; `image_ready` says when one asked for arrives."""

    image_ready = Signal(int, str)  # photo id, PREVIEW or ORIGINAL

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.reading = Background(self, threads=READER_THREADS, name="viewer pictures")
        if QImageReader.allocationLimit() < ALLOCATION_LIMIT_MB:
            QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
        self._kept: dict[str, OrderedDict[Key, Loaded]] = {
            PREVIEW: OrderedDict(),
            ORIGINAL: OrderedDict(),
        }
        self._asked: set[Key] = set()
        self._missing: set[Key] = set()
        self.screen_box = QSize()  # device pixels the viewer shows a whole picture in

    def get(self, photo_id: int, kind: str = PREVIEW) -> Loaded | None:
        kept = self._kept[kind]
        loaded = kept.get((photo_id, kind))
        if loaded is not None:
            kept.move_to_end((photo_id, kind))
        return loaded

    def is_missing(self, photo_id: int, kind: str = PREVIEW) -> bool:
        return (photo_id, kind) in self._missing

    def is_loading(self, photo_id: int, kind: str = PREVIEW) -> bool:
        return (photo_id, kind) in self._asked

    def request(
        self, photo_id: int, kind: str, paths: tuple[Path, ...], urgent: bool = False
    ) -> None:
        """Read in the background unless it is kept, on its way, or known to be missing."""
        key = (photo_id, kind)
        if key in self._kept[kind] or key in self._asked or key in self._missing or not paths:
            return
        self._asked.add(key)
        work = partial(read_picture, kind, paths, QSize(self.screen_box))
        self.reading.run(work, partial(self._on_read, key), priority=1 if urgent else 0)

    def forget(self, photo_id: int) -> None:
        """The photo's files changed: read them again when next asked."""
        for kind, kept in self._kept.items():
            kept.pop((photo_id, kind), None)
            self._missing.discard((photo_id, kind))

    def clear(self) -> None:
        self.reading.cancel_all()
        self._asked.clear()  # what is still being read is dropped when it arrives
        for kept in self._kept.values():
            kept.clear()
        self._missing.clear()

    def shutdown(self) -> None:
        self.reading.shutdown()
        self._asked.clear()

    def _on_read(self, key: Key, picture: _Picture) -> None:
        if key not in self._asked:  # forgotten meanwhile
            return
        self._asked.discard(key)
        image, fitted, stand_in = picture.image, picture.fitted, picture.stand_in
        if image.isNull():
            self._missing.add(key)
        else:
            kept = self._kept[key[1]]
            small = None if fitted.isNull() else QPixmap.fromImage(fitted)
            kept[key] = Loaded(QPixmap.fromImage(image), stand_in, small)
            limit = ORIGINALS_KEPT if key[1] == ORIGINAL else PREVIEWS_KEPT
            while len(kept) > limit:
                kept.popitem(last=False)
        self.image_ready.emit(*key)
