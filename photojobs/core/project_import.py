"""Import analysis against a real project: what is already there, here and elsewhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.formats import classify, split_name
from photojobs.core.importing import ImportAnalysis, analyse_import
from photojobs.core.library import Library, ProjectInfo


def analyse_for_project(
    lib: Library, project: ProjectInfo, paths: Sequence[Path]
) -> ImportAnalysis:
    """The analysis shown before copying; reads the project folder and the database."""
    files = (
        {p.name for p in project.path.iterdir() if p.is_file()} if project.path.is_dir() else set()
    )
    bases: dict[str, set[str]] = {}
    for name in files:
        cls = classify(name)
        if cls is not None:
            bases.setdefault(split_name(name)[0], set()).add(cls.value)
    names = {p.id: p.name for p in lib.list_projects()}
    others: dict[str, str] = {}
    with lib.db.read() as s:
        for project_id, files_json in s.execute(
            select(Photo.project_id, Photo.files_json).where(Photo.project_id != project.id)
        ):
            for name in json.loads(files_json):
                others.setdefault(name.casefold(), names.get(project_id, project_id))
    accepted = lib.config.get("importing.accepted_extensions")
    return analyse_import(paths, files, bases, others, accepted)
