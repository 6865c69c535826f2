"""Layering: the runtime uses only QtCore from Qt, and the core uses no Qt at all."""

from __future__ import annotations

import ast
from pathlib import Path

import photojobs

PACKAGE = Path(photojobs.__file__).parent
QT_ROOTS = {"PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "qtpy"}


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (functions included)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            # `from PySide6 import QtWidgets` names the submodule in the alias.
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def qt_imports(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        qt = [m for m in imported_modules(path) if m.split(".")[0] in QT_ROOTS]
        if qt:
            found[str(path.relative_to(PACKAGE))] = qt
    return found


def test_the_runtime_imports_only_qtcore_from_qt() -> None:
    found = qt_imports(PACKAGE / "runtime")
    assert found, "the runtime is expected to use QtCore"
    wrong = {
        path: [m for m in mods if m != "PySide6" and not m.startswith("PySide6.QtCore")]
        for path, mods in found.items()
    }
    assert {p: m for p, m in wrong.items() if m} == {}


def test_the_core_imports_no_qt() -> None:
    files = list((PACKAGE / "core").rglob("*.py"))
    assert len(files) > 10
    assert qt_imports(PACKAGE / "core") == {}


def test_the_checker_sees_nested_and_from_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from PySide6 import QtWidgets\n"
        "def f():\n"
        "    import PySide6.QtGui\n"
        "    from PySide6.QtCore import QTimer\n",
        "utf-8",
    )
    assert imported_modules(sample) == [
        "PySide6",
        "PySide6.QtWidgets",
        "PySide6.QtGui",
        "PySide6.QtCore",
        "PySide6.QtCore.QTimer",
    ]


def orm_imports(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        orm = [
            m
            for m in imported_modules(path)
            if m.split(".")[0] == "sqlalchemy" or m.startswith("photojobs.core.db")
        ]
        if orm:
            found[str(path.relative_to(PACKAGE))] = orm
    return found


def test_no_orm_above_core() -> None:
    """The screens and the runtime ask core for records (photojobs.core.catalog and core's
    query functions); SQL and ORM models stay in core."""
    assert orm_imports(PACKAGE / "ui") == {}
    assert orm_imports(PACKAGE / "runtime") == {}
    assert orm_imports(PACKAGE / "core" / "catalog"), "the checker sees the catalog's own"
