"""A full disk, for real: the library lives on a small tmpfs mounted for the test (CI runs
as root). `import --wait` ends promptly with one clear line instead of hanging with its job
`running`; once space is freed the next run finishes the import. An overwrite whose copy
does not fit leaves the photo already there in place."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_kit import Cli

from tests.small_disk import small_disk

DATA = Path(__file__).parents[1] / "data"
MB = 1 << 20


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB filesystem of its own; unmounted afterwards."""
    with small_disk(tmp_path / "disk", 6) as mnt:
        yield mnt


def grow(disk: Path) -> None:
    """Space is freed: the same filesystem, larger."""
    subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)


@pytest.fixture
def cli(tmp_path: Path, disk: Path) -> Cli:
    cli = Cli(tmp_path, {"pipeline": {"poll_ms": 100}, "processing": {"workers": 1}})
    cli.lib = disk / "library"
    return cli


def big_jpeg(source: Path, target: Path, size: int) -> Path:
    """A real JPEG padded after its end marker: readers show it, it weighs `size` bytes."""
    data = source.read_bytes()
    target.write_bytes(data + os.urandom(size - len(data)))
    return target


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


def test_import_wait_on_a_full_disk_ends_promptly_and_the_next_run_finishes(
    cli: Cli, disk: Path, tmp_path: Path
) -> None:
    card = tmp_path / "card"
    card.mkdir()
    for n in range(1, 7):  # about 5.9 MB in all: the copies fill the disk to the last block
        big_jpeg(DATA / f"IMG_000{n}.JPG", card / f"IMG_{n}.JPG", 980_000)
    folder = Path(cli.ok("project", "create", "Trip")["path"])

    started = time.monotonic()
    proc = cli.run("import", "Trip", str(card), "--wait")
    assert time.monotonic() - started < 30, "a full disk must end the command promptly"
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    (line,) = proc.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith("photojobs-cli: ") and "disk holding the library is full" in line
    assert "run --until-idle" in line  # and what to do next
    for n in range(1, 7):  # nothing copied is lost or half there
        name = f"IMG_{n}.JPG"
        assert not (folder / name).exists() or digest(folder / name) == digest(card / name)

    grow(disk)
    again = cli.run("run", "--until-idle", "--timeout", "60")
    assert again.returncode == 0, again.stderr
    (task,) = cli.ok("tasks", "--all")
    assert task["status"] == "completed", task
    for n in range(1, 7):
        assert digest(folder / f"IMG_{n}.JPG") == digest(card / f"IMG_{n}.JPG")
        assert (folder / ".thumb" / f"IMG_{n}.jpg").stat().st_size > 0
    assert [p["thumbnail_status"] for p in cli.ok("photos", "Trip")] == ["generated"] * 6
    assert list((cli.lib / ".photojobs" / "workers").iterdir()) == []


def test_an_overwrite_that_does_not_fit_keeps_the_photo_already_there(
    cli: Cli, disk: Path, tmp_path: Path
) -> None:
    folder = Path(cli.ok("project", "create", "Trip")["path"])
    old = folder / "IMG_1.JPG"
    shutil.copyfile(DATA / "IMG_0003.JPG", old)
    old_digest = digest(old)
    cli.ok("scan", "Trip")
    card = tmp_path / "card"
    card.mkdir()
    new = big_jpeg(DATA / "IMG_0001.JPG", card / "IMG_1.JPG", 3 * MB)
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * (free - MB))  # 1 MB left: the new copy cannot fit

    proc = cli.run("import", "Trip", str(card), "--on-duplicate", "overwrite", "--wait")
    assert old.exists() and digest(old) == old_digest  # still in place, untouched
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "disk holding the library is full" in proc.stdout + proc.stderr
    assert not (folder / ".trash").exists() or list((folder / ".trash").iterdir()) == []
    assert [p.name for p in folder.iterdir() if ".importing-" in p.name] == []

    filler.unlink()
    (job,) = [j for j in cli.ok("jobs", "--all") if j["status"] == "failed"]
    assert job["type"] == "import_files" and "full" in job["error"]
    cli.ok("retry", str(job["id"]))
    again = cli.run("run", "--until-idle", "--timeout", "60")
    assert again.returncode == 0, again.stderr
    assert digest(old) == digest(new)
    (trashed,) = (folder / ".trash").iterdir()
    assert digest(trashed) == old_digest  # the old version is in the trash, restorable
