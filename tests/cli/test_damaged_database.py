"""A damaged library.db (a page overwritten in the middle) is said in one line with what to
do; `library rebuild` makes a new one from the folders, keeping every row still readable
(decisions, the trash journal). A database write-locked by another program beyond the
busy timeout is "the library is busy", for read-only commands too."""

from __future__ import annotations

import shutil
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_kit import Cli

DATA = Path(__file__).parents[1] / "data"
PHOTOS = 300  # enough rows that the photos table spans many pages


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path, {"pipeline": {"poll_ms": 100}})
    folder = Path(cli.ok("project", "create", "Shoot")["path"])
    for n in range(1, PHOTOS + 1):
        shutil.copyfile(DATA / f"IMG_000{n % 8 + 1}.JPG", folder / f"IMG_{n}.JPG")
    cli.ok("scan", "Shoot")
    return cli


def db_path(cli: Cli) -> Path:
    return cli.lib / ".photojobs" / "library.db"


def overwrite_a_middle_page(path: Path, table: str) -> None:
    """Garbage over one leaf page of `table`, in the middle of the file, as a disk does."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = path.read_bytes()
    page = data[(root - 1) * size : root * size]
    assert page[0] == 0x05, "an interior page: the table spans several pages"
    cells = struct.unpack(">H", page[3:5])[0]
    offsets = [struct.unpack(">H", page[12 + 2 * i : 14 + 2 * i])[0] for i in range(cells)]
    children = [struct.unpack(">I", page[o : o + 4])[0] for o in offsets]
    victim = children[len(children) // 2]
    with open(path, "r+b") as f:
        f.seek((victim - 1) * size)
        f.write(b"\xde\xad\xbe\xef" * (size // 4))


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("photojobs-cli: "), proc.stderr
    return lines[0]


def test_a_damaged_database_is_said_plainly_and_rebuilt_from_the_folders(cli: Cli) -> None:
    ids = {p["base"]: p["id"] for p in cli.ok("photos", "Shoot")}
    cli.ok("keep", "Shoot", "IMG_299", "IMG_300", "--none")
    assert cli.run("commit", "Shoot", "--wait").returncode == 0  # two files in the trash
    decided = min(ids, key=ids.__getitem__)  # the first row: on the first page, not harmed
    cli.ok("keep", "Shoot", decided, "--none")
    overwrite_a_middle_page(db_path(cli), "photos")

    for command in (("photos", "Shoot"), ("project", "list")):
        line = one_line_error(cli.run(*command))
        assert "library database is damaged" in line
        assert "library rebuild" in line and ".photojobs/backups" in line
    assert "damaged" in one_line_error(cli.run("library", "check"))

    rebuilt = cli.run("library", "rebuild")
    assert rebuilt.returncode == 0, (rebuilt.stdout, rebuilt.stderr)
    assert "Traceback" not in rebuilt.stderr
    (kept,) = (cli.lib / ".photojobs" / "damaged").glob("library-*.db")
    assert kept.stat().st_size > 0  # the damaged file is kept, not deleted
    assert cli.ok("library", "check")["ok"] is True
    photos = {p["base"]: p for p in cli.ok("photos", "Shoot")}
    on_disk = {p.stem for p in (cli.lib / "Shoot").glob("*.JPG")}
    assert set(photos) == on_disk and len(on_disk) == PHOTOS - 2  # every photo is back
    assert photos[decided]["pending"] is True  # a decision read from a sound page
    trash = {e["original_name"] for e in cli.ok("trash", "Shoot")}
    assert trash == {"IMG_299.JPG", "IMG_300.JPG"}  # the journal survived
    restored = cli.run("restore", "Shoot", "--file", "IMG_299.JPG", "--wait")
    assert restored.returncode == 0, (restored.stdout, restored.stderr)
    assert (cli.lib / "Shoot" / "IMG_299.JPG").exists()


def test_a_database_locked_by_another_program_is_busy_in_one_line(cli: Cli) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "c.execute('UPDATE projects SET name = name')\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n",
            str(db_path(cli)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        # Read-only and writing commands side by side: each waits out the busy timeout once.
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "photojobs.cli.main",
                    "--library",
                    str(cli.lib),
                    *command,
                ],
                env=cli.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in (
                ("project", "list"),
                ("photos", "Shoot"),
                ("keep", "Shoot", "IMG_1", "--none"),
            )
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=90)
            line = one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
            assert "the library is busy" in line
        assert time.monotonic() - started < 80
    finally:
        holder.kill()
        holder.wait()
