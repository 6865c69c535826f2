"""Fixtures for the commit, restore and maintenance handler tests (helpers: handler_kit)."""

from __future__ import annotations

import pytest
from handler_kit import Shoot

from photojobs.core.config import Config
from photojobs.core.library import Library


@pytest.fixture
def config(config: Config) -> Config:
    """Small derivatives keep RAW decoding and JPEG encoding fast."""
    return config.with_overrides(
        {"processing.thumbnail.max_dim": 64, "processing.preview.max_dim": 96}
    )


@pytest.fixture
def shoot(library: Library) -> Shoot:
    return Shoot(library, library.create_project("Shoot"))
