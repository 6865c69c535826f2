"""Where the CLI's diagnostics go: tracebacks and library noise to a log file, one plain
line at most to the person at the terminal.

stderr shows warnings meant for people (an unknown config key, recovered jobs), one line
each, never a traceback; errors are said once, by the command's own last line. The log
file (`<library>/.photojobs/logs/photojobs-cli.log`, or the platform's log folder when
there is no library yet) gets everything, with tracebacks. Python warnings (Pillow's) go
there too, and so does whatever C libraries (LibRaw, Qt) print on file descriptor 2.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import platformdirs

from photojobs import APP_NAME
from photojobs.core.paths import DATA_DIR

LOG_NAME = "photojobs-cli.log"


class _ForPeople(logging.Filter):
    """Our own warnings, without tracebacks: errors are reported by the command itself."""

    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("photojobs") or record.exc_info:
            return False
        if record.levelno >= logging.ERROR:
            return False
        return record.levelno >= (logging.INFO if self.verbose else logging.WARNING)


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage().replace("\n", " ")
        return f"photojobs-cli: {record.levelname.lower()}: {text}"


def log_folder(library: str | None) -> Path:
    """The library's own log folder when it exists, else the platform's."""
    root = Path(library or os.environ.get("PHOTOJOBS_LIBRARY") or "").expanduser()
    if library or os.environ.get("PHOTOJOBS_LIBRARY"):
        data = root / DATA_DIR
        if data.is_dir():
            return data / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup(library: str | None, verbose: bool, own_stderr: bool) -> Path | None:
    """Configure logging; returns the log file (None when it cannot be written). With
    `own_stderr` (a real run, not a test calling `main`), descriptor 2 goes to the log
    and `sys.stderr` keeps the terminal."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    logging.captureWarnings(True)
    path: Path | None = log_folder(library) / LOG_NAME
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path = None
    else:
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(file_handler)
        if own_stderr:
            _native_stderr_to(path)
    people = logging.StreamHandler(sys.stderr)
    people.addFilter(_ForPeople(verbose))
    people.setFormatter(_OneLine())
    root.addHandler(people)
    return path


def _native_stderr_to(path: Path) -> None:
    """C code writes to descriptor 2 directly: point it at the log, keep a copy for us."""
    try:
        sys.stderr.flush()
        mine = os.dup(2)
        log_fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return
    os.dup2(log_fd, 2)
    os.close(log_fd)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr = open(  # noqa: SIM115 - lives as long as the process
        mine, "w", encoding=encoding, errors="backslashreplace", buffering=1
    )
