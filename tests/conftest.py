"""Shared fixtures: a real library in tmp_path, the sample photos, offscreen Qt."""

from __future__ import annotations

import os
import shutil
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
