"""Messages between the window's process and its jobs process: pickled tuples in
length-prefixed frames over a pipe. Both ends are this application, so pickle is safe
here; nothing else writes to these pipes."""

from __future__ import annotations

import contextlib
import pickle
import struct
import threading
from collections.abc import Iterator
from typing import IO, Any

_HEADER = struct.Struct("!I")


class Channel:
    """The writing end; any thread may send (one frame at a time)."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self._lock = threading.Lock()
        self.closed = False

    def send(self, *message: Any) -> bool:
        """False once the other end is gone (its process ended): nothing to tell it."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self.closed:
                return False
            try:
                self._stream.write(_HEADER.pack(len(data)) + data)
                self._stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.closed = True
                return False
        return True

    def close(self) -> None:
        with self._lock:
            self.closed = True
            with contextlib.suppress(OSError):
                self._stream.close()


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def messages(stream: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """Each message until the other end closes its side (or ends)."""
    while True:
        header = _read_exactly(stream, _HEADER.size)
        if header is None:
            return
        data = _read_exactly(stream, _HEADER.unpack(header)[0])
        if data is None:
            return
        yield pickle.loads(data)
