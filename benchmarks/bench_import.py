"""The real path, measured: an import task through the worker loop to files on disk, and
the derivative step alone, beside a naive Pillow pipeline, on the 24 MP corpus.

    python benchmarks/bench_import.py [CORPUS_DIR] [--rounds 3]

Each phase runs in a fresh interpreter so its peak memory is its own. Settings as the
issue asks: preview 2048 px, thumbnail 800 px, processing.workers 2. Prints numbers only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SETTINGS = {
    "processing.preview.max_dim": 2048,
    "processing.thumbnail.max_dim": 800,
    "processing.workers": 2,
    "pipeline.max_parallel_jobs": 2,
    "pipeline.priority_lane_slots": 0,
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_files(corpus: Path, kind: str) -> list[Path]:
    suffix = ".JPG" if kind == "jpeg" else ".DNG"
    return sorted(p for p in corpus.iterdir() if p.suffix.upper() == suffix)


def run_real(corpus: Path, kind: str, rounds: int) -> dict[str, float]:
    """Import the files through upload_processing, then regenerate derivatives `rounds` times."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from photojobs.core.config import load_config
    from photojobs.core.library import Library
    from photojobs.core.project_import import analyse_for_project
    from photojobs.runtime.session import LibrarySession

    app = QCoreApplication.instance() or QCoreApplication([])
    files = corpus_files(corpus, kind)
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "lib", load_config().with_overrides(SETTINGS))
        session = LibrarySession(lib)
        project = session.create_project("Bench")
        finished: dict[str, float] = {}
        session.signals.task_changed.connect(
            lambda e: (
                finished.setdefault(e.task_id, time.perf_counter())
                if e.status in ("completed", "failed")
                else None
            )
        )
        session.start(with_scheduler=False)

        def wait(task_id: str) -> None:
            while task_id not in finished:
                app.processEvents()
                time.sleep(0.002)

        analysis = analyse_for_project(lib, project, files)
        t0 = time.perf_counter()
        task = session.start_import(
            project, {c.source: c.verdict for c in analysis.to_copy("skip")}, "skip"
        )
        wait(task)
        import_s = finished[task] - t0
        derive = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            task = session.make_derivatives(project, force=True)
            wait(task)
            derive.append(finished[task] - t0)
        thumbs = list((project.path / ".thumb").iterdir())
        previews = list((project.path / ".preview").iterdir())
        assert len(thumbs) == len(previews) == len(files), "derivatives missing"
        session.stop()
        lib.close()
    best = min(derive)
    return {"images": len(files), "import_s": import_s, "derive_s": best, "peak_mb": peak_mb()}


def run_naive(corpus: Path, rounds: int) -> dict[str, float]:
    """Open, exif_transpose, thumbnail to 2048 then 800, save both: two threads, like ours."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image, ImageOps

    files = corpus_files(corpus, "jpeg")

    def one(path: Path, out: Path) -> None:
        with Image.open(path) as im:
            upright = ImageOps.exif_transpose(im)
            upright.thumbnail((2048, 2048))
            upright.save(out / f"{path.stem}-p.jpg", quality=88)
            upright.thumbnail((800, 800))
            upright.save(out / f"{path.stem}-t.jpg", quality=85)

    times = []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        for _ in range(rounds):
            t0 = time.perf_counter()
            list(pool.map(lambda p: one(p, Path(tmp)), files))
            times.append(time.perf_counter() - t0)
    return {"images": len(files), "derive_s": min(times), "peak_mb": peak_mb()}


def phase(args: argparse.Namespace) -> None:
    name = args.phase
    result = (
        run_naive(args.corpus, args.rounds)
        if name == "naive"
        else run_real(args.corpus, name, args.rounds)
    )
    print(json.dumps(result))


def in_fresh_interpreter(corpus: Path, name: str, rounds: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, str(corpus), "--rounds", str(rounds), "--phase", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path, nargs="?", default=Path(".bench/corpus"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args)
        return
    from corpus import main as make_corpus

    make_corpus([str(args.corpus), "--jpegs", "12", "--raws", "6"])
    for p in args.corpus.iterdir():  # warm the page cache, as a card reader's copy would
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass
    print(
        f"PhotoJobs import benchmark, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
        "preview 2048 px, thumbnail 800 px"
    )
    print(f"{'phase':34} {'images':>6} {'img/s':>7} {'ms/img':>7} {'peak MB':>8}")

    def row(label: str, n: int, seconds: float, peak: float) -> None:
        print(f"{label:34} {n:6d} {n / seconds:7.1f} {seconds * 1000 / n:7.1f} {peak:8.0f}")

    for kind in ("jpeg", "raw"):
        r = in_fresh_interpreter(args.corpus, kind, args.rounds)
        row(f"{kind.upper()} import (copy+meta+derivs)", r["images"], r["import_s"], r["peak_mb"])
        row(f"{kind.upper()} derivative step alone", r["images"], r["derive_s"], r["peak_mb"])
    r = in_fresh_interpreter(args.corpus, "naive", args.rounds)
    row("JPEG naive Pillow (2 threads)", r["images"], r["derive_s"], r["peak_mb"])
    print("targets on 2 cores: JPEG derivatives >= 18 img/s, RAW >= 11 img/s, peak < 400 MB")


if __name__ == "__main__":
    main()
