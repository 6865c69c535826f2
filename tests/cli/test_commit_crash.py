"""The crash test: a commit of 200 photos, its worker process killed with SIGKILL at many
different moments. After each kill no original is lost or doubled; a restart finishes the
commit with the database agreeing with the disk; restoring the commit brings every file
back byte-identical.

Each moment runs on a fresh copy of one template library in which `photojobs-cli commit`
has queued the commit. The DNGs of a copy are hard links to the template's (each with
bytes of its own, so a mix-up still shows): copying 130 MB of RAWs for every moment would
cost more than the rest of the test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from photojobs.core.config import load_config
from photojobs.core.crash_points import CRASH_ENV
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project, set_keep

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
PHOTOS = 200
PROJECT = "Crash"
DECISIONS = (KeepDecision.RAW_ONLY, KeepDecision.JPG_ONLY, KeepDecision.NONE)
DEADLINE = 60.0  # seconds any one wait may take before the test fails instead of hanging

# (what to wait for, how much): files in .trash, seconds, a finished job, thumbnails made,
# or a named moment at which the worker kills itself (PHOTOJOBS_CRASH_AT). The commit
# journals its first 128 photos in one batch (about 170 files here), then the 72 left in a
# second (trash.journal_batches), so 200 photos make two batches:
# a batch journaled with nothing moved, killed after the first move, mid second batch,
# after a batch was confirmed but before its items, and after the last batch.
MOMENTS = [
    ("crash", "trash:journaled"),
    ("crash", "trash:moved:1"),
    ("crash", "trash:confirmed"),
    ("crash", "trash:journaled:2"),
    ("crash", "trash:moved:200"),
    ("crash", "trash:confirmed:2"),
    ("seconds", 0.2),
    ("trash", 0),
    *(("trash", k) for k in (1, 10, 25, 45, 65, 85, 105, 125, 145, 165, 185, 205, 225, 245, 262)),
    ("completed", "file_removal"),
    ("completed", "manifest_check"),
    ("thumbs", 5),
    ("thumbs", 40),
]


def blake(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


def base_of(name: str) -> str:
    stem = name.removesuffix(".xmp")
    return stem.rpartition(".")[0]


class Cli:
    def __init__(self, tmp_path: Path, library: Path, config: Path):
        self.base = [sys.executable, "-m", "photojobs.cli.main", "--library", str(library)]
        self.base += ["--config", str(config)]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PHOTOJOBS_")}
        self.env |= {
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "HOME": str(tmp_path / "home"),
            "QT_QPA_PLATFORM": "offscreen",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True, timeout=DEADLINE
        )

    def ok(self, *args: str) -> Any:
        proc = self.run(*args, "--json")
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def start(self, *args: str, crash_at: str | None = None) -> subprocess.Popen[bytes]:
        env = self.env | ({CRASH_ENV: crash_at} if crash_at else {})
        return subprocess.Popen(
            [*self.base, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )


class Db:
    """Reads the library database with plain sqlite3, while the worker may be writing."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        conn = sqlite3.connect(self.path, timeout=DEADLINE)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()


@dataclass(frozen=True)
class Template:
    library: Path
    config: Path
    originals: dict[str, str]  # name -> blake2 of every original
    decisions: dict[str, KeepDecision]
    task_id: str  # the queued commit

    def expected_after_commit(self) -> dict[str, list[str]]:
        """base -> the files a finished commit leaves; photos with nothing left are absent."""
        kept: dict[str, list[str]] = {}
        for name in self.originals:
            base = base_of(name)
            decision = self.decisions[base]
            is_jpg = name.endswith(".JPG")
            if (decision is KeepDecision.JPG_ONLY and is_jpg) or (
                decision is KeepDecision.RAW_ONLY and not is_jpg
            ):
                kept.setdefault(base, []).append(name)
        return {b: sorted(n) for b, n in kept.items()}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """200 pairs P000.JPG + P000.DNG (every fifth with a P000.DNG.xmp), a third each kept
    RAW only, kept JPG only and discarded; every file with bytes of its own."""
    root = tmp_path_factory.mktemp("crash-template")
    config = root / "config.json"
    config.write_text(
        json.dumps(
            {
                "processing": {"thumbnail": {"max_dim": 48}, "preview": {"max_dim": 64}},
                "pipeline": {"poll_ms": 100},
            }
        )
    )
    lib = Library.open(root / "library", load_config(config))
    project = lib.create_project(PROJECT)
    jpgs = [(DATA / f"IMG_000{n}.JPG").read_bytes() for n in range(1, 9)]
    raws = [(DATA / f"RAWFULL_000{n}.DNG").read_bytes() for n in (1, 2)]
    decisions = {}
    for i in range(PHOTOS):
        base = f"P{i:03d}"
        # Bytes after the JPEG's end marker and after the DNG's last IFD are ignored by readers.
        (project.path / f"{base}.JPG").write_bytes(jpgs[i % 8] + base.encode())
        (project.path / f"{base}.DNG").write_bytes(raws[i % 2] + base.encode())
        if i % 5 == 0:
            (project.path / f"{base}.DNG.xmp").write_text(f"<x:xmpmeta about='{base}'/>")
        decisions[base] = DECISIONS[i % 3]
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
        for decision in DECISIONS:
            bases = [b for b, d in decisions.items() if d is decision]
            assert set_keep(s, project.id, bases, decision) == []
    lib.close()
    originals = {p.name: blake(p) for p in sorted(project.path.iterdir()) if p.name[0] != "."}
    started = Cli(root, root / "library", config).ok("commit", PROJECT)
    assert (started["pending"], started["pending_jpg"], started["pending_raw"]) == (200, 133, 133)
    assert sorted(p.name for p in project.path.iterdir() if p.name[0] != ".") == sorted(originals)
    return Template(root / "library", config, originals, decisions, started["task_id"])


