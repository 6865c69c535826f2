"""Deterministic camera-like benchmark corpus: 24 MP JPEGs and DNGs with full-size previews.

    python benchmarks/corpus.py OUTDIR --jpegs 12 --raws 6

JPEGs are 6000x4000 q92 (5-7 MB, like a camera's) with EXIF: Make/Model, DateTimeOriginal,
Orientation (6 and 8 on portrait shots, stored landscape as cameras do). DNGs hold
uncompressed 16-bit Bayer data plus a full-size JPEG preview in a SubIFD, which is what
LibRaw's extract_thumb() returns. Files that exist with the size recorded in corpus.json
are kept, so a second run costs nothing. Adapted from the team's shared make_corpus tool.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

VERSION = 1
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEF, SRATIONAL = 1, 2, 3, 4, 5, 7, 10
CAMERAS = [("Canon", "Canon EOS 80D", 1), ("SONY", "ILCE-7M3", 1), ("FUJIFILM", "X-T2", 2)]
# Transpose that turns the upright scene into what the sensor stored, per Orientation.
STORE = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
         8: Image.Transpose.ROTATE_270}  # fmt: skip


@dataclass(frozen=True)
class Ref:
    """An offset inside the TIFF that is only known once everything is laid out."""

    kind: str  # "ifd" or "blob"
    name: str
    index: int = 0


@dataclass
class IFD:
    name: str
    entries: dict[int, tuple[int, Any]] = field(default_factory=dict)
    next: str | None = None

    def add(self, tag: int, kind: int, value: Any) -> IFD:
        self.entries[tag] = (kind, value)
        return self


def _encode(kind: int, value: Any, resolve: Any) -> tuple[int, bytes]:
    if kind == ASCII:
        data = value.encode("ascii") + b"\0"
        return len(data), data
    if kind in (BYTE, UNDEF):
        return len(value), bytes(value)
    values = value if isinstance(value, list | tuple) else [value]
    values = [resolve(v) if isinstance(v, Ref) else v for v in values]
    if kind in (RATIONAL, SRATIONAL):
        flat = [int(x) for pair in values for x in pair]
        return len(values), struct.pack(f"<{len(flat)}{'I' if kind == RATIONAL else 'i'}", *flat)
    return len(values), struct.pack(f"<{len(values)}{'H' if kind == SHORT else 'I'}", *values)


def build_tiff(ifds: list[IFD], blobs: dict[str, list[bytes]]) -> bytes:
    """Little-endian TIFF: IFDs in order (the first is IFD0), then blobs; Refs resolved."""
    offsets: dict[tuple[str, str, int], int] = {}
    pos = 8
    for ifd in ifds:
        offsets[("ifd", ifd.name, 0)] = pos
        size = 2 + 12 * len(ifd.entries) + 4
        for kind, value in ifd.entries.values():
            data = _encode(kind, value, lambda _: 0)[1]
            size += (len(data) + 1) & ~1 if len(data) > 4 else 0
        pos += (size + 3) & ~3
    for name, parts in blobs.items():
        for i, part in enumerate(parts):
            offsets[("blob", name, i)] = pos
            pos += (len(part) + 3) & ~3
    out = bytearray(pos)
    out[0:8] = b"II*\x00" + struct.pack("<I", 8)

    def resolve(ref: Ref) -> int:
        return offsets[(ref.kind, ref.name, ref.index)]

    for ifd in ifds:
        base = offsets[("ifd", ifd.name, 0)]
        tags = sorted(ifd.entries)
        struct.pack_into("<H", out, base, len(tags))
        data_pos = base + 2 + 12 * len(tags) + 4
        for k, tag in enumerate(tags):
            kind, value = ifd.entries[tag]
            count, data = _encode(kind, value, resolve)
            entry = base + 2 + 12 * k
            if len(data) <= 4:
                struct.pack_into("<HHI4s", out, entry, tag, kind, count, data.ljust(4, b"\0"))
            else:
                struct.pack_into("<HHII", out, entry, tag, kind, count, data_pos)
                out[data_pos : data_pos + len(data)] = data
                data_pos += (len(data) + 1) & ~1
        following = offsets[("ifd", ifd.next, 0)] if ifd.next else 0
        struct.pack_into("<I", out, base + 2 + 12 * len(tags), following)
    for name, parts in blobs.items():
        for i, part in enumerate(parts):
            start = offsets[("blob", name, i)]
            out[start : start + len(part)] = part
    return bytes(out)


def _upsample(a: np.ndarray, w: int, h: int) -> np.ndarray:
    small = Image.fromarray(np.ascontiguousarray(a, dtype=np.float32))
    return np.asarray(small.resize((w, h), Image.Resampling.BICUBIC))


def _fractal(rng: np.random.Generator, h: int, w: int, rows: int, octaves: int) -> np.ndarray:
    """1/f-like noise: octaves of upsampled random grids, each finer and weaker."""
    acc, amp, total = np.zeros((h, w), np.float32), 1.0, 0.0
    for _ in range(octaves):
        grid = rng.standard_normal((rows, max(2, round(rows * w / h))), dtype=np.float32)
        acc += amp * _upsample(grid, w, h)
        total, amp, rows = total + amp, amp * 0.55, rows * 2
        if rows > h:
            break
    return acc / total


def render_scene(rng: np.random.Generator, w: int, h: int, noise: bool) -> np.ndarray:
    """Float (h, w, 3) sRGB in [0, 1]: sky, clouds, textured ground, buildings, sensor noise."""
    lw, lh = max(16, w // 8), max(16, h // 8)
    yy = np.linspace(0, 1, lh, dtype=np.float32)[:, None]
    horizon = rng.uniform(0.38, 0.62) + 0.06 * _fractal(rng, 16, lw, 2, 4)[:1]
    t = np.clip(yy / horizon, 0, 1)[..., None]
    sky = np.array([0.18, 0.35, 0.72], np.float32) * (1 - t) + np.float32([0.78, 0.84, 0.92]) * t
    clouds = np.clip(_fractal(rng, lh, lw, 3, 6) * 1.4 - 0.1, 0, 1)[..., None] ** 1.5
    sky = sky * (1 - 0.8 * clouds) + 0.74 * clouds
    ground_colour = np.float32(rng.choice([[0.24, 0.36, 0.14], [0.42, 0.33, 0.2]]))
    lum = _fractal(rng, lh, lw, 4, 7)[..., None]
    chroma = np.stack([_fractal(rng, lh, lw, 2, 5) for _ in range(3)], -1)
    ground = ground_colour * (1 + 0.5 * lum + 0.15 * chroma) * (0.65 + 0.5 * yy[..., None])
    is_ground = (yy > horizon).astype(np.float32)
    base = sky * (1 - is_ground[..., None]) + ground * is_ground[..., None]
    img = np.stack([_upsample(base[..., c], w, h) for c in range(3)], -1)
    detail = sum(
        weight * _upsample(rng.standard_normal((h // f, w // f), dtype=np.float32), w, h)
        for weight, f in ((0.55, 16), (0.45, 4), (0.35, 2))
    )
    img *= (1 + detail * (0.035 + 0.22 * _upsample(is_ground, w, h)))[..., None]
    _draw_buildings(rng, img, float(horizon.mean()))
    vy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    vx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    img *= (1 - 0.11 * (vx * vx + vy * vy))[..., None]
    if noise:  # signal-dependent luminance noise plus a little chroma noise
        grain = rng.standard_normal((h, w), dtype=np.float32)
        grain *= 0.003 + 0.008 * np.sqrt(np.clip(img[..., 1], 0, 1))
        img += grain[..., None]
        chroma_noise = rng.standard_normal((h // 2, w // 2, 3), dtype=np.float32) * 0.005
        img += np.repeat(np.repeat(chroma_noise, 2, 0), 2, 1)[:h, :w]
    return np.clip(img, 0, 1, out=img)


def _draw_buildings(rng: np.random.Generator, img: np.ndarray, horizon: float) -> None:
    """Hard edges with windows: what makes resampling and JPEG work for their living."""
    h, w = img.shape[:2]
    labels = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(labels)
    palette = np.zeros((256, 3), np.float32)
    for k in range(int(rng.integers(4, 9))):
        colour = rng.uniform(0.1, 0.85, 3)
        palette[2 * k + 1], palette[2 * k + 2] = colour, colour * 0.35
        bw, bh = rng.uniform(0.05, 0.18) * w, rng.uniform(0.12, 0.45) * h
        x0 = rng.uniform(0.05, 0.95) * w - bw / 2
        y1 = min((horizon + rng.uniform(0.0, 0.35)) * h, h * 0.98)
        draw.rectangle([x0, y1 - bh, x0 + bw, y1], fill=2 * k + 1)
        nx, ny = int(rng.integers(3, 9)), int(rng.integers(4, 14))
        for i in range(nx):
            for j in range(ny):
                wx, wy = x0 + bw * (i + 0.25) / nx, y1 - bh + bh * (j + 0.25) / ny
                draw.rectangle([wx, wy, wx + bw * 0.5 / nx, wy + bh * 0.5 / ny], fill=2 * k + 2)
    mask = labels.point(lambda v: 255 if v else 0).filter(ImageFilter.GaussianBlur(0.8))
    soft = np.asarray(mask, np.float32) / 255.0
    index = np.asarray(labels)
    for c in range(3):
        img[..., c] = img[..., c] * (1 - soft) + np.take(palette[:, c], index) * soft


def shot(seed: int, idx: int) -> dict[str, Any]:
    """Camera, capture time and settings of shot `idx`; every 3rd is a portrait or upside down."""
    make, model, subsampling = CAMERAS[idx % len(CAMERAS)]
    t = time.gmtime(1686816000 + idx * 97 + (idx // 4) * 1800)
    return dict(
        make=make, model=model, subsampling=subsampling,
        orientation={1: 6, 4: 8, 7: 3}.get(idx % 9, 1),
        datetime=time.strftime("%Y:%m:%d %H:%M:%S", t), subsec=f"{idx * 7 % 100:02d}",
        exposure=[60, 125, 250, 500, 1000][idx % 5], fnumber=[28, 40, 56, 80, 110][idx % 5],
        iso=[100, 200, 400, 800, 1600][(idx // 2) % 5], focal=[18, 24, 35, 50, 85][idx % 5],
    )  # fmt: skip


def exif_ifds(m: dict[str, Any], w: int, h: int) -> tuple[IFD, IFD]:
    ifd0 = IFD("ifd0").add(0x010F, ASCII, m["make"]).add(0x0110, ASCII, m["model"])
    ifd0.add(0x0112, SHORT, m["orientation"]).add(0x0132, ASCII, m["datetime"])
    ifd0.add(0x0131, ASCII, f"photojobs corpus v{VERSION}").add(0x8769, LONG, Ref("ifd", "exif"))
    exif = IFD("exif").add(0x829A, RATIONAL, [(1, m["exposure"])])
    exif.add(0x829D, RATIONAL, [(m["fnumber"], 10)]).add(0x8827, SHORT, m["iso"])
    exif.add(0x9000, UNDEF, b"0232").add(0x9003, ASCII, m["datetime"])
    exif.add(0x9011, ASCII, "+02:00").add(0x9291, ASCII, m["subsec"])
    exif.add(0x920A, RATIONAL, [(m["focal"], 1)]).add(0xA001, SHORT, 1)
    exif.add(0xA002, LONG, w).add(0xA003, LONG, h)
    return ifd0, exif


def stored_scene(seed: int, idx: int, w: int, h: int, noise: bool) -> tuple[dict, Image.Image]:
    """Render shot `idx` upright, then store it the way the camera's sensor saw it."""
    rng = np.random.default_rng([seed, idx])
    m = shot(seed, idx)
    portrait = m["orientation"] in (6, 8)
    scene = render_scene(rng, *((h, w) if portrait else (w, h)), noise=noise)
    image = Image.fromarray((scene * 255 + 0.5).astype(np.uint8))
    turn = STORE[m["orientation"]]
    return m, image if turn is None else image.transpose(turn)


