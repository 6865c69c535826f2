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
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QImageReader, QPixmap

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


class _Read(QRunnable):
    def __init__(self, cache: ImageCache, key: Key, paths: tuple[Path, ...], box: QSize):
        super().__init__()
        self.cache, self.key, self.paths, self.box = cache, key, paths, box

    def run(self) -> None:
        for position, path in enumerate(self.paths):
            reader = QImageReader(str(path))
            reader.setAutoTransform(True)  # EXIF orientation: portraits stand up
            image = reader.read()
            if not image.isNull():
                fitted = QImage()
                big = image.width() > self.box.width() or image.height() > self.box.height()
                if self.key[1] == PREVIEW and self.box.isValid() and big:
                    fitted = image.scaled(
                        self.box,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                self.cache._read.emit(self.key, image, fitted, position > 0)
                return
        self.cache._read.emit(self.key, QImage(), QImage(), False)


class ImageCache(QObject):
    """Decoded pictures by photo id; `image_ready` says when one asked for arrives."""

    image_ready = Signal(int, str)  # photo id, PREVIEW or ORIGINAL
    _read = Signal(object, QImage, QImage, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(READER_THREADS)
        if QImageReader.allocationLimit() < ALLOCATION_LIMIT_MB:
            QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
        self._kept: dict[str, OrderedDict[Key, Loaded]] = {
            PREVIEW: OrderedDict(),
            ORIGINAL: OrderedDict(),
        }
        self._asked: set[Key] = set()
        self._missing: set[Key] = set()
        self.screen_box = QSize()  # device pixels the viewer shows a whole picture in
        self._read.connect(self._on_read, Qt.ConnectionType.QueuedConnection)

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
        self.pool.start(_Read(self, key, paths, QSize(self.screen_box)), 1 if urgent else 0)

    def forget(self, photo_id: int) -> None:
        """The photo's files changed: read them again when next asked."""
        for kind, kept in self._kept.items():
            kept.pop((photo_id, kind), None)
            self._missing.discard((photo_id, kind))

    def clear(self) -> None:
        self.pool.clear()
        self._asked.clear()  # what is still being read is dropped when it arrives
        for kept in self._kept.values():
            kept.clear()
        self._missing.clear()

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone(5_000)

    @Slot(object, QImage, QImage, bool)
    def _on_read(self, key: Key, image: QImage, fitted: QImage, stand_in: bool) -> None:
        if key not in self._asked:  # forgotten or cleared meanwhile
            return
        self._asked.discard(key)
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
