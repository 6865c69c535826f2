"""The steps a helper works out for the grid replay to exactly the new list of photos, as
blocks a person can follow, or one reset where that is cheaper."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from photojobs.ui.grid.changes import MANY_BLOCKS, Change, plan_change


def replay(shown: list[int], change: Change) -> list[int]:
    """What PhotoGridModel._apply does to its list, step by step."""
    if change.reset:
        return list(change.new_ids)
    ids = list(shown)
    for first, last in change.removals:
        assert first <= last
        del ids[first : last + 1]
    if change.moves is not None:
        assert sorted(change.moves.old_rows) == list(range(len(ids)))
        assert [ids[r] for r in change.moves.old_rows] == change.moves.order
        ids = list(change.moves.order)
    for start, stop in change.insertions:
        ids[start:start] = change.new_ids[start:stop]
    return ids


@given(
    st.lists(st.integers(0, 400), unique=True, max_size=120),
    st.lists(st.integers(0, 400), unique=True, max_size=120),
)
def test_the_steps_lead_to_the_new_list(shown: list[int], new: list[int]) -> None:
    change = plan_change(shown, new)
    assert replay(shown, change) == new
    assert change.row_by_id == {pid: row for row, pid in enumerate(new)}
    starts = [first for first, _ in change.removals]
    assert starts == sorted(starts, reverse=True), "removals go bottom-up"


def test_the_same_photos_change_nothing() -> None:
    assert plan_change([3, 1, 2], [3, 1, 2]).nothing


def test_a_project_opening_is_one_reset() -> None:
    assert plan_change([], list(range(10))).reset


def test_photos_arriving_in_a_few_places_are_inserted_not_reset() -> None:
    change = plan_change([1, 2, 3, 4], [0, 1, 2, 9, 3, 4, 5])
    assert not change.reset and change.moves is None
    assert change.insertions == [(0, 1), (3, 4), (6, 7)]


def test_a_change_scattered_over_many_places_is_one_reset() -> None:
    shown = list(range(4 * MANY_BLOCKS))
    every_other = shown[::2]  # MANY_BLOCKS * 2 separate removals
    assert plan_change(shown, every_other).reset
    assert not plan_change(shown, shown[: len(shown) // 2]).reset


def test_a_new_order_moves_the_rows() -> None:
    shown = list(range(50))
    new = shown[:]
    random.Random(4).shuffle(new)
    change = plan_change(shown, new)
    assert change.moves is not None and not change.reset
    assert replay(shown, change) == new
