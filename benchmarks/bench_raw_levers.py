"""Where a RAW's derivative time goes, per photo, on one thread (issue 14, the RAW path).

    python benchmarks/bench_raw_levers.py [--corpus .bench/camera-corpus] [--photos 12]

CPU time of this thread (medians over the DNGs of the camera-like corpus) for each stage of
a 2048 px preview + 800 px thumbnail made from the embedded JPEG preview: reaching the
preview's bytes through LibRaw against our own IFD walk, its header, its decode at each
scale, the decode as a whole each way, and the rest of the derivative step. Also the
stand-in thumbnail the import writes from each RAW. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import rawpy
import simplejpeg
from PIL import Image

from photojobs.core.imaging.derivatives import DerivativeSpec, render_derivatives
from photojobs.core.imaging.embedded import embedded_thumbnail
from photojobs.core.imaging.raw import decode_raw, decode_with_libraw
from photojobs.core.imaging.raw_jpegs import find_raw_jpegs, read_jpeg
from photojobs.core.imaging.sources import PhotoSources

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 200_000_000
REPEATS = 5


def cpu_ms(fn: Callable[[], object]) -> float:
    """The median CPU time of this thread over a few calls, in ms."""
    times = []
    for _ in range(REPEATS):
        started = time.thread_time()
        fn()
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def libraw_bytes(path: Path) -> bytes:
    with rawpy.imread(str(path)) as raw:
        return bytes(raw.extract_thumb().data)


def own_bytes(path: Path) -> bytes:
    found = find_raw_jpegs(path)
    assert found.largest is not None, f"{path.name}: no embedded JPEG found"
    return read_jpeg(path, found.largest)


def header(data: bytes) -> object:
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.info.get("icc_profile")


def decode(data: bytes, long_edge: int) -> object:
    return simplejpeg.decode_jpeg(
        data, min_width=long_edge, min_height=1, fastdct=True, fastupsample=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / ".bench" / "camera-corpus")
    parser.add_argument("--photos", type=int, default=12)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("RAW_*.DNG"))[: args.photos]
    if not files:
        raise SystemExit(f"no RAW_*.DNG in {args.corpus}: make bench makes them")
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        specs = [
            (DerivativeSpec("thumbnail", 800, 80), out / "t.jpg"),
            (DerivativeSpec("preview", 2048, 85), out / "p.jpg"),
        ]
        for path in files:
            data = own_bytes(path)
            width = simplejpeg.decode_jpeg_header(data)[1]
            measured = {
                "preview bytes via LibRaw (open, extract_thumb)": lambda p=path: libraw_bytes(p),
                "preview bytes via our IFD walk (walk, read)": lambda p=path: own_bytes(p),
                "  of which the IFD walk alone": lambda p=path: find_raw_jpegs(p),
                "preview header (Pillow)": lambda d=data: header(d),
                "decode preview at 3/8 (for 2048 px)": lambda d=data: decode(d, 2048),
                "decode preview at 1/2": lambda d=data, w=width: decode(d, w // 2),
                "decode_raw, LibRaw path (before)": lambda p=path: decode_with_libraw(
                    p, 2048, LIMIT
                ),
                "decode_raw, own path (now)": lambda p=path: decode_raw(p, 2048, LIMIT),
                "whole photo: decode, resize, turn, encode x2": lambda p=path: render_derivatives(
                    PhotoSources(None, p, None), specs
                ),
                "stand-in thumbnail at import": lambda p=path: embedded_thumbnail(p, raw=True),
            }
            for name, fn in measured.items():
                stages.setdefault(name, []).append(cpu_ms(fn))
    print(f"RAW levers, CPU ms per photo (median of {len(files)} DNGs, {REPEATS} calls each)")
    for name, values in stages.items():
        print(f"  {name:52} {statistics.median(values):7.1f}")


if __name__ == "__main__":
    main()
