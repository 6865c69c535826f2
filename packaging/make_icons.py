"""Render the one app icon SVG into every size the platforms want (run at build time).

    python packaging/make_icons.py [OUT]      # default build/icons

Writes OUT/hicolor/<n>x<n>/apps/photojobs.png (16..512) and OUT/hicolor/scalable/apps/
photojobs.svg for Linux, OUT/photojobs.ico (Windows) and OUT/photojobs.icns (macOS).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "photojobs.svg"
NAME = "photojobs"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def make_icons(out: Path) -> list[Path]:
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    written = []
    for size in HICOLOR_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(path)):
            raise SystemExit(f"cannot write {path}")
        written.append(path)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    # Pillow writes the multi-size containers from the frames Qt rendered at each size.
    frames = [Image.open(path) for path in written]
    master = frames[-1]
    master.save(out / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=frames)
    master.save(out / f"{NAME}.icns", append_images=frames[:-1])
    return [*written, scalable, out / f"{NAME}.ico", out / f"{NAME}.icns"]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in make_icons(out):
        print(path.relative_to(out))


if __name__ == "__main__":
    main()
