"""How the grid goes from the photos it shows to the ones a new answer lists, worked out on
the helper thread that asked (at 100k photos the sets and passes below took 70-100 ms of
the GUI thread per sort); the GUI thread only replays the steps and tells the view.

The steps keep what a person sees: removals and insertions in contiguous blocks, a new
order as moved rows (the selection follows), and one reset instead when the change is
scattered over many places or reorders many rows (one persistent index per moved row
cost 2 s at 100k).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

MANY_BLOCKS = 64  # beyond this many separate insertions/removals, one reset is cheaper
MANY_MOVED = 5_000  # rows to move in a new order beyond which one reset is cheaper


@dataclass(frozen=True)
class Moves:
    """A new order of the rows left after the removals: `order` is that list of ids, and the
    row each came from is `old_rows[i]` for the row `i` it goes to."""

    order: list[int]
    old_rows: list[int]


@dataclass(frozen=True)
class Change:
    new_ids: list[int]
    row_by_id: dict[int, int]  # of new_ids, built here rather than on the GUI thread
    reset: bool = False
    removals: list[tuple[int, int]] = field(default_factory=list)  # (first, last), bottom-up
    moves: Moves | None = None
    insertions: list[tuple[int, int]] = field(default_factory=list)  # (start, stop), top-down

    @property
    def nothing(self) -> bool:
        return not (self.reset or self.removals or self.moves or self.insertions)


def plan_change(shown: list[int], new_ids: list[int]) -> Change:
    """The steps from `shown` to `new_ids` (both in grid order)."""
    row_by_id = {pid: row for row, pid in enumerate(new_ids)}
    if new_ids == shown:
        return Change(new_ids, row_by_id)
    if not shown:  # a project opening: one reset, no row-by-row
        return Change(new_ids, row_by_id, reset=True)
    keep, present = set(new_ids), set(shown)
    if _runs(shown, keep) + _runs(new_ids, present) > MANY_BLOCKS:
        return Change(new_ids, row_by_id, reset=True)
    removals = [(first, last) for first, last in _blocks(shown, keep)][::-1]
    remaining = [pid for pid in shown if pid in keep]
    survivors = [pid for pid in new_ids if pid in present]
    moves = None
    if survivors != remaining:
        if len(survivors) > MANY_MOVED:
            return Change(new_ids, row_by_id, reset=True)
        was = {pid: row for row, pid in enumerate(remaining)}
        moves = Moves(survivors, [was[pid] for pid in survivors])
    insertions = [(first, last + 1) for first, last in _blocks(new_ids, present)]
    return Change(new_ids, row_by_id, False, removals, moves, insertions)


def _runs(ids: list[int], kept: set[int]) -> int:
    """How many separate blocks of `ids` are not in `kept` (each is one Qt insert/remove)."""
    runs, inside = 0, False
    for pid in ids:
        gone = pid not in kept
        runs += gone and not inside
        inside = gone
    return runs


def _blocks(ids: list[int], kept: set[int]) -> Iterator[tuple[int, int]]:
    """(first, last) rows of each block of `ids` not in `kept`, top-down."""
    start = None
    for row, pid in enumerate(ids):
        if pid not in kept:
            if start is None:
                start = row
        elif start is not None:
            yield start, row - 1
            start = None
    if start is not None:
        yield start, len(ids) - 1


def spans(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    start = prev = None
    for row in rows:
        if prev is not None and row == prev + 1:
            prev = row
            continue
        if start is not None and prev is not None:
            yield start, prev
        start = prev = row
    if start is not None and prev is not None:
        yield start, prev
