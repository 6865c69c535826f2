"""What each lever of the derivative step costs or saves, per photo, on one thread.

    python benchmarks/bench_levers.py [--corpus .bench/camera-corpus] [--photos 12]

CPU time of this thread (not wall time, so other load on the machine matters less),
median over the photos, for the stages of one 2048 px q85 preview + 800 px q80
thumbnail: decode (Pillow's draft at 1/2 against libjpeg-turbo at 3/8), the resize to
2048 px from each, encoding with and without Pillow's optimise pass, the thumbnail from
the preview, and the second decode the thumbnails-first pass paid (1/8 scale).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import simplejpeg
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PREVIEW = (2048, 1365)
THUMB = (800, 533)


def cpu_ms(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.thread_time()
    result = fn()
    return (time.thread_time() - started) * 1000, result


def pillow_decode(data: bytes, box: tuple[int, int]) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", box)
    image.load()
    return image


def turbo_decode(data: bytes, box: tuple[int, int]) -> Image.Image:
    pixels = simplejpeg.decode_jpeg(data, min_width=box[0], min_height=box[1])
    return Image.frombuffer("RGB", (pixels.shape[1], pixels.shape[0]), pixels, "raw", "RGB", 0, 1)


def encode(image: Image.Image, quality: int, optimize: bool) -> int:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=optimize)
    return out.tell()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / ".bench" / "camera-corpus")
    parser.add_argument("--photos", type=int, default=12)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("IMG_*.JPG"))[: args.photos]
    if not files:
        raise SystemExit(f"no IMG_*.JPG in {args.corpus}: make bench makes them")
    stages: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}

    def note(name: str, ms: float) -> None:
        stages.setdefault(name, []).append(ms)

    for path in files:
        data = path.read_bytes()
        ms, old = cpu_ms(lambda d=data: pillow_decode(d, PREVIEW))
        note("decode, Pillow draft 1/2 (3000 px)", ms)
        ms, new = cpu_ms(lambda d=data: turbo_decode(d, PREVIEW))
        note("decode, libjpeg-turbo 3/8 (2250 px)", ms)
        ms, _ = cpu_ms(lambda d=data: pillow_decode(d, THUMB))
        note("second decode at 1/8 (thumbnails-first pass)", ms)
        ms, _ = cpu_ms(lambda i=old: i.resize(PREVIEW, Image.Resampling.BOX, reducing_gap=2.0))
        note("resize 3000 -> 2048 (BOX)", ms)
        ms, preview = cpu_ms(lambda i=new: i.resize(PREVIEW, Image.Resampling.BOX))
        note("resize 2250 -> 2048 (BOX)", ms)
        ms, size = cpu_ms(lambda i=preview: encode(i, 85, False))
        note("encode 2048 q85", ms)
        sizes.setdefault("plain", []).append(size)
        ms, size = cpu_ms(lambda i=preview: encode(i, 85, True))
        note("encode 2048 q85, optimize=True", ms)
        sizes.setdefault("optimised", []).append(size)
        ms, thumb = cpu_ms(
            lambda i=preview: i.resize(THUMB, Image.Resampling.LANCZOS, reducing_gap=1.0)
        )
        note("thumbnail 2048 -> 800 (reduce 2 + LANCZOS)", ms)
        ms, _ = cpu_ms(lambda i=thumb: encode(i, 80, False))
        note("encode 800 q80", ms)
    print(f"Levers, CPU ms per photo (median of {len(files)}), one thread")
    for name, values in stages.items():
        print(f"  {name:48} {statistics.median(values):7.1f}")
    saved = 1 - sum(sizes["optimised"]) / sum(sizes["plain"])
    print(f"  optimize=True makes previews {saved:.1%} smaller")


if __name__ == "__main__":
    main()
