"""The question before a bulk change of decisions: Cancel is the default and the Escape
button, so a stray Enter never drops or discards anything."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def bulk_question(parent: QWidget, title: str, text: str, detail: str, action: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(detail)
    box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def confirmed(box: QMessageBox) -> bool:
    """Shows the question; True when the person chose the action."""
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole
