"""Deleted projects… lists the library trash; a project comes back whole from it, or is
deleted for ever only when the photographer confirms."""

from __future__ import annotations

from photojobs.core.library import Library, ProjectInfo
from photojobs.ui.deleted_projects import DeletedProjectsDialog
from photojobs.ui.main_window import MainWindow
from tests.ui.conftest import run_jobs


def rows(dialog: DeletedProjectsDialog) -> list[str]:
    return [dialog.list.item(r).text().split("\n")[0] for r in range(dialog.list.count())]


def test_a_deleted_project_is_restored_from_the_projects_panel(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    panel = culling_window.projects
    files = sorted(p.name for p in shoot_project.path.iterdir())
    culling_window.session.delete_project(shoot_project.id)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)

    panel.deleted_action.trigger()
    dialog = panel.deleted_dialog
    assert dialog is not None and dialog.isVisible()
    assert rows(dialog) == ["Shoot"] and not dialog.restore_button.isEnabled()
    dialog.select(shoot_project.id)
    with qtbot.waitSignal(dialog.restored):
        dialog.restore_button.click()

    assert rows(dialog) == [] and "back in the projects list" in dialog.message.text()
    assert [p.id for p in panel.model.projects] == [shoot_project.id]
    assert panel.current() is not None and panel.current().id == shoot_project.id
    assert sorted(p.name for p in shoot_project.path.iterdir()) == files
    qtbot.waitUntil(lambda: culling_window.grid.model.rowCount() == 4)
    dialog.close()


def test_deleting_for_ever_is_a_confirmed_background_task(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    target = library.delete_project(shoot_project.id)
    assert target is not None
    dialog = DeletedProjectsDialog(culling_window.session, culling_window)
    qtbot.addWidget(dialog)
    dialog.select(shoot_project.id)

    dialog.purge(confirmed=True)

    assert rows(dialog) == [] and "Deleting" in dialog.message.text()
    assert target.is_dir(), "the task has not run yet"
    run_jobs(library)
    assert not target.exists()
    dialog.reload()
    assert rows(dialog) == [] and dialog.list.count() == 0


def test_deleting_a_project_shows_its_waiting_jobs_canceled_in_the_dock(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    """The worker loop is not started: the task waits, as it would behind a busy queue."""
    from photojobs.ui.processes.roles import Column, StatusRole

    model = culling_window.processes.model
    loop = culling_window.session.loop
    task = loop.start_task("generate_derivatives", project_id=shoot_project.id)
    qtbot.waitUntil(lambda: model.task_index(task, Column.STATUS).data(StatusRole) == "queued")

    culling_window.session.delete_project(shoot_project.id)

    qtbot.waitUntil(lambda: model.task_index(task, Column.STATUS).data(StatusRole) == "canceled")
