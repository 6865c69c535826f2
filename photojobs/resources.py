"""Where the bundled files (icon, sample photos) are: frozen by PyInstaller or from source.

Qt-free, so core may use it. PyInstaller puts the `resources/` folder next to the
extracted code (`sys._MEIPASS`); a source checkout has it at the repository root.
"""

from __future__ import annotations

import sys
from pathlib import Path

RESOURCES_DIR = "resources"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resources_root() -> Path:
    """The folder holding `photojobs.svg` and `samples/`."""
    if is_frozen():
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        return base / RESOURCES_DIR
    return Path(__file__).resolve().parent.parent / RESOURCES_DIR


def resource_path(*parts: str) -> Path:
    """A bundled file; raises FileNotFoundError naming where it was looked for."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"bundled resource missing: {path}")
    return path


def app_icon_path() -> Path:
    return resource_path("photojobs.svg")


def sample_photos() -> list[Path]:
    """The small photos the self-test imports (JPGs and one RAW+JPG pair)."""
    folder = resource_path("samples")
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
