"""The grid's context menu: "Regenerate thumbnails and previews" for the selected photos."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from photojobs.core.library import Library, ProjectInfo
from photojobs.ui.main_window import MainWindow
from tests.ui.conftest import run_jobs, task_jobs


def select_bases(window: MainWindow, *bases: str) -> None:
    grid = window.grid
    selection = grid.view.selectionModel()
    selection.clearSelection()
    rows = [r for r in range(grid.model.rowCount()) if grid.model.photo(r).base in bases]
    for r in rows:
        selection.select(grid.model.index(r), QItemSelectionModel.SelectionFlag.Select)
    selection.setCurrentIndex(grid.model.index(rows[0]), QItemSelectionModel.SelectionFlag.NoUpdate)


def test_regenerate_makes_the_selected_photos_again_and_no_other(
    culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    thumbs = shoot_project.path / ".thumb"
    assert {p.stem for p in thumbs.iterdir()} == {"IMG_0001", "IMG_0002", "IMG_0003", "RAW_0009"}
    for path in thumbs.iterdir():
        path.write_bytes(b"damaged")
    select_bases(culling_window, "IMG_0001", "RAW_0009")

    menu = culling_window.grid.context_menu()
    (action,) = [a for a in menu.actions() if a.text() == "Regenerate thumbnails and previews"]
    assert action.isEnabled()
    action.trigger()

    (job,) = task_jobs(library, "generate_derivatives")
    _, job_type, payload = job
    assert job_type == "generate_derivatives"
    assert (sorted(payload["bases"]), payload["force"]) == (["IMG_0001", "RAW_0009"], True)
    run_jobs(library)
    remade = {p.stem for p in thumbs.iterdir() if p.read_bytes() != b"damaged"}
    assert remade == {"IMG_0001", "RAW_0009"}


def test_regenerate_is_offered_only_with_a_photo_selected(
    culling_window: MainWindow, library: Library
) -> None:
    grid = culling_window.grid
    grid.view.selectionModel().clear()
    menu = grid.context_menu()
    assert not grid.regenerate_action.isEnabled()
    assert menu.actions() == [grid.regenerate_action]
    grid.regenerate_action.trigger()
    assert task_jobs(library, "generate_derivatives") == []
