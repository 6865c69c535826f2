"""Entry point: parse, open the library, dispatch; exit 0 ok, 1 error, 2 bad usage."""

from __future__ import annotations

import argparse
import logging
import sys

from photojobs import __version__
from photojobs.cli import commit_cmds, import_cmds, jobs_cmds, library_cmds, marks_cmds
from photojobs.cli.output import CliError
from photojobs.core.config import ConfigError
from photojobs.core.db import DatabaseError
from photojobs.core.library import LibraryError, open_library
from photojobs.core.manifest import ManifestError
from photojobs.core.paths import UnsafePathError

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
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        lib = open_library(args.library, args.config)
    except EXPECTED_ERRORS as e:
        print(f"photojobs-cli: {e}", file=sys.stderr)
        return 1
    for name, reason in lib.newly_skipped:  # once: later commands stay quiet about it
        print(f"photojobs-cli: note: folder '{name}' {reason}; skipped", file=sys.stderr)
    try:
        module = next(
            (
                m
                for m in (jobs_cmds, import_cmds, commit_cmds, marks_cmds)
                if args.command in m.COMMANDS
            ),
            library_cmds,
        )
        return module.run(lib, args)
    except EXPECTED_ERRORS as e:
        print(f"photojobs-cli: {e}", file=sys.stderr)
        return 1
    finally:
        lib.close()


if __name__ == "__main__":
    sys.exit(main())