def write_jpeg(path: Path, seed: int, idx: int, w: int, h: int) -> None:
    m, stored = stored_scene(seed, idx, w, h, noise=True)
    ifd0, exif = exif_ifds(m, w, h)
    block = b"Exif\x00\x00" + build_tiff([ifd0, exif], {})
    stored.save(path, "JPEG", quality=92, subsampling=m["subsampling"], exif=block)


def write_dng(path: Path, seed: int, idx: int, w: int, h: int) -> None:
    """Uncompressed RGGB DNG with a full-size JPEG preview in a second SubIFD."""
    m, stored = stored_scene(seed, 10_000 + idx, w, h, noise=False)
    m.update(make="BenchCam", model="SynthRaw 24")
    linear = np.asarray(stored, np.float32) / 255.0
    linear = np.where(linear <= 0.04045, linear / 12.92, ((linear + 0.055) / 1.055) ** 2.4)
    mosaic = np.empty((h, w), np.float32)
    for (dy, dx), channel in (((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 2)):
        mosaic[dy::2, dx::2] = linear[dy::2, dx::2, channel]
    del linear
    gain = (0.52, 1.0, 0.71)  # camera R/G/B sensitivity: white balance has work to do
    mosaic[0::2, 0::2] *= gain[0]
    mosaic[1::2, 1::2] *= gain[2]
    rng = np.random.default_rng([seed, 20_000 + idx])
    mosaic = mosaic * 13800 + 512 + rng.standard_normal((h, w), dtype=np.float32) * 3
    raw = np.clip(mosaic, 0, 16383).astype("<u2")
    preview = io.BytesIO()
    stored.save(preview, "JPEG", quality=75, subsampling=2)
    thumb = stored.resize((256, 256 * h // w), Image.Resampling.BILINEAR)
    strips = [raw[y : y + 16].tobytes() for y in range(0, h, 16)]
    ifd0, exif = exif_ifds(m, w, h)
    ifd0.add(0x00FE, LONG, 1).add(0x0100, LONG, thumb.width).add(0x0101, LONG, thumb.height)
    ifd0.add(0x0102, SHORT, [8, 8, 8]).add(0x0103, SHORT, 1).add(0x0106, SHORT, 2)
    ifd0.add(0x0111, LONG, Ref("blob", "thumb")).add(0x0115, SHORT, 3)
    ifd0.add(0x0116, LONG, thumb.height).add(0x0117, LONG, len(thumb.tobytes()))
    ifd0.add(0x014A, LONG, [Ref("ifd", "raw"), Ref("ifd", "preview")])
    ifd0.add(0xC612, BYTE, [1, 4, 0, 0]).add(0xC614, ASCII, "BenchCam SynthRaw 24")
    xyz_to_srgb = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415],
                            [0.0557, -0.2040, 1.0570]])  # fmt: skip
    matrix = (np.diag(gain) @ xyz_to_srgb).ravel()
    ifd0.add(0xC621, SRATIONAL, [(round(v * 10000), 10000) for v in matrix])
    ifd0.add(0xC65A, SHORT, 21).add(0xC628, RATIONAL, [(round(g * 10000), 10000) for g in gain])
    rawifd = IFD("raw").add(0x00FE, LONG, 0).add(0x0100, LONG, w).add(0x0101, LONG, h)
    rawifd.add(0x0102, SHORT, 16).add(0x0103, SHORT, 1).add(0x0106, SHORT, 32803)
    rawifd.add(0x0111, LONG, [Ref("blob", "raw", i) for i in range(len(strips))])
    rawifd.add(0x0115, SHORT, 1).add(0x0116, LONG, 16).add(0x0117, LONG, [len(s) for s in strips])
    rawifd.add(0x828D, SHORT, [2, 2]).add(0x828E, BYTE, [0, 1, 1, 2])
    rawifd.add(0xC61A, LONG, 512).add(0xC61D, LONG, 16383)
    pv = IFD("preview").add(0x00FE, LONG, 1).add(0x0100, LONG, w).add(0x0101, LONG, h)
    pv.add(0x0102, SHORT, [8, 8, 8]).add(0x0103, SHORT, 7).add(0x0106, SHORT, 6)
    pv.add(0x0111, LONG, Ref("blob", "preview")).add(0x0115, SHORT, 3)
    pv.add(0x0116, LONG, h).add(0x0117, LONG, preview.tell()).add(0xC71A, LONG, 2)
    blobs = {"thumb": [thumb.tobytes()], "raw": strips, "preview": [preview.getvalue()]}
    path.write_bytes(build_tiff([ifd0, rawifd, pv, exif], blobs))


