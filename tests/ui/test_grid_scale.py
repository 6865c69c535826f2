"""The grid at scale: a change scattered over a big project costs one pass, not one per
photo; the selection and the view survive it; the rows kept read stay bounded."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from sqlalchemy import update

from photojobs.core.catalog.photo_rows import PhotoFilter
from photojobs.core.db.models import Photo
from photojobs.core.library import Library, ProjectInfo
from photojobs.ui.grid import changes as grid_changes
from photojobs.ui.grid import model as grid_model
from photojobs.ui.grid import thumbnails
from photojobs.ui.grid.model import PhotoGridModel
from photojobs.ui.grid.panel import GridPanel
from tests.ui.test_grid_order import add_photos, late
from tests.ui.waiting import settled

N = 600


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    project = library.create_project("Big day")
    add_photos(library, project, {f"DSC_{n:04}": late(n) for n in range(N)})
    return project


def _discard_every_other(library: Library, project: ProjectInfo) -> list[int]:
    with library.db.write() as s:
        ids = list(
            s.scalars(
                update(Photo)
                .where(Photo.project_id == project.id, Photo.base.like("DSC_%"))
                .where((Photo.id % 2) == 0)
                .values(keep_jpg=False)
                .returning(Photo.id)
            )
        )
    return ids


def test_a_scattered_change_resets_once_and_the_selection_survives(
    qtbot, qtmodeltester, library: Library, project: ProjectInfo, panel: GridPanel
) -> None:
    model = panel.model
    panel.filter_box.setCurrentText(PhotoFilter.KEPT.value)
    settled(panel.model)
    qtbot.waitUntil(lambda: model.rowCount() == N)
    odd = [model.photo_id(r) for r in range(N) if model.photo_id(r) % 2 == 1]
    current, also = odd[150], odd[151]
    panel.select_rows([model.row_of(current), model.row_of(also)])
    signals: list[str] = []
    model.modelReset.connect(lambda: signals.append("reset"))
    model.rowsRemoved.connect(lambda *_: signals.append("removed"))
    discarded = _discard_every_other(library, project)
    model.photos_changed(discarded)
    settled(model)
    assert signals == ["reset"], "300 separate removals are one reset"
    assert model.rowCount() == N - len(discarded)
    qtmodeltester.check(model)
    assert model.photo_id(panel.current_row()) == current
    assert sorted(p.id for p in panel.selected_photos()) == sorted([current, also])
    assert all(model.row_of(pid) == row for row, pid in enumerate(model._ids))


def test_a_new_order_of_a_big_project_resets_once_and_keeps_the_selection(
    qtbot, monkeypatch, library: Library, project: ProjectInfo, panel: GridPanel
) -> None:
    model = panel.model
    monkeypatch.setattr(grid_changes, "MANY_MOVED", 100)  # 600 rows stand in for 100k
    chosen = [model.photo_id(r) for r in (10, 11)]
    panel.select_rows([10, 11])
    signals: list[str] = []
    model.modelReset.connect(lambda: signals.append("reset"))
    model.layoutChanged.connect(lambda *_: signals.append("layout"))
    with library.db.write() as s:  # the camera clock was set back: dates run backwards
        for n in range(N):
            s.execute(
                update(Photo).where(Photo.base == f"DSC_{n:04}").values(date_taken=late(N - n))
            )
    model.photos_changed()
    settled(model)
    assert signals == ["reset"], "one reset, not a persistent index per row"
    assert model.photo_id(panel.current_row()) == chosen[0]
    assert sorted(p.id for p in panel.selected_photos()) == sorted(chosen)
    names = [model.photo(r).base for r in range(model.rowCount())]
    assert names == sorted(names, reverse=True)


def test_a_change_in_a_few_places_still_moves_rows_one_block_at_a_time(
    qtbot, library: Library, project: ProjectInfo, panel: GridPanel
) -> None:
    model = panel.model
    panel.filter_box.setCurrentText(PhotoFilter.KEPT.value)
    settled(panel.model)
    qtbot.waitUntil(lambda: model.rowCount() == N)
    gone = [model.photo_id(r) for r in (3, 4, 5, 300)]
    signals: list[str] = []
    model.modelReset.connect(lambda: signals.append("reset"))
    model.rowsRemoved.connect(lambda *_: signals.append("removed"))
    with library.db.write() as s:
        s.execute(update(Photo).where(Photo.id.in_(gone)).values(keep_jpg=False))
    model.photos_changed(gone)
    settled(model)
    assert signals == ["removed", "removed"]
    assert [model.row_of(pid) for pid in gone] == [-1] * 4


def test_updates_are_announced_in_runs_not_photo_by_photo(
    qtbot, library: Library, project: ProjectInfo
) -> None:
    model = PhotoGridModel(library.db)
    model.show_project(project.id)
    settled(model)
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: spans.append((a.row(), b.row())))
    ids = [model.photo_id(r) for r in (*range(10, 20), 40)]
    model.photos_changed(ids)
    settled(model)
    assert spans == [(10, 19), (40, 40)]
    spans.clear()
    model.photos_changed([model.photo_id(r) for r in range(0, N, 3)])  # 200 runs: one span
    settled(model)
    assert spans == [(0, N - 3)]


def test_a_change_to_many_photos_repaints_what_shows_without_finding_each_row(
    qtbot, monkeypatch, library: Library, project: ProjectInfo
) -> None:
    monkeypatch.setattr(grid_model, "MANY_CHANGED", 50)  # 50k photos at 100k in the app
    model = PhotoGridModel(library.db)
    model.show_project(project.id)
    settled(model)
    model.photo(0), model.photo(N - 1)  # two rows read
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: spans.append((a.row(), b.row())))
    looked_up: list[int] = []
    monkeypatch.setattr(model, "row_of", lambda pid: looked_up.append(pid) or -1)
    model.photos_changed([model.photo_id(r) for r in range(0, 120)])
    assert spans == [(0, N - 1)] and looked_up == []
    assert model._rows == {}, "every row is read again when shown"
    settled(model)


def test_the_rows_kept_read_are_bounded(
    qtbot, monkeypatch, library: Library, project: ProjectInfo
) -> None:
    monkeypatch.setattr(grid_model, "MAX_ROWS", 250)
    model = PhotoGridModel(library.db)
    model.show_project(project.id)
    settled(model)
    for row in range(N):
        assert model.photo(row) is not None
        assert len(model._rows) <= 250
    assert model.photo(0) is not None and model.photo(0).base == "DSC_0000"  # read again


def test_the_thumbnail_cache_is_bounded_by_bytes_not_by_count(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(thumbnails, "CACHE_BYTES", 10 * 800 * 800 * 4)  # ten big pixmaps
    loader = thumbnails.ThumbnailLoader()
    big = QImage(800, 800, QImage.Format.Format_RGB32)
    small = QImage(100, 100, QImage.Format.Format_RGB32)
    for pid in range(30):
        loader._on_loaded((pid, 400, 2.0), big)
    assert len(loader._cache) == 10 and loader.cache_bytes == 10 * 800 * 800 * 4
    assert [k[0] for k in loader._cache] == list(range(20, 30)), "the oldest went first"
    for pid in range(100, 400):
        loader._on_loaded((pid, 100, 1.0), small)
    assert loader.cache_bytes <= thumbnails.CACHE_BYTES
    assert len(loader._cache) > 30, "small pixmaps: many more fit"
    loader.forget(399)
    assert (399, 100, 1.0) not in loader._cache
    assert loader.cache_bytes == sum(p.width() * p.height() * 4 for p in loader._cache.values())
    loader.forget(*range(100, 300))  # a commit's photos: one pass, all of them
    assert not [k for k in loader._cache if 100 <= k[0] < 300]
    assert loader.cache_bytes == sum(p.width() * p.height() * 4 for p in loader._cache.values())
    loader.shutdown()


def test_rows_on_screen_are_read_on_a_helper_and_a_read_older_than_a_change_is_not_kept(
    qtbot, library: Library, project: ProjectInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of rows is a database read: the GUI thread asks for it and paints a loading
    tile meanwhile; a page read before a change arrives after it, and is read again."""
    import threading

    readers: list[str] = []
    gate = threading.Event()
    load_rows = grid_model.load_rows

    def slow_read(*args, **kwargs):
        readers.append(threading.current_thread().name)
        rows = load_rows(*args, **kwargs)
        gate.wait(10)  # the change below lands while this page is on its way
        return rows

    monkeypatch.setattr(grid_model, "load_rows", slow_read)
    model = PhotoGridModel(library.db)
    model.show_project(project.id)
    settled(model)
    first = model.index(0)
    assert model.data(first) is None, "not read yet: a loading tile"
    qtbot.waitUntil(lambda: bool(readers))
    assert model.reading_rows
    with library.db.write() as s:
        s.execute(update(Photo).where(Photo.id == model.photo_id(0)).values(rating=4))
    model.photos_changed([model.photo_id(0)])
    gate.set()
    qtbot.waitUntil(lambda: not model.reading_rows and model.data(first) is not None)
    qtbot.waitUntil(lambda: not model.reading_rows)
    assert model.data(first, grid_model.PhotoRowRole).rating == 4, "the older page was not kept"
    assert "MainThread" not in readers
    model.shutdown()


