"""The main window: projects on the left, grid or viewer in the centre, commit bar, docks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photojobs import APP_NAME
from photojobs.core.jobs.events import JobEvent, PhotosChanged, TaskEvent
from photojobs.core.jobs.model import JobStatus
from photojobs.core.library import ProjectInfo
from photojobs.core.photos import KeepDecision
from photojobs.runtime.session import LibrarySession
from photojobs.ui.background import Background
from photojobs.ui.commit_bar import CommitBar
from photojobs.ui.commit_flow import CommitFlow
from photojobs.ui.culling import DECISIONS, SHORTCUTS, make_action
from photojobs.ui.decisions import Decisions
from photojobs.ui.empty_state import EmptyState
from photojobs.ui.grid.panel import GridPanel
from photojobs.ui.import_dialog import Importer
from photojobs.ui.marks_actions import MarkActions
from photojobs.ui.processes import install_processes
from photojobs.ui.projects_panel import ProjectsPanel
from photojobs.ui.settings_dialog import SettingsDialog
from photojobs.ui.shortcuts_overlay import ShortcutsOverlay
from photojobs.ui.tags_panel import TagsPanel
from photojobs.ui.toasts import ToastStack
from photojobs.ui.trash_dialog import TrashDialog
from photojobs.ui.viewer import ViewerPanel
from photojobs.ui.window_actions import escape, install_window_actions
from photojobs.ui.window_import import WindowImport
from photojobs.ui.window_state import first_run_layout


class MainWindow(QMainWindow):
    PROJECTS_WIDTH = 240
    config_changed = Signal(object)  # the saved Config: what shows and notifies follows it now

    def __init__(self, session: LibrarySession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.config = session.library.config
        self.project: ProjectInfo | None = None
        self.setWindowTitle(f"{APP_NAME} — {session.library.root}")
        self.setObjectName("mainWindow")
        self.projects = ProjectsPanel(session, self)
        self.grid = GridPanel(session.library.db, int(self.config.get("ui.thumbnail_size")), self)
        self.viewer = ViewerPanel(session.library.db, self.grid.model, self)
        self.importer = Importer(session, self)
        self.imports = WindowImport(self)  # File ▸ Import, and files dropped on the window
        self.empty = EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.viewer)
        self.commit_bar = CommitBar(self)
        self.commit_flow = CommitFlow(self, self.commit_bar)
        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.stack, 1)
        column.addWidget(self.commit_bar)
        self.tags = TagsPanel(session.library.db, self)
        self.left = QSplitter(Qt.Orientation.Vertical, self)  # projects above their tags
        self.left.addWidget(self.projects)
        self.left.addWidget(self.tags)
        self.left.setStretchFactor(0, 2)
        self.left.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.PROJECTS_WIDTH, 960])
        self.setCentralWidget(self.splitter)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(40)  # batches bursts of job events; keys feel instant
        self._pending_timer.timeout.connect(self._refresh_after_change)
        self._changed_ids: set[int] = set()
        # Counts in the status bar and the projects list need not follow every event.
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(300)
        self._status_timer.timeout.connect(self._update_status)
        self._projects_timer = QTimer(self)
        self._projects_timer.setSingleShot(True)
        self._projects_timer.setInterval(1000)
        self._projects_timer.timeout.connect(self.projects.refresh_counts)
        self._build_actions()
        self._connect()
        self.processes = install_processes(self, session)  # dock, toasts on task ends
        install_window_actions(self)  # Home/End in the viewer, F11, Help → About
        self.projects.refresh(select=QSettings().value("last_project", None, str))
        self._update_running()

    # -- wiring -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        keys = dict(self.config.get("keyboard_shortcuts"))
        self.decisions = Decisions(self, keys)
        self.marks = MarkActions(self, keys)  # ratings, flags, labels, tags; auto-advance
        slots = {
            "keep_jpg_only": lambda: self.decide(KeepDecision.JPG_ONLY),
            "keep_raw_and_jpg": lambda: self.decide(KeepDecision.BOTH),
            "keep_raw_only": lambda: self.decide(KeepDecision.RAW_ONLY),
            "discard": lambda: self.decide(KeepDecision.NONE),
            "open_viewer": self.open_viewer,
            "close_viewer": lambda: escape(self),  # or out of full screen
            "next_photo": lambda: self.step(1),
            "previous_photo": lambda: self.step(-1),
            "toggle_info": lambda: self._viewer_call("toggle_info"),
            "zoom_in": lambda: self._viewer_call("zoom_in"),
            "zoom_out": lambda: self._viewer_call("zoom_out"),
            "zoom_fit": lambda: self._viewer_call("zoom_fit"),
            "zoom_100": lambda: self._viewer_call("zoom_100"),
            "commit": self.commit,
            "revert": self.revert,
            "undo": self.decisions.undo,
            "redo": self.decisions.redo,
            "import_photos": self.imports.import_files,
            "show_shortcuts": self.show_shortcuts,
        }
        self.actions_by_name: dict[str, QAction] = {
            "undo": self.decisions.undo_action,
            "redo": self.decisions.redo_action,
            **self.marks.actions,
        }
        for s in SHORTCUTS:
            if s.name not in self.actions_by_name:
                self.actions_by_name[s.name] = make_action(self, s, keys, slots[s.name])
        # arrows belong to the grid's own navigation; in the viewer they step
        for name in ("next_photo", "previous_photo", "open_viewer"):
            self.actions_by_name[name].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.projects.new_action)
        file_menu.addAction(self.actions_by_name["import_photos"])
        self.import_folder_action = file_menu.addAction(
            "Import folder…", self.imports.import_folder
        )
        self.trash_action = file_menu.addAction("Trash…", self.show_trash)
        file_menu.addAction(self.projects.deleted_action)
        file_menu.addSeparator()
        self.settings_action = file_menu.addAction("Settings…", self.show_settings)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.decisions.undo_action)
        edit.addAction(self.decisions.redo_action)
        cull = menu.addMenu("&Cull")
        for name in ("keep_jpg_only", "keep_raw_and_jpg", "keep_raw_only", "discard"):
            cull.addAction(self.actions_by_name[name])
        cull.addSeparator()
        self.marks.fill_menu(cull)
        cull.addSeparator()
        self.actions_by_name["revert"].setText("Revert all decisions…")
        cull.addAction(self.actions_by_name["revert"])
        cull.addAction(self.actions_by_name["commit"])
        view = menu.addMenu("&View")
        for name in ("open_viewer", "close_viewer", "toggle_info", "zoom_fit", "zoom_100"):
            view.addAction(self.actions_by_name[name])
        self.view_menu = view
        self.help_menu = menu.addMenu("&Help")  # kept: PySide6 6.10.0 frees QAction.menu()'s
        self.help_menu.addAction(self.actions_by_name["show_shortcuts"])

    def _connect(self) -> None:
        self.projects.project_selected.connect(self.show_project)
        self.tags.tag_clicked.connect(self.grid.marks_bar.set_tag)
        self.tags.tag_requested.connect(
            lambda add, remove: self.marks.tag(add, remove) and self.tags.field.clear()
        )
        self.grid.marks_bar.changed.connect(lambda f: f.tag is None and self.tags.filter_cleared())
        self.grid.photo_activated.connect(lambda _row: self.open_viewer())
        self.viewer.decision_requested.connect(self.decide)
        self.viewer.step_requested.connect(self.step)
        self.viewer.close_requested.connect(self.close_viewer)
        self.viewer.row_changed.connect(self.grid.select_row)
        self.grid.model.settled.connect(self._show_centre)
        self.grid.regenerate_requested.connect(
            lambda bases: self.project and self.session.make_derivatives(self.project, bases, True)
        )
        for name in ("next_photo", "previous_photo"):  # the arrows step while the photo has focus
            self.viewer.canvas.addAction(self.actions_by_name[name])
        native = QKeySequence.SequenceFormat.NativeText
        self.viewer.show_key_hints(
            {d: self.actions_by_name[n].shortcut().toString(native) for n, d in DECISIONS.items()}
        )
        self.importer.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.commit_bar.revert_clicked.connect(self.revert)
        signals = self.session.signals
        signals.photos_changed.connect(self._photos_changed)
        signals.task_changed.connect(self._task_changed)
        signals.job_changed.connect(self._job_changed)
        self.session.loop.paused_changed.connect(lambda _paused: self._update_running())
        self.session.loop.stalled.connect(
            lambda why: self.toast(f"Jobs paused: {why}. Resume them once that is fixed.", "error")
        )
        self.session.projects_changed.connect(self.projects.refresh)
        self.empty.create_clicked.connect(self.projects.create_project)
        self.empty.import_clicked.connect(self.imports.import_files)

    # -- projects and photos -------------------------------------------------------------------

    def show_project(self, project: ProjectInfo | None) -> None:
        self.project = project
        folder = project.path if project else None
        self.grid.show_project(project.id if project else None, folder)
        self.tags.show_project(project.id if project else None)
        if project is not None:
            QSettings().setValue("last_project", project.id)
        self.close_viewer()
        self._refresh_pending()

    def _show_centre(self) -> None:
        model = self.grid.model
        has_photos = self.project is not None and (model.rowCount() > 0 or model.loading)
        filtered = self.grid.model.filtered
        if self.viewer is not None and self.stack.currentWidget() is self.viewer:
            return
        self.stack.setCurrentWidget(self.grid if has_photos or filtered else self.empty)
        self.empty.show_for(self.project)

    def decide(self, decision: KeepDecision) -> None:
        next_id = self.marks.next_photo_id(self.target_photos())
        self.decisions.decide(decision)
        self.marks.advance(next_id)

    def target_photos(self) -> list:
        """The photo in the viewer, or the grid's selection."""
        if self.viewer is not None and self.stack.currentWidget() is self.viewer:
            photo = self.grid.model.photo(self.grid.current_row())
            return [photo] if photo else []
        return self.grid.selected_photos()

    def show_photos(self, photo_ids: Iterable[int]) -> None:
        """Brings the photos an undo or redo changed into view, the first one current, once
        the grid shows what the change did."""
        ids = list(photo_ids)
        self.grid.model.when_settled(lambda: self._select_photos(ids))

    def _select_photos(self, photo_ids: list[int]) -> None:
        rows = sorted(r for i in photo_ids if (r := self.grid.model.row_of(i)) >= 0)
        if not rows:
            return
        if self.in_viewer() and self.project is not None:
            self.grid.select_row(rows[0])
            self.viewer.show_row(rows[0], self.project.path)
            return
        self.grid.select_rows(rows)

    def _photos_changed(self, event: PhotosChanged) -> None:
        """Collected and applied together on a short timer, so a burst of events from the
        workers costs one pass over the changed rows."""
        if self.project is not None and event.project_id == self.project.id:
            self._changed_ids |= set(event.photo_ids) if event.photo_ids else {-1}
        if not self._pending_timer.isActive():
            self._pending_timer.start()

    def _refresh_after_change(self) -> None:
        """Batched: a burst of item events becomes one pass over the changed rows."""
        ids, self._changed_ids = self._changed_ids, set()
        if ids:
            self.grid.loader.forget(*ids)  # one pass over the thumbnails kept
            for pid in ids:
                self.viewer.cache.forget(pid)  # a new preview is read when next shown
            self.grid.model.photos_changed(() if -1 in ids else ids)
            self._refresh_pending()
            self.tags.refresh()  # counts, and the filter row's tags, cameras and lenses
            self.grid.refresh_choices()
        self._schedule_status()
        if self.viewer is not None:
            self._viewer_call("refresh")

    def _refresh_pending(self) -> None:
        self._show_centre()
        self.commit_flow.refresh()
        self.decisions.update_actions()

    # -- commit and revert ---------------------------------------------------------------------

    def commit(self) -> None:
        self.commit_flow.commit()

    @property
    def commit_task(self) -> str | None:
        return self.commit_flow.task_id

    @property
    def commit_dialog(self) -> QMessageBox | None:
        return self.commit_flow.dialog

    def revert(self) -> None:
        self.decisions.revert()

    def _task_changed(self, event: TaskEvent) -> None:
        self._schedule_status()

    def _job_changed(self, event: JobEvent) -> None:
        if event.finished or event.status == JobStatus.RUNNING:
            self._schedule_status()

    def _schedule_status(self) -> None:
        if not self._status_timer.isActive():
            self._status_timer.start()

    def _update_status(self) -> None:
        self._update_running()
        # Project counts are a pass over every photo: once a second is enough for a list.
        if not self._projects_timer.isActive():
            self._projects_timer.start()

    def _update_running(self) -> None:
        from photojobs.core.jobs.queries import list_tasks

        tasks = list_tasks(self.session.library.db, self.config, active_only=True)
        n = len(tasks)
        text = f"{n} task{'s' if n != 1 else ''} running" if n else "Idle"
        if self.session.loop.paused:
            text = f"Paused: {n} task{'s' if n != 1 else ''} waiting" if n else "Paused"
        self.status_label.setText(text)

    # -- viewer, import, extras (filled in by their own modules) -----------------------------

    def in_viewer(self) -> bool:
        return self.stack.currentWidget() is self.viewer

    def open_viewer(self) -> None:
        row = self.grid.current_row()
        if self.project is None or row < 0:
            return
        self.viewer.show_row(row, self.project.path)
        self.stack.setCurrentWidget(self.viewer)
        self.viewer.canvas.setFocus()

    def close_viewer(self) -> None:
        was_open = self.in_viewer()
        if was_open:
            self.stack.setCurrentWidget(self.grid)
        self._show_centre()
        if was_open:
            self.grid.view.scrollTo(self.grid.view.currentIndex())  # the selection is kept
            self.grid.view.setFocus()

    def step(self, delta: int) -> None:
        row = max(0, min(self.grid.current_row() + delta, self.grid.model.rowCount() - 1))
        self.grid.select_row(row)
        if self.in_viewer() and self.project is not None:
            self.viewer.show_row(row, self.project.path)

    def _viewer_call(self, name: str) -> None:
        if self.in_viewer():
            getattr(self.viewer, name)()

    def start_import(self, paths: list[Path], project: ProjectInfo | None = None) -> None:
        """Analyse off the GUI thread, then show the import dialog (window_import.py)."""
        self.imports.start(paths, project)

    def show_trash(self) -> None:
        if self.project is None:
            self.toast("Choose a project to see its trash.", "info")
            return
        self.trash_dialog = TrashDialog(self.session, self.project, self)
        self.trash_dialog.open()

    def show_settings(self) -> None:
        self.settings_dialog = SettingsDialog(self.config, self.session.library.root, self)
        self.settings_dialog.saved.connect(self._settings_saved)
        self.settings_dialog.open()

    def _settings_saved(self, config: object) -> None:
        """Sizes, workers and retention apply to the next jobs (the loop reads them live);
        showing maintenance jobs and notifying successes apply at once."""
        self.config = config  # type: ignore[assignment]
        self.session.apply_config(self.config)
        show = bool(self.config.get("ui.include_maintenance_jobs"))
        self.processes.dock.maintenance_box.setChecked(show)
        self.config_changed.emit(self.config)
        self.toast("Settings saved.", "info")

    def show_shortcuts(self) -> None:
        self.shortcuts_overlay = ShortcutsOverlay(dict(self.config.get("keyboard_shortcuts")), self)
        self.shortcuts_overlay.open()

    def toast(self, text: str, kind: str = "info") -> None:
        ToastStack.of(self).show(text, kind)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        for helper in self.findChildren(Background):  # nothing reads a closing library
            helper.shutdown()
        self.viewer.shutdown()
        super().closeEvent(event)

    def restore_layout(self) -> None:
        settings = QSettings()
        if geometry := settings.value("geometry"):
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        if state := settings.value("state"):
            self.restoreState(state)  # type: ignore[arg-type]
        if splitter := settings.value("splitter"):
            self.splitter.restoreState(splitter)  # type: ignore[arg-type]
        if not geometry:
            first_run_layout(self)  # fit the screen, every part at a useful width
