"""Everything from outside is checked at the entry point: special files, names that are not
valid text, numbers of any size, empty paths. Each ends in one clear line and exit 1 (or a
rejected file with its reason), never a hang, a traceback or another library; library
noise (LibRaw, Pillow) and tracebacks go to the log file, not to the terminal."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from cli_kit import Cli

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    cli.ok("project", "create", "Shoot")
    return cli


def run_raw(cli: Cli, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    """Arguments as bytes where needed: a terminal can hand over any bytes."""
    cmd: list[str | bytes] = [sys.executable, "-m", "photojobs.cli.main"]
    return subprocess.run([*cmd, *args], env=cli.env, capture_output=True, timeout=60)


def one_line(stderr: str | bytes) -> str:
    text = stderr.decode("utf-8", "backslashreplace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("photojobs-cli: "), text
    return lines[0]


def test_an_empty_library_path_is_refused_not_replaced_by_the_default(
    cli: Cli, tmp_path: Path
) -> None:
    proc = cli.run("--library", "", "project", "list", library=False)
    assert proc.returncode == 1
    assert "empty path" in one_line(proc.stderr)
    assert not (tmp_path / "home" / "Pictures").exists()  # no library made elsewhere
    proc = cli.run("import", "Shoot", "")
    assert proc.returncode == 1 and "empty path" in one_line(proc.stderr)


def test_a_config_that_is_a_pipe_is_refused_without_waiting(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    proc = cli.run("--config", str(fifo), "project", "list")
    assert proc.returncode == 1 and "not a regular file" in one_line(proc.stderr)


def test_numbers_of_any_size_are_refused_in_one_line(cli: Cli, tmp_path: Path) -> None:
    proc = cli.run("retry", "9" * 30)
    assert proc.returncode == 1 and "no such job" in one_line(proc.stderr)
    for timeout in ("1e300", "nan", "-1", "inf"):
        proc = cli.run("run", "--timeout", timeout)
        assert proc.returncode == 1 and "--timeout" in one_line(proc.stderr), timeout
    config = tmp_path / "huge.json"
    config.write_text(json.dumps({"pipeline": {"poll_ms": 10**15}}))
    proc = cli.run("--config", str(config), "run", "--until-idle")
    assert proc.returncode == 1 and "pipeline.poll_ms" in one_line(proc.stderr)
    config.write_text('{"pipeline": {"backoff_base_seconds": NaN}}')
    proc = cli.run("--config", str(config), "jobs")
    assert proc.returncode == 1 and "not valid JSON" in one_line(proc.stderr)


def test_names_that_are_not_valid_text_are_refused_in_one_line(cli: Cli, tmp_path: Path) -> None:
    library = str(cli.lib).encode()
    for args in (
        (b"keep", b"Shoot", b"IMG_\xff", b"--none"),
        (b"project", b"create", b"Caf\xe9"),
        (b"photos", b"Shoot\xfe"),
    ):
        proc = run_raw(cli, b"--library", library, *args)
        assert proc.returncode == 1, proc.stderr
        assert "not valid text" in one_line(proc.stderr)


def test_special_files_and_bad_names_in_an_import_are_rejected_with_a_reason(
    cli: Cli, tmp_path: Path
) -> None:
    card = tmp_path / "card"
    card.mkdir()
    shutil.copyfile(DATA / "IMG_0001.JPG", card / "GOOD.JPG")
    os.mkfifo(card / "PIPE.JPG")  # opened, it would wait for a writer for ever
    odd = os.path.join(os.fsencode(card), b"Caf\xe9")  # a folder named in Latin-1
    os.mkdir(odd)
    shutil.copyfile(DATA / "IMG_0002.JPG", os.path.join(odd, b"IN_ODD.JPG"))
    proc = cli.run("import", "Shoot", str(card), "/dev/null", "--wait", "--json")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    reasons = {f["name"]: f["reason"] for f in data["files"] if f["verdict"] == "rejected"}
    assert reasons == {
        "PIPE.JPG": "not a regular file (a pipe)",
        "null": "not a regular file (a device)",
        "IN_ODD.JPG": "the folder name is not valid text (rename it, then import it)",
    }
    assert data["status"] == "completed"
    assert [p["base"] for p in cli.ok("photos", "Shoot")] == ["GOOD"]


def corrupt_exif(source: Path, target: Path) -> None:
    """A JPEG whose first EXIF directory claims far more entries than it holds."""
    data = bytearray(source.read_bytes())
    tiff = data.find(b"Exif\x00\x00") + 6
    order = "<" if data[tiff : tiff + 2] == b"II" else ">"
    ifd = struct.unpack(order + "I", data[tiff + 4 : tiff + 8])[0]
    data[tiff + ifd : tiff + ifd + 2] = struct.pack(order + "H", 0x7FFF)
    target.write_bytes(bytes(data))


def test_library_noise_and_tracebacks_go_to_the_log_not_the_terminal(
    cli: Cli, tmp_path: Path
) -> None:
    card = tmp_path / "card"
    card.mkdir()
    raw = (DATA / "RAWFULL_0001.DNG").read_bytes()
    (card / "CUT.DNG").write_bytes(raw[: len(raw) // 2])  # LibRaw: "Unexpected end of file"
    corrupt_exif(DATA / "IMG_0003.JPG", card / "EXIF.JPG")  # Pillow: "Corrupt EXIF data"
    shutil.copyfile(DATA / "IMG_0001.JPG", card / "GOOD.JPG")
    proc = cli.run("import", "Shoot", str(card), "--wait")
    assert proc.stderr == "", proc.stderr
    no_thumbnail = [line for line in proc.stdout.splitlines() if line.startswith("no thumbnail")]
    assert len(no_thumbnail) == 1 and "CUT" in no_thumbnail[0]  # once, not per size
    log = (cli.lib / ".photojobs" / "logs" / "photojobs-cli.log").read_text("utf-8")
    assert "Corrupt EXIF data" in log and "Unexpected end of file" in log
