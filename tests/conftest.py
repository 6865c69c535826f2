"""Shared fixtures: a real library in tmp_path, the sample photos, offscreen Qt."""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from photojobs.core.config import Config, load_config
from photojobs.core.library import Library

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config, settings or library."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PHOTOJOBS_CONFIG", raising=False)
    monkeypatch.delenv("PHOTOJOBS_LIBRARY", raising=False)


@pytest.fixture(autouse=True)
def nothing_left_running(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up first, torn down last: a test that leaves a thread pool working or a timer
    running fails (napari's rule). Such leftovers fire into the next test, against widgets
    and databases their own test already closed. Timers of widgets pytest-qt deleted are
    gone by now (tests/ui/conftest.py deletes closed widgets first)."""
    yield
    if "PySide6.QtCore" not in sys.modules:
        return
    import shiboken6
    from PySide6.QtCore import QObject, QThreadPool, QTimer

    gc.collect()  # what the test dropped is gone, with its timers
    qt = [o for o in gc.get_objects() if isinstance(o, QThreadPool | QTimer)]
    qt = [o for o in qt if shiboken6.isValid(o)]
    left = []
    for pool in [QThreadPool.globalInstance(), *(o for o in qt if isinstance(o, QThreadPool))]:
        if pool.activeThreadCount() and not pool.waitForDone(1_000):  # finishing is not leaving
            left.append(f"a thread pool of {type(QObject.parent(pool)).__name__} is still working")
    for timer in (o for o in qt if isinstance(o, QTimer)):
        if timer.isActive():
            left.append(f"a timer of {type(QObject.parent(timer)).__name__} is still running")
    if left:
        pytest.fail(f"{request.node.name} left running: {'; '.join(sorted(set(left)))}")


@pytest.fixture
def config() -> Config:
    """The shipped defaults (no user file exists in the isolated home)."""
    return load_config()


@pytest.fixture
def library(tmp_path: Path, config: Config) -> Iterator[Library]:
    lib = Library.open(tmp_path / "library", config)
    yield lib
    lib.close()


@pytest.fixture
def sample(tmp_path: Path):
    """Copy a sample photo from tests/data into a folder under a new name."""

    def copy(name: str, dest: Path, as_name: str | None = None) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / (as_name or name)
        shutil.copyfile(DATA / name, target)
        return target

    return copy
