"""What the viewer knows about one photo, and the info panel that shows it in words."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from photojobs.core.db import Database
from photojobs.core.db.models import Photo
from photojobs.core.formats import FileClass, classify


@dataclass(frozen=True)
class PhotoDetails:
    id: int
    base: str
    files: tuple[str, ...]
    jpg: bool
    raw: bool
    keep_jpg: bool
    keep_raw: bool
    preview_status: str
    date_taken: str | None
    camera_make: str | None
    camera_model: str | None
    lens: str | None
    width: int | None
    height: int | None
    iso: int | None
    exposure_time: str | None
    aperture: float | None
    focal_length: float | None

    @property
    def jpg_name(self) -> str | None:
        return next((f for f in self.files if classify(f) is FileClass.JPG), None)

    @property
    def keeps(self) -> tuple[bool, bool]:
        """(keeps the JPG, keeps the RAW), counting only the files it has."""
        return self.jpg and self.keep_jpg, self.raw and self.keep_raw

    @property
    def decision(self) -> str:
        keeps_jpg, keeps_raw = self.keeps
        if keeps_jpg == self.jpg and keeps_raw == self.raw:
            return "Keep everything"
        if keeps_jpg:
            return "Keep JPG only"
        if keeps_raw:
            return "Keep RAW only"
        return "Discard"


def load_details(db: Database, photo_id: int) -> PhotoDetails | None:
    """One row, read on the GUI thread like a page of the grid (no file is touched)."""
    with db.read() as s:
        p = s.get(Photo, photo_id)
        if p is None:
            return None
        return PhotoDetails(
            p.id,
            p.base,
            tuple(json.loads(p.files_json)),
            p.jpg_available,
            p.raw_available,
            p.keep_jpg,
            p.keep_raw,
            p.preview_status,
            p.date_taken,
            p.camera_make,
            p.camera_model,
            p.lens,
            p.width,
            p.height,
            p.iso,
            p.exposure_time,
            p.aperture,
            p.focal_length,
        )


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
