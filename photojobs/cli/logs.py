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


class _QuietFile(logging.FileHandler):
    """A log that cannot be written (the disk is full) is given up, never reported on the
    terminal line by line: the command's own last line says what went wrong."""

    def handleError(self, record: logging.LogRecord) -> None:
        del record


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


class CliLogging:
    """Set up for one run of `main`; `close()` puts logging back as it was, for callers
    (tests) that run several commands in one process."""

    def __init__(self, library: str | None, verbose: bool, own_stderr: bool):
        """With `own_stderr` (a real run, not a test calling `main`), descriptor 2 goes to
        the log file and `sys.stderr` keeps the terminal."""
        self.root = logging.getLogger()
        self.level = self.root.level
        self.root.setLevel(logging.INFO)
        logging.captureWarnings(True)
        self.handlers: list[logging.Handler] = []
        self.path: Path | None = log_folder(library) / LOG_NAME
        try:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            to_file = _QuietFile(self.path, encoding="utf-8")
        except OSError:
            self.path = None
        else:
            to_file.setFormatter(
                logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
            )
            self.handlers.append(to_file)
            if own_stderr:
                _native_stderr_to(self.path)
        people = logging.StreamHandler(sys.stderr)
        people.addFilter(_ForPeople(verbose))
        people.setFormatter(_OneLine())
        self.handlers.append(people)
        for handler in self.handlers:
            self.root.addHandler(handler)

    def close(self) -> None:
        for handler in self.handlers:
            self.root.removeHandler(handler)
            handler.close()
        self.root.setLevel(self.level)
        logging.captureWarnings(False)


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
