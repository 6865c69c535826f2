"""The `photojobs` desktop entry point."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from photojobs import APP_NAME, __version__
from photojobs.core.config import ConfigError
from photojobs.core.db import DatabaseError
from photojobs.core.library import LibraryError, open_library


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="photojobs")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--config", metavar="PATH")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_known_args(argv)[0]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    try:
        lib = open_library(args.library, args.config)
    except (ConfigError, DatabaseError, LibraryError, OSError) as e:
        QMessageBox.critical(None, APP_NAME, f"PhotoJobs cannot start:\n\n{e}")
        return 1
    window = QMainWindow()
    window.setWindowTitle(f"{APP_NAME} — {lib.root}")
    window.setCentralWidget(QLabel(f"{len(lib.list_projects())} projects in {lib.root}"))
    window.resize(1100, 700)
    window.show()
    try:
        return app.exec()
    finally:
        lib.close()


if __name__ == "__main__":
    sys.exit(main())