def test_a_page_of_the_last_project_on_its_way_does_not_keep_the_next_ones_rows_from_coming(
    qtbot, library: Library, project: ProjectInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page 0 of one project is still being read when another project is shown: its cells
    ask for their own page 0 once the stale one is dropped, with no repaint from outside."""
    import threading

    gate = threading.Event()
    load_rows = grid_model.load_rows

    def held_read(*args, **kwargs):
        gate.wait(10)
        return load_rows(*args, **kwargs)

    other = library.create_project("Other day")
    add_photos(library, other, {"OTHER_1": late(1)})
    monkeypatch.setattr(grid_model, "load_rows", held_read)
    model = PhotoGridModel(library.db)
    asked: list[int] = []
    model.dataChanged.connect(lambda first, last: asked.append(first.row()))
    model.show_project(project.id)
    settled(model)
    assert model.data(model.index(0)) is None  # page 0 of the big day is asked for
    qtbot.waitUntil(lambda: model.reading_rows and not model._wanted)
    model.show_project(other.id)
    settled(model)
    assert model.data(model.index(0)) is None  # waits behind the stale page 0
    gate.set()
    qtbot.waitUntil(lambda: 0 in asked)  # the view is told to ask again
    qtbot.waitUntil(lambda: model.data(model.index(0)) == "OTHER_1")
    model.shutdown()
