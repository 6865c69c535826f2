"""The info panel: what the viewer knows about one photo, in words."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from photojobs.core.catalog.photo_details import PhotoDetails


def _date(text: str | None) -> str:
    if not text:
        return "—"
    try:
        return datetime.fromisoformat(text).strftime("%d %b %Y, %H:%M:%S")
    except ValueError:
        return text


def _camera(make: str | None, model: str | None) -> str:
    if make and model and model.lower().startswith(make.lower()):
        return model  # "Canon Canon EOS 80D" reads badly
    return " ".join(x for x in (make, model) if x) or "—"


def _number(value: float) -> str:
    return f"{value:g}"


def describe(d: PhotoDetails) -> list[tuple[str, str]]:
    """Label and text for each line of the info panel."""
    exposure = [
        f"{d.exposure_time} s" if d.exposure_time else "",
        f"f/{_number(d.aperture)}" if d.aperture else "",
        f"ISO {d.iso}" if d.iso else "",
    ]
    size = "—"
    if d.width and d.height:
        size = f"{d.width} × {d.height} px ({d.width * d.height / 1e6:.1f} MP)"
    return [
        ("Date", _date(d.date_taken)),
        ("Camera", _camera(d.camera_make, d.camera_model)),
        ("Lens", d.lens or "—"),
        ("Exposure", "  ".join(x for x in exposure if x) or "—"),
        ("Focal length", f"{_number(d.focal_length)} mm" if d.focal_length else "—"),
        ("Size", size),
        ("Files", "\n".join(d.files) or "—"),
        ("Decision", d.decision),
    ]


class InfoPanel(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("photoInfo")
        self.setFixedWidth(270)
        self.setStyleSheet(
            "#photoInfo { background: #262626; border-left: 1px solid #3a3a3a; }"
            "#photoInfo QLabel { color: #dddddd; }"
            "#photoInfo QLabel[role='label'] { color: #8c8c8c; }"
            "#photoInfo QLabel[role='title'] { font-size: 13pt; font-weight: 600; }"
        )
        self.form = QFormLayout(self)
        self.form.setContentsMargins(14, 12, 14, 12)
        self.form.setVerticalSpacing(8)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.form.addRow(self.title)
        self.values: dict[str, QLabel] = {}

    def show_details(self, details: PhotoDetails | None) -> None:
        self.title.setText(details.base if details else "")
        lines = describe(details) if details else []
        for label, text in lines:
            value = self.values.get(label)
            if value is None:
                name = QLabel(label)
                name.setProperty("role", "label")
                value = QLabel()
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.form.addRow(name, value)
                self.values[label] = value
            value.setText(text)

    def text(self, label: str) -> str:
        value = self.values.get(label)
        return value.text() if value else ""
