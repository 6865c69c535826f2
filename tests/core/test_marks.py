"""Marks in the database: setters report before/after for undo, bad values are refused
with one clear line, filters combine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from photojobs.core.db.models import Photo
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.marks import (
    ColorLabel,
    Flag,
    MarkError,
    Marks,
    change_tags,
    parse_label,
    parse_rating,
    parse_tag,
    put_marks,
    set_flag,
    set_label,
    set_rating,
)
from photojobs.core.marks.filters import PhotoFilter, find_photos
from photojobs.core.marks.tags import library_tags, project_tags
from photojobs.core.photos import scan_project


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    p = library.create_project("Shoot")
    for base in ("A", "B", "C"):
        (p.path / f"{base}.JPG").write_bytes(b"\xff\xd8\xff")
    with library.db.write() as s:
        scan_project(s, p.id, p.path)
    return p


def bases(library: Library, project: ProjectInfo, f: PhotoFilter) -> list[str]:
    with library.db.read() as s:
        return [r.base for r in find_photos(s, project.id, f)]


def test_setters_return_before_and_after_and_undo_puts_them_back(
    library: Library, project: ProjectInfo
) -> None:
    with library.db.write() as s:
        change = set_rating(s, project.id, ["A", "B", "Z"], 3)
    assert change.errors == ["Z: no such photo in this project"]
    assert set(change.before.values()) == {Marks()}
    assert set(change.after.values()) == {Marks(rating=3)}
    with library.db.write() as s:
        again = set_rating(s, project.id, ["A"], 3)
        tagged = change_tags(s, project.id, ["A"], add=["Places | Paris", "cat"])
    assert again.before == {}, "nothing changed, nothing to undo"
    assert next(iter(tagged.after.values())).tags == {"Places|Paris", "cat"}

    with library.db.write() as s:
        assert put_marks(s, project.id, tagged.before) == tagged.photo_ids
        assert put_marks(s, project.id, change.before) == change.photo_ids
    with library.db.read() as s:
        assert [r.as_json()["tags"] for r in find_photos(s, project.id, PhotoFilter())] == [
            [],
            [],
            [],
        ]
        assert {r.rating for r in find_photos(s, project.id, PhotoFilter())} == {0}


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_rating, "6", "rating must be from 0 to 5"),
        (parse_rating, "x", "whole number"),
        (parse_label, "orange", "label must be one of red"),
        (parse_tag, "Places||Paris", "empty name or level"),
        (parse_tag, "a\nb", "control characters"),
    ],
)
def test_bad_values_are_refused(parse: object, value: str, message: str) -> None:
    with pytest.raises(MarkError, match=message):
        parse(value)  # type: ignore[operator]


def test_filters_combine(library: Library, project: ProjectInfo, tmp_path: Path) -> None:
    with library.db.write() as s:
        set_rating(s, project.id, ["A", "B"], 4)
        set_flag(s, project.id, ["B"], Flag.PICK)
        set_label(s, project.id, ["C"], ColorLabel.RED)
        change_tags(s, project.id, ["A"], add=["Places|Paris"])
        change_tags(s, project.id, ["C"], add=["Places_x"])
        s.execute(
            update(Photo)
            .where(Photo.base == "A")
            .values(camera_model="ILCE-7M3", date_taken="2023-06-17T14:32:05+02:00")
        )
    assert bases(library, project, PhotoFilter(min_rating=4)) == ["A", "B"]
    assert bases(library, project, PhotoFilter(min_rating=4, flag=Flag.PICK)) == ["B"]
    assert bases(library, project, PhotoFilter(label=ColorLabel.RED)) == ["C"]
    assert bases(library, project, PhotoFilter(tag="Places")) == ["A"], "nested, not prefix"
    assert bases(library, project, PhotoFilter(camera="ILCE-7M3")) == ["A"]
    assert bases(library, project, PhotoFilter(date_from="2023-06-17", date_to="2023-06-17")) == [
        "A"
    ]
    assert bases(library, project, PhotoFilter(date_to="2023-06-16")) == []
    assert PhotoFilter(min_rating=4, tag="x").describe() == ["rating ≥ 4", "tag x"]
    with library.db.read() as s:
        assert project_tags(s, project.id) == [("Places_x", 1), ("Places|Paris", 1)]
        assert library_tags(s, "Places_") == ["Places_x"], "LIKE wildcards are escaped"
