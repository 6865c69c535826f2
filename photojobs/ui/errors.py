"""Uncaught exceptions: logged, shown in a dialog with the details, and survived."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("photojobs")


def log_folder(data_dir: Path) -> Path:
    """Where the log of a library's sessions is written (`<library>/.photojobs/logs`)."""
    return data_dir / "logs"


def setup_logging(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "photojobs.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)  # Pillow's warnings belong in the log, not on a terminal
    return path


def install_excepthook(log_path: Path | None) -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        log.error("uncaught exception\n%s", details)
        if QApplication.instance() is None:
            return
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("PhotoJobs: something went wrong")
        box.setText(f"{kind.__name__}: {value}")
        where = f" The details are also in {log_path}." if log_path else ""
        box.setInformativeText("PhotoJobs keeps running and your photos are safe." + where)
        box.setDetailedText(details)
        box.exec()

    sys.excepthook = hook
