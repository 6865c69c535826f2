"""The `photojobs` desktop entry point: one instance, the main window, Qt's event loop."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from photojobs import APP_NAME, __version__
from photojobs.core.catalog import DatabaseError
from photojobs.core.config import ConfigError, load_config
from photojobs.core.library import LIBRARY_ENV, LibraryError, default_library_path
from photojobs.resources import app_icon_path
from photojobs.runtime.session import LibrarySession
from photojobs.ui.errors import install_excepthook, log_folder, setup_logging
from photojobs.ui.heap import settle_heap
from photojobs.ui.library_open import open_checked
from photojobs.ui.single_instance import InstanceLock, InstanceServer, hand_over
from photojobs.ui.window_state import show_again


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="photojobs", description="Cull and commit photo shoots.")
    parser.add_argument("--library", metavar="DIR", help="library folder")
    parser.add_argument("--config", metavar="PATH", help="configuration file")
    parser.add_argument("--new-instance", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-scheduler", action="store_true", help=argparse.SUPPRESS)
    # Jobs on the window's own threads, as before the jobs process (for diagnosis).
    parser.add_argument("--jobs-in-window", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--self-test", action="store_true", help="check this installation, exit")
    parser.add_argument("--quit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_known_args(argv)[0]


def choose_library(args: argparse.Namespace) -> Path | None:
    """--library, PHOTOJOBS_LIBRARY, the last one used, or (first run) ask."""
    if args.library is not None and not args.library.strip():
        raise LibraryError("--library: an empty path is not a folder")  # never another one
    if args.library:
        return Path(args.library)
    if os.environ.get(LIBRARY_ENV):
        return Path(os.environ[LIBRARY_ENV])
    settings = QSettings()
    if last := settings.value("library", "", str):
        return Path(last)
    default = default_library_path()
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(f"Welcome to {APP_NAME}")
    box.setText("PhotoJobs keeps your shoots in a library folder, one folder per shoot.")
    box.setInformativeText(
        f"Use {default}?\n\nYou can open another library later with --library or in Settings."
    )
    use = box.addButton("Use this folder", QMessageBox.ButtonRole.AcceptRole)
    other = box.addButton("Choose another…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(use)
    box.exec()
    if box.clickedButton() is other:
        folder = QFileDialog.getExistingDirectory(None, "Choose the library folder")
        return Path(folder) if folder else None
    return default if box.clickedButton() is use else None


def open_session(args: argparse.Namespace) -> LibrarySession | None:
    try:
        config = load_config(args.config)
        root = choose_library(args)
        if root is None:
            return None
        library = open_checked(root, config)
    except (ConfigError, DatabaseError, LibraryError, OSError) as e:
        QMessageBox.critical(None, APP_NAME, f"PhotoJobs cannot start:\n\n{e}")
        return None
    if library is None:
        return None
    QSettings().setValue("library", str(library.root))
    log_file = setup_logging(log_folder(library.data_dir))
    return LibrarySession(library, jobs_process=not args.jobs_in_window, log_file=log_file)


def raise_on_second_launch(server: InstanceServer, window: QWidget) -> None:
    """A second start brings this window to the front as it was left (maximised stays)."""
    server.show_requested.connect(lambda: show_again(window))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from photojobs.selftest import run_self_test

        return run_self_test()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("photojobs")
    with contextlib.suppress(FileNotFoundError):
        app.setWindowIcon(QIcon(str(app_icon_path())))
    lock = None if args.new_instance else InstanceLock()
    if lock is not None and not lock.acquire():
        if not hand_over():
            QMessageBox.information(
                None, APP_NAME, "PhotoJobs is already starting. Its window will open shortly."
            )
        return 0
    from photojobs.ui.main_window import MainWindow
    from photojobs.ui.tray import install_tray

    session = open_session(args)
    if session is None:
        return 1
    install_excepthook(session.log_file)
    window = MainWindow(session)
    window.restore_layout()
    install_tray(window, window.processes, session.loop)  # parented to the window
    server = InstanceServer() if lock is not None else None  # --new-instance: no socket
    if server is not None:
        raise_on_second_launch(server, window)
    session.start(with_scheduler=not args.no_scheduler)
    window.show()
    settle_heap()
    if args.quit_after_first_paint:
        from photojobs.startup_probe import quit_after_first_paint

        quit_after_first_paint(window)
    app.exec()
    session.stop()
    if server is not None:
        server.close()
    session.library.close()
    if lock is not None:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