def count(folder: Path) -> int:
    try:
        return len(os.listdir(folder))
    except FileNotFoundError:
        return -1


def reached(kind: str, value: Any, project: Path, db: Db) -> Callable[[], bool]:
    if kind == "trash":
        return lambda: count(project / ".trash") >= value
    if kind == "thumbs":
        return lambda: count(project / ".thumb") >= value
    if kind == "completed":
        sql = "SELECT 1 FROM jobs WHERE type = ? AND status = 'completed'"
        return lambda: bool(db.rows(sql, value))
    start = time.monotonic()
    return lambda: time.monotonic() - start >= value


def kill_when(proc: subprocess.Popen[bytes], moment: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not moment():
        assert proc.poll() is None, f"the worker ended before the moment: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=DEADLINE)
    assert proc.returncode == -signal.SIGKILL, "killed mid-way, not finished on its own"


def where_is_each_original(
    template: Template, project: Path, db: Db, statuses: tuple[str, ...]
) -> dict[str, Path]:
    """Each original's one location: its place, or .trash with an entry of these statuses.
    Fails on a file lost, a file in two places, or a file in .trash nobody recorded."""
    entries = db.rows("SELECT * FROM trash_entries")
    trash = project / ".trash"
    in_trash = set(os.listdir(trash)) if trash.exists() else set()
    assert in_trash <= {e["trash_name"] for e in entries}, "a file in .trash without an entry"
    journaled: dict[str, list[Path]] = {}
    for e in entries:
        if e["trash_name"] in in_trash:
            assert e["status"] in statuses, e
            journaled.setdefault(e["original_name"], []).append(trash / e["trash_name"])
    found = {}
    for name in template.originals:
        places = journaled.get(name, []) + [p for p in [project / name] if p.exists()]
        assert len(places) == 1, f"{name}: {places if places else 'lost'}"
        found[name] = places[0]
    extra = {p.name for p in project.iterdir() if p.name[0] != "."} - set(template.originals)
    assert not extra, f"files that were not there before: {extra}"
    return found


def on_disk(project: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in sorted(project.iterdir()):
        if p.is_file() and p.name[0] != ".":
            found.setdefault(base_of(p.name), []).append(p.name)
    return found


def in_database(db: Db) -> dict[str, dict[str, Any]]:
    return {
        r["base"]: r | {"files": sorted(json.loads(r["files_json"]))}
        for r in db.rows("SELECT * FROM photos")
    }


@pytest.mark.parametrize(("kind", "value"), MOMENTS, ids=[f"{k}-{v}" for k, v in MOMENTS])
def test_a_commit_killed_at_any_moment_loses_nothing(
    template: Template, tmp_path: Path, kind: str, value: Any
) -> None:
    library = tmp_path / "library"
    shutil.copytree(
        template.library,
        library,
        copy_function=lambda s, d: os.link(s, d) if s.endswith(".DNG") else shutil.copy2(s, d),
    )
    project, db = library / PROJECT, Db(library / ".photojobs" / "library.db")
    cli = Cli(tmp_path, library, template.config)

    if kind == "crash":
        worker = cli.start("run", "--until-idle", crash_at=value)
        assert worker.wait(timeout=DEADLINE) == -signal.SIGKILL, worker.stderr.read()  # type: ignore[union-attr]
    else:
        kill_when(cli.start("run", "--until-idle"), reached(kind, value, project, db))
    where_is_each_original(template, project, db, ("pending", "confirmed"))
    if (kind == "trash" and value <= 205) or kind == "crash":
        (removal,) = db.rows("SELECT status FROM jobs WHERE type = 'file_removal'")
        assert removal["status"] == "running", "killed in the middle of moving files"

    restart = cli.run("run", "--until-idle")
    assert restart.returncode == 0, restart.stderr
    found = where_is_each_original(template, project, db, ("confirmed",))
    for name, path in found.items():
        assert path.stat().st_size == (template.library / PROJECT / name).stat().st_size
    assert db.rows("SELECT * FROM trash_entries WHERE status != 'confirmed'") == []
    assert {j["status"] for j in db.rows("SELECT status FROM jobs")} == {"completed"}
    expected = template.expected_after_commit()
    assert on_disk(project) == expected
    photos = in_database(db)
    assert {b: r["files"] for b, r in photos.items()} == expected, "the database is the disk"
    for base, row in photos.items():
        assert (row["jpg_available"], row["raw_available"]) == (
            any(n.endswith(".JPG") for n in row["files"]),
            any(n.endswith(".DNG") for n in row["files"]),
        ), base
        pending = (row["jpg_available"] and not row["keep_jpg"]) or (
            row["raw_available"] and not row["keep_raw"]
        )
        assert not pending, base

    restored = cli.ok("restore", PROJECT, "--task", template.task_id, "--wait")

    assert restored["status"] == "completed"
    assert {p.name: blake(p) for p in project.iterdir() if p.is_file() and p.name[0] != "."} == (
        template.originals
    )
    assert os.listdir(project / ".trash") == []
    assert {e["status"] for e in db.rows("SELECT status FROM trash_entries")} == {"restored"}
    photos = in_database(db)
    assert {b: r["files"] for b, r in photos.items()} == on_disk(project)
    assert len(photos) == PHOTOS
    assert all(r["keep_jpg"] and r["keep_raw"] for r in photos.values())
