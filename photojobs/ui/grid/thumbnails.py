"""Thumbnails read and scaled off the GUI thread, cached as pixmaps by (photo, size, dpr).

QImage may be made in any thread; only the QPixmap conversion happens on the GUI thread.
The cache is bounded by bytes, not by count: 2,000 pixmaps were 0.3 GB at the default
size and 1.4 GB at the largest on a 2x screen.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from photojobs.ui.background import Background, Ticket

# Two threads: reading small JPEGs is disk-bound and each decode takes a few ms; more
# threads would only compete with the image jobs for the two cores.
LOADER_THREADS = 2
CACHE_BYTES = 192 * 1024 * 1024  # a few screenfuls at the largest size on a 2x screen

Key = tuple[int, int, float]  # photo id, box size in px, device pixel ratio


def read_thumbnail(path: Path, box: int) -> QImage:
    """On a reader thread: the file scaled into a `box` px square (null if unreadable)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > box:
        reader.setScaledSize(size.scaled(QSize(box, box), Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class ThumbnailLoader(QObject):
    thumbnail_ready = Signal(int)  # photo id

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.reading = Background(self, threads=LOADER_THREADS, name="grid thumbnails")
        self._cache: OrderedDict[Key, QPixmap] = OrderedDict()
        self.cache_bytes = 0
        self._asked: dict[Key, Ticket[QImage]] = {}  # reads on their way
        self._missing: set[Key] = set()

    def pixmap(self, photo_id: int, path: Path, size: int, dpr: float) -> QPixmap | None:
        """The cached pixmap, or None after asking for it to be read (only once)."""
        key = (photo_id, size, dpr)
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key not in self._asked and key not in self._missing:
            box = int(size * dpr)
            work = partial(read_thumbnail, path, box)
            self._asked[key] = self.reading.run(work, partial(self._on_loaded, key))
        return None

    def unreadable(self, photo_id: int, size: int, dpr: float) -> bool:
        """The thumbnail file was read and gave no image (gone, or not an image)."""
        return (photo_id, size, dpr) in self._missing

    def forget(self, *photo_ids: int) -> None:
        """These photos' thumbnails changed on disk: read them again next time. One pass
        over what is kept, however many photos (a commit of 50k photos forgot them one by
        one, each pass over the whole cache, on the GUI thread)."""
        gone = set(photo_ids)
        for key in [k for k in self._cache if k[0] in gone]:
            self.cache_bytes -= _size_of(self._cache.pop(key))
        self._missing = {k for k in self._missing if k[0] not in gone}
        for key in [k for k in self._asked if k[0] in gone]:
            self._asked.pop(key).cancel()  # a read of the old file must not land after this

    def clear(self) -> None:
        self._cache.clear()
        self.cache_bytes = 0
        self._missing.clear()

    def shutdown(self) -> None:
        self.reading.shutdown()
        self._asked.clear()

    def _on_loaded(self, key: Key, image: QImage) -> None:
        self._asked.pop(key, None)
        if image.isNull():
            self._missing.add(key)
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(key[2])
        if key in self._cache:
            self.cache_bytes -= _size_of(self._cache.pop(key))
        self._cache[key] = pixmap
        self.cache_bytes += _size_of(pixmap)
        while self.cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            _key, oldest = self._cache.popitem(last=False)
            self.cache_bytes -= _size_of(oldest)
        self.thumbnail_ready.emit(key[0])


def _size_of(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth()) // 8
