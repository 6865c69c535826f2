"""How long `photojobs-cli` takes to start and what it imports, per command.

Each command runs RUNS times in a new process against a scratch library (one empty project,
no jobs): the median and the fastest wall time of the installed script, then, from one
`python -X importtime` run, the modules imported, their summed import time and whether the
image libraries (rawpy, numpy, Pillow) came with them. `--before DIR` also runs the
photojobs package found in DIR (a `git archive` of another commit, with this venv's
dependencies), alternating run by run with this checkout so both see the same load:

    git archive main photojobs | tar -x -C /tmp/before
    .venv/bin/python benchmarks/bench_cli_startup.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = Path(sys.executable).with_name("photojobs-cli")
HEAVY = ("rawpy", "numpy", "PIL", "simplejpeg", "exifread")
COMMANDS = (
    ("--help",),
    ("project", "list"),
    ("photos", "Shoot", "--json"),
    ("tasks",),
    ("run", "--until-idle"),
)


def run(args: tuple[str, ...], env: dict[str, str], cwd: Path) -> float:
    """Wall time of the installed script, as a person or a script starts it."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(CLI), *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()}")
    return took


def imports(args: tuple[str, ...], env: dict[str, str], cwd: Path) -> tuple[list[str], float]:
    """Modules imported by the whole command and their summed import time (s), from
    `-X importtime`. main() is given argv, so it keeps stderr (a real run sends it to the
    log file, and the trace with it)."""
    code = "import sys; from photojobs.cli.main import main; main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    names, total_us = [], 0
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            own, _, name = line.removeprefix("import time:").split("|")
            if own.strip().isdigit():  # not the header
                names.append(name.strip())
                total_us += int(own)
    return names, total_us / 1e6


def describe(times: list[float], names: list[str], import_s: float) -> str:
    heavy = ", ".join(h for h in HEAVY if h in names) or "none"
    return (
        f"{statistics.median(times):7.3f} {min(times):7.3f} {len(names):8} {import_s:9.3f}  {heavy}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="also run the photojobs package in DIR")
    opts = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHOTOJOBS_")}
    env |= {"QT_QPA_PLATFORM": "offscreen"}
    envs = {"now": env}
    if opts.before:
        envs = {"before": env | {"PYTHONPATH": str(opts.before.resolve())}, "now": env}
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)  # `-c` puts the working folder first on sys.path: not a checkout
        libs = {name: cwd / f"library-{name}" for name in envs}  # each at its own schema
        for name, e in envs.items():
            e |= {"HOME": str(cwd / "home"), "XDG_CONFIG_HOME": str(cwd / "xdg")}
            run(("--library", str(libs[name]), "project", "create", "Shoot"), e, cwd)
        print(
            f"{opts.runs} runs each; load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores; before = {opts.before or '-'}"
        )
        print(
            f"{'command':22} {'code':6} {'median':>7} {'min':>7} {'modules':>8} {'import s':>9}"
            "  image libraries"
        )
        for command in COMMANDS:
            args = {
                name: command if command == ("--help",) else ("--library", str(lib), *command)
                for name, lib in libs.items()
            }
            times: dict[str, list[float]] = {name: [] for name in envs}
            for name, e in envs.items():
                run(args[name], e, cwd)  # warm the disk cache
            for _ in range(opts.runs):  # alternating: both see the same load
                for name, e in envs.items():
                    times[name].append(run(args[name], e, cwd))
            for name, e in envs.items():
                line = describe(times[name], *imports(args[name], e, cwd))
                print(f"{' '.join(command):22} {name:6} {line}")


if __name__ == "__main__":
    main()
