"""Import: look at the files off the GUI thread, show what would happen, then copy."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.importing import (
    COMPLETION,
    DUPLICATE,
    NEW,
    OTHER_PROJECT,
    REJECTED,
    Candidate,
    ImportAnalysis,
)
from photojobs.core.library import LibraryError, ProjectInfo
from photojobs.core.project_import import analyse_for_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.background import Background

VERDICTS = (  # verdict, heading, what it means for the photographer, shown open
    (NEW, "New", "new photos for this project", False),
    (COMPLETION, "Completions", "adding a JPG, RAW or sidecar to photos already here", False),
    (DUPLICATE, "Duplicates", "already in this project under the same name", True),
    (OTHER_PROJECT, "In other projects", "also in another project (imported anyway)", True),
    (REJECTED, "Rejected", "not imported", True),
)
PHOTO_VERDICTS = (NEW,)  # counted in photos (base names); the other rows count files


def n_files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


HINT_STYLE = "color: #707070;"
POLICIES = (
    ("skip", "Skip them: keep the files already in the project"),
    ("overwrite", "Replace them: the old files go to the project's trash"),
    ("rename", "Keep both: the new files are renamed (IMG_0001-2.JPG)"),
)


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag, in the order given."""
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return ""


class ImportDialog(QDialog):
    """What an import would do, file by file; the photographer picks the duplicate policy."""

    def __init__(
        self,
        project: ProjectInfo,
        analysis: ImportAnalysis,
        policy: str,
        parent: QWidget | None = None,
        sources: list[Path] | None = None,
    ):
        super().__init__(parent)
        self.project, self.analysis = project, analysis
        self.setWindowTitle("Import photos")
        self.setModal(True)
        self.resize(720, 560)
        counts = analysis.counts()
        title = QLabel(f"Import into “{project.name}”")
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if sources:
            where = str(sources[0]) if len(sources) == 1 else f"{len(sources)} files and folders"
            looked = len(analysis.candidates)
            origin = QLabel(f"From {where} · {looked} file{'s' if looked != 1 else ''} looked at")
            origin.setStyleSheet(HINT_STYLE)
            origin.setToolTip("\n".join(str(p) for p in sources))
            layout.addWidget(origin)
        layout.addLayout(self._counts_grid(counts))
        self.files = self._files_tree()
        layout.addWidget(self.files, 1)
        self.policy_box = QGroupBox("When a file is already in the project")
        policy_layout = QVBoxLayout(self.policy_box)
        self.policy_buttons: dict[str, QRadioButton] = {}
        for name, text in POLICIES:
            button = QRadioButton(text)
            button.setChecked(name == policy)
            button.toggled.connect(self._update_button)
            policy_layout.addWidget(button)
            self.policy_buttons[name] = button
        self.policy_box.setEnabled(counts[DUPLICATE] > 0)
        layout.addWidget(self.policy_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button: QPushButton = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_button()

    def _counts_grid(self, counts: dict[str, int]) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        self.count_labels: dict[str, QLabel] = {}
        self.hint_labels: dict[str, QLabel] = {}
        for row, (verdict, heading, meaning, _) in enumerate(VERDICTS):
            shown, meaning = self._count_words(verdict, meaning, counts[verdict])
            number = QLabel(str(shown))
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setStyleSheet("font-weight: 600;" if counts[verdict] else HINT_STYLE)
            if verdict == REJECTED and counts[verdict]:
                number.setStyleSheet("font-weight: 600; color: #b23b37;")
            grid.addWidget(number, row, 0)
            name = QLabel(heading)
            name.setStyleSheet("" if counts[verdict] else HINT_STYLE)
            grid.addWidget(name, row, 1)
            hint = QLabel(meaning)
            hint.setStyleSheet(HINT_STYLE)
            grid.addWidget(hint, row, 2)
            self.count_labels[verdict] = number
            self.hint_labels[verdict] = hint
        grid.setColumnStretch(2, 1)
        return grid

    def _count_words(self, verdict: str, meaning: str, n: int) -> tuple[int, str]:
        """The number shown and what it counts: photos for new ones, files elsewhere."""
        if verdict in PHOTO_VERDICTS:
            photos = self.analysis.photo_count(verdict)
            words = meaning if photos != 1 else meaning.replace("photos", "photo", 1)
            return photos, f"{words} ({n_files(n)})"
        if verdict == OTHER_PROJECT and n:
            names = sorted({c.other_project or "" for c in self.analysis.by_verdict(verdict)})
            meaning = f"also in {', '.join(f'“{p}”' for p in names)} (imported anyway)"
        return n, f"{'file' if n == 1 else 'files'} {meaning}"

    def _files_tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(["File", "Note"])
        tree.setRootIsDecorated(True)
        tree.setUniformRowHeights(True)
        tree.setColumnWidth(0, 300)
        for verdict, heading, _, expanded in VERDICTS:
            found = self.analysis.by_verdict(verdict)
            if not found:
                continue
            what = n_files(len(found))
            if verdict in PHOTO_VERDICTS:
                photos = self.analysis.photo_count(verdict)
                what = f"{photos} photo{'s' if photos != 1 else ''}, {what}"
            group = QTreeWidgetItem(tree, [f"{heading} ({what})"])
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for c in found:
                QTreeWidgetItem(group, [c.name, self._note(c)]).setToolTip(0, c.source)
            group.setExpanded(expanded)
        return tree

    @staticmethod
    def _note(c: Candidate) -> str:
        if c.verdict == REJECTED:
            return c.reason or "refused"
        if c.verdict == OTHER_PROJECT:
            return f"also in “{c.other_project}”"
        return _size(c.size)

    def policy(self) -> str:
        return next((n for n, b in self.policy_buttons.items() if b.isChecked()), "skip")

    def set_policy(self, policy: str) -> None:
        self.policy_buttons[policy].setChecked(True)

    def to_copy(self) -> list[Candidate]:
        return self.analysis.to_copy(self.policy())

    def _update_button(self) -> None:
        files = self.to_copy()
        n = len(files)
        self.import_button.setEnabled(n > 0)
        total = _size(sum(c.size for c in files))
        self.import_button.setText(
            f"Import {n} file{'s' if n != 1 else ''} ({total})" if n else "Nothing to import"
        )


class Importer(QObject):
    """The import flow of the main window: analyse, ask, start `upload_processing`."""

    analysed = Signal(object)  # the ImportDialog, now open
    started = Signal(str)  # task id
    status = Signal(str)

    def __init__(self, session: LibrarySession, parent: QWidget):
        super().__init__(parent)
        self.session = session
        self.window = parent
        self.dialog: ImportDialog | None = None
        self.looking = Background(self, name="import analysis")

    def start(self, project: ProjectInfo, paths: list[Path]) -> None:
        """Look at the files on a helper thread, then ask (`analysed` says when)."""
        what = paths[0].name if len(paths) == 1 else f"{len(paths)} items"
        self.status.emit(f"Looking at {what} before importing…")
        self.looking.run(
            partial(analyse_for_project, self.session.library, project, paths),
            partial(self._ask, project, paths),
            failed=self._unreadable,
        )

    def _unreadable(self, error: BaseException) -> None:
        self.status.emit("")
        if not isinstance(error, OSError | LibraryError):
            sys.excepthook(type(error), error, error.__traceback__)  # a defect: error dialog
            return
        QMessageBox.warning(self.window, "Import photos", f"Cannot read the files: {error}")

    def _ask(self, project: ProjectInfo, paths: list[Path], analysis: ImportAnalysis) -> None:
        self.status.emit("")
        policy = str(self.session.library.config.get("importing.on_duplicate"))
        dialog = ImportDialog(project, analysis, policy, self.window, paths)
        dialog.accepted.connect(lambda: self._confirmed(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        self.analysed.emit(dialog)

    def _closed(self, dialog: ImportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _confirmed(self, dialog: ImportDialog) -> None:
        policy = dialog.policy()
        sources = {c.source: c.verdict for c in dialog.to_copy()}
        task_id = self.session.start_import(dialog.project, sources, policy)
        self.status.emit(f"Importing {len(sources)} file(s) into “{dialog.project.name}”…")
        self.started.emit(task_id)
