"""Entry point: parse, open the library, dispatch; exit 0 ok, 1 error, 2 bad usage.

Whatever goes wrong ends in one line on stderr and exit 1: an expected error says what it
is, a storage failure (full disk, damaged or busy database) says what to do, and anything
else says where the traceback was written.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from photojobs import __version__
from photojobs.cli import commit_cmds, import_cmds, jobs_cmds, library_cmds, logs, marks_cmds
from photojobs.cli.checks import check_args
from photojobs.cli.output import CliError
from photojobs.core.config import ConfigError, load_config
from photojobs.core.db import DatabaseError
from photojobs.core.library import Library, LibraryError, default_library_path, open_library
from photojobs.core.manifest import ManifestError
from photojobs.core.paths import DATA_DIR, UnsafePathError
from photojobs.core.storage_errors import describe

log = logging.getLogger("photojobs.cli")

EXPECTED_ERRORS = (
    CliError,
    ConfigError,
    DatabaseError,
    LibraryError,
    ManifestError,
    UnsafePathError,
    OSError,
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", default=argparse.SUPPRESS, metavar="DIR")
    common.add_argument("--config", default=argparse.SUPPRESS, metavar="PATH")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="photojobs-cli", description=__doc__)
    parser.add_argument("--library", metavar="DIR", help="library folder (or PHOTOJOBS_LIBRARY)")
    parser.add_argument("--config", metavar="PATH", help="configuration file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    library_cmds.add_parsers(sub, common)
    jobs_cmds.add_parsers(sub, common)
    import_cmds.add_parsers(sub, common)
    commit_cmds.add_parsers(sub, common)
    marks_cmds.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`argv` None: a real run, which also sends C libraries' stderr to the log file."""
    for stream in (sys.stdout, sys.stderr):  # a name that is not valid text stays printable
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    logging_ = logs.CliLogging(args.library, args.verbose, own_stderr=argv is None)
    log_path = logging_.path
    lib: Library | None = None
    try:
        check_args(args)
        if args.command == "library" and args.action in library_cmds.WITHOUT_OPENING:
            return library_cmds.run_unopened(_library_root(args), load_config(args.config), args)
        lib = open_library(args.library, args.config)
        for name, reason in lib.newly_skipped:  # once: later commands stay quiet about it
            print(f"photojobs-cli: note: folder '{name}' {reason}; skipped", file=sys.stderr)
        module = next(
            (
                m
                for m in (jobs_cmds, import_cmds, commit_cmds, marks_cmds)
                if args.command in m.COMMANDS
            ),
            library_cmds,
        )
        return module.run(lib, args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        said = describe(e, lib.db.path if lib else _library_root(args) / DATA_DIR / "library.db")
        if said is None and not isinstance(e, EXPECTED_ERRORS):
            log.error("photojobs-cli %s failed", args.command, exc_info=e)
            where = f"; details in {log_path}" if log_path else ""
            said = f"internal error ({type(e).__name__}: {e}){where}"
        else:
            log.info("photojobs-cli %s: %s", args.command, said or e)
        emit_error(said or str(e))
        return 1
    finally:
        if lib is not None:
            lib.close()
        logging_.close()


def emit_error(message: str) -> None:
    """One line on stderr, whatever the error held (a path, a newline, an SQL statement)."""
    line = " ".join(message.split()) or "failed"
    print(f"photojobs-cli: {line}", file=sys.stderr)


def _library_root(args: argparse.Namespace) -> Path:
    return Path(args.library).expanduser() if args.library else default_library_path()


if __name__ == "__main__":
    sys.exit(main())
