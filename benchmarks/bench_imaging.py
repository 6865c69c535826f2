"""Derivative speed and memory on the benchmark corpus. Prints numbers; asserts nothing.

    python benchmarks/bench_imaging.py CORPUS_DIR [--rounds 3] [--workers 2]

CORPUS_DIR is filled by benchmarks/corpus.py first (12 JPEGs, 6 DNGs; cached).

Each file gets a thumbnail (800 px q85) and a preview (2048 px q85), through
render_derivatives in a thread pool and in a process pool, and through the naive Pillow
pipeline (open, exif_transpose, thumbnail 2048 then 800, no DCT scaling). Every phase
runs in a fresh interpreter so its peak memory is its own; peak RSS is sampled over the
whole process tree (pool workers included) from /proc.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rawpy
from corpus import main as make_corpus  # benchmarks/ is on sys.path when run as a script
from PIL import Image, ImageOps

from photojobs.core.imaging import DerivativeSpec, PhotoSources, render_derivatives
from photojobs.core.imaging.orientation import orientation_from_flip, upright

THUMB = DerivativeSpec("thumbnail", 800, 85)
PREVIEW = DerivativeSpec("preview", 2048, 85)
PHASES = [
    ("jpeg", "library", "threads"),
    ("jpeg", "library", "processes"),
    ("jpeg", "naive", "threads"),
    ("raw", "library", "threads"),
    ("raw", "library", "processes"),
    ("raw", "naive", "threads"),
]


def library(path: Path, out: Path) -> float:
    """The project's pipeline: one DCT-scaled decode, preview first, thumbnail from it."""
    started = time.perf_counter()
    is_raw = path.suffix.upper() == ".DNG"
    sources = PhotoSources(None if is_raw else path, path if is_raw else None, None)
    stem = out / path.stem
    render_derivatives(
        sources, [(THUMB, stem.with_suffix(".t.jpg")), (PREVIEW, stem.with_suffix(".p.jpg"))]
    )
    return time.perf_counter() - started


def naive(path: Path, out: Path) -> float:
    """What most code does: decode everything, turn it, then shrink twice."""
    started = time.perf_counter()
    if path.suffix.upper() == ".DNG":
        with rawpy.imread(str(path)) as raw:
            data, flip = raw.extract_thumb().data, raw.sizes.flip
        image = upright(Image.open(io.BytesIO(data)), orientation_from_flip(flip))
    else:
        image = ImageOps.exif_transpose(Image.open(path))
    image = image.convert("RGB")
    image.thumbnail((2048, 2048), reducing_gap=None)
    image.save(out / f"{path.stem}.p.jpg", quality=85)
    image.thumbnail((800, 800), reducing_gap=None)
    image.save(out / f"{path.stem}.t.jpg", quality=85)
    return time.perf_counter() - started


def _warm() -> None:
    """Pool initializer: imports and first-call costs are paid before the clock starts."""
    Image.init()


@contextmanager
def peak_tree_rss() -> Iterator[dict[str, int]]:
    """Sample the RSS of this process and all its descendants every 10 ms; keep the peak."""
    result = {"peak": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            result["peak"] = max(result["peak"], _tree_rss(os.getpid()))
            done.wait(float(os.environ.get("SAMPLE_S", "0.01")))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        done.set()
        sampler.join()


def _tree_rss(pid: int) -> int:
    total = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                total += sum(_tree_rss(int(child)) for child in f.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass  # a worker that just exited
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                total += sum(tree_cpu_seconds(int(child)) for child in f.read().split())
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return total


def _executor(kind: str, workers: int) -> Executor:
    if kind == "threads":
        return ThreadPoolExecutor(workers)
    # forkserver: rawpy's OpenMP threads can deadlock a fork()ed child.
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_warm)


def run_phase(corpus: Path, kind: str, pipeline: str, pool: str, rounds: int, workers: int) -> dict:
    pattern = "*.JPG" if kind == "jpeg" else "*.DNG"
    files = sorted(corpus.glob(pattern))
    if not files:
        raise SystemExit(f"no {pattern} in {corpus}: run benchmarks/corpus.py first")
    work: Callable[[Path, Path], float] = library if pipeline == "library" else naive
    with tempfile.TemporaryDirectory() as tmp, _executor(pool, workers) as executor:
        out = Path(tmp)
        list(executor.map(work, files[:workers], [out] * workers))  # start workers, warm caches
        with peak_tree_rss() as memory:
            cpu_before, started = tree_cpu_seconds(os.getpid()), time.perf_counter()
            jobs = files * rounds
            latencies = list(executor.map(work, jobs, [out] * len(jobs)))
            wall = time.perf_counter() - started
            cpu = tree_cpu_seconds(os.getpid()) - cpu_before
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "phase": f"{kind} {pipeline} {pool}({workers})",
        "images": len(jobs),
        "per_second": len(jobs) / wall,
        "ms_per_image": 1000 * wall / len(jobs),
        "latency_ms": 1000 * sum(latencies) / len(latencies),
        "peak_tree_mb": max(memory["peak"], self_peak) / 1e6,
        "cores_used": cpu / wall,  # well below `workers`: other load on the machine
        "max_child_mb": child_peak / 1e6,
    }


def _in_fresh_interpreter(args: argparse.Namespace, phase: tuple[str, str, str]) -> dict:
    command = [sys.executable, __file__, str(args.corpus), "--phase", ",".join(phase)]
    command += ["--rounds", str(args.rounds), "--workers", str(args.workers)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _warm_page_cache(corpus: Path) -> None:
    for path in sorted(corpus.iterdir()):
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        kind, pipeline, pool = args.phase.split(",")
        print(json.dumps(run_phase(args.corpus, kind, pipeline, pool, args.rounds, args.workers)))
        return 0
    make_corpus([str(args.corpus), "--jpegs", "12", "--raws", "6"])
    _warm_page_cache(args.corpus)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"{'phase':30} {'images':>6} {'img/s':>6} {'ms/img':>7} {'latency':>8}"
        f" {'peak MB':>8} {'cores':>6}"
    )
    for phase in PHASES:
        r = _in_fresh_interpreter(args, phase)
        print(
            f"{r['phase']:30} {r['images']:6d} {r['per_second']:6.1f} {r['ms_per_image']:7.1f}"
            f" {r['latency_ms']:8.1f} {r['peak_tree_mb']:8.0f} {r['cores_used']:6.2f}",
            flush=True,
        )
    print("ms/img = wall time / images; latency = mean time of one image in a worker;")
    print("peak MB = sampled peak RSS of the whole process tree; cores = CPU time / wall time")
    print("targets on 2 cores: JPEG >= 18 img/s, RAW >= 11 img/s, peak < 400 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