def _make(job: tuple[str, int, int, int, int, str]) -> tuple[str, int]:
    kind, idx, seed, w, h, outdir = job
    started = time.perf_counter()
    if kind == "jpeg":
        path = Path(outdir) / f"IMG_{idx + 1:04d}.JPG"
        write_jpeg(path, seed, idx, w, h)
    else:
        path = Path(outdir) / f"RAW_{idx + 1:04d}.DNG"
        write_dng(path, seed, idx, w, h)
    size = path.stat().st_size
    print(f"{path.name} {size / 1e6:6.2f} MB {time.perf_counter() - started:.1f}s", flush=True)
    return path.name, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--jpegs", type=int, default=12)
    parser.add_argument("--raws", type=int, default=6)
    parser.add_argument("--seed", type=int, default=20240615)
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    manifest_path = args.outdir / "corpus.json"
    params = dict(version=VERSION, seed=args.seed, width=args.width, height=args.height)
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    known: dict[str, int] = old.get("files", {}) if old.get("params") == params else {}
    jobs = [("jpeg", i) for i in range(args.jpegs)] + [("dng", i) for i in range(args.raws)]
    todo, files = [], {}
    for kind, i in jobs:
        name = f"IMG_{i + 1:04d}.JPG" if kind == "jpeg" else f"RAW_{i + 1:04d}.DNG"
        path = args.outdir / name
        if name in known and path.exists() and path.stat().st_size == known[name]:
            files[name] = known[name]
        else:
            todo.append((kind, i, args.seed, args.width, args.height, str(args.outdir)))
    started = time.perf_counter()
    if todo:
        # fork is safe here: only numpy and Pillow are loaded, no OpenMP (rawpy) threads.
        with multiprocessing.get_context("fork").Pool(args.jobs, maxtasksperchild=4) as pool:
            files.update(pool.map(_make, todo, chunksize=1))
    manifest_path.write_text(json.dumps({"params": params, "files": files}, indent=1))
    print(f"{len(todo)} made, {len(files) - len(todo)} kept, {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
