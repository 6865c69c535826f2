"""Opening the library for the window: a damaged database is said at once, with the offer
to rebuild it from the project folders; a busy or full one is one plain sentence."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from photojobs import APP_NAME
from photojobs.core.config import Config
from photojobs.core.library import Library
from photojobs.core.rebuild import rebuild_database
from photojobs.core.storage_errors import DAMAGED, describe, storage_problem


def open_checked(root: Path, config: Config) -> Library | None:
    """The open library, or None when the person chose not to go on. The quick check
    reads every page once: affordable at the window's start, not at every CLI command."""
    try:
        library = Library.open(root, config)
        damage = library.db.damage()
    except Exception as e:
        if storage_problem(e) != DAMAGED:
            said = describe(e)
            if said is None:
                raise
            QMessageBox.critical(None, APP_NAME, f"PhotoJobs cannot start:\n\n{said}")
            return None
        library, damage = None, str(e)
    if damage is None:
        return library
    if library is not None:
        library.close()
    if not _ask_rebuild(root, damage):
        return None
    report = rebuild_database(root, config)
    QMessageBox.information(
        None,
        APP_NAME,
        f"The library was rebuilt from its folders: {report.projects} project(s), "
        f"{report.photos} photo(s).\n\nThe damaged database is kept at {report.kept_at}.",
    )
    return Library.open(root, config)


def _ask_rebuild(root: Path, damage: str) -> bool:
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(APP_NAME)
    box.setText("The library database is damaged. Your photos are safe in their folders.")
    box.setInformativeText(
        "PhotoJobs can rebuild the database from the project folders, keeping every "
        "decision and trash record it can still read; the damaged file is kept in "
        f"{root / '.photojobs' / 'damaged'}. Or quit and copy back a backup from "
        f"{root / '.photojobs' / 'backups'}."
    )
    box.setDetailedText(damage)
    rebuild = box.addButton("Rebuild from the folders", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(rebuild)
    box.exec()
    return box.clickedButton() is rebuild
