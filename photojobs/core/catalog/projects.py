"""Project names by id, for screens that show a task's or a job's project."""

from __future__ import annotations

from sqlalchemy import select

from photojobs.core.db import Database
from photojobs.core.db.models import Project


def project_names(db: Database) -> dict[str, str]:
    """Every project of the library: id -> display name (one short read)."""
    with db.read() as s:
        return {pid: name for pid, name in s.execute(select(Project.id, Project.name))}
