"""Fixtures for the job engine: a store over the real library database, a project, raw rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo


@pytest.fixture
def store(library: Library) -> JobStore:
    return JobStore(library.db, library.config)


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    return library.create_project("Wedding")


@pytest.fixture
def other_project(library: Library) -> ProjectInfo:
    return library.create_project("Portraits")


@pytest.fixture
def rows(library: Library) -> Callable[..., list[dict[str, Any]]]:
    """Read the jobs table with plain sqlite3, independent of the ORM and the store."""

    def read(where: str = "1", *params: Any, table: str = "jobs") -> list[dict[str, Any]]:
        conn = sqlite3.connect(library.db.path)
        conn.row_factory = sqlite3.Row
        try:
            found = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
            return [dict(r) for r in found]
        finally:
            conn.close()

    return read
