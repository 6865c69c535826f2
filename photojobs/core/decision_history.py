"""Undo and redo for the photographer's decisions: one step per key press, per project.

A step remembers each photo's keep flags before and after, so undoing sets them back
exactly (never "keep everything"); a rating, flag, label or tag step remembers the
photos' marks the same way, so Ctrl+Z takes back a star exactly like a discard. Histories
live as long as the window, one per project, so switching projects loses nothing; a commit
forgets the photos it committed, since their files are no longer where an undo of the
decision could act on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from photojobs.core.marks.model import Marks

Flags = tuple[bool, bool]  # (keep JPG, keep RAW)


@dataclass(frozen=True)
class DecisionStep:
    label: str  # what the person did, as a menu says it: "Discard", "Revert all decisions"
    before: dict[int, Flags]
    after: dict[int, Flags]
    marks_before: dict[int, Marks] = field(default_factory=dict)
    marks_after: dict[int, Marks] = field(default_factory=dict)

    @property
    def photo_ids(self) -> frozenset[int]:
        return frozenset(self.before) | frozenset(self.marks_before)

    def without(self, photo_ids: frozenset[int]) -> DecisionStep:
        def kept(d: dict) -> dict:
            return {i: v for i, v in d.items() if i not in photo_ids}

        return DecisionStep(
            self.label,
            kept(self.before),
            kept(self.after),
            kept(self.marks_before),
            kept(self.marks_after),
        )


@dataclass
class _Track:
    steps: list[DecisionStep] = field(default_factory=list)
    position: int = 0  # steps[:position] are done; steps[position:] can be redone


class DecisionHistory:
    """Per-project undo stacks. The caller applies the flags; this only keeps the order."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self._tracks: dict[str, _Track] = {}

    def record(self, project_id: str, step: DecisionStep) -> None:
        """A new decision: what could be redone is dropped, as in every editor."""
        if not step.photo_ids:
            return
        track = self._tracks.setdefault(project_id, _Track())
        del track.steps[track.position :]
        track.steps.append(step)
        del track.steps[: max(0, len(track.steps) - self.limit)]
        track.position = len(track.steps)

    def next_undo(self, project_id: str) -> DecisionStep | None:
        track = self._tracks.get(project_id)
        return track.steps[track.position - 1] if track and track.position else None

    def next_redo(self, project_id: str) -> DecisionStep | None:
        track = self._tracks.get(project_id)
        if track is None or track.position >= len(track.steps):
            return None
        return track.steps[track.position]

    def undone(self, project_id: str) -> None:
        """The caller applied `next_undo(...).before`."""
        track = self._tracks[project_id]
        track.position -= 1

    def redone(self, project_id: str) -> None:
        """The caller applied `next_redo(...).after`."""
        track = self._tracks[project_id]
        track.position += 1

    def forget(self, project_id: str, photo_ids: Iterable[int]) -> None:
        """A commit took these photos' decisions: they leave every step; empty steps go."""
        track = self._tracks.get(project_id)
        gone = frozenset(photo_ids)
        if track is None or not gone:
            return
        kept_before = [s.without(gone) for s in track.steps[: track.position]]
        kept_after = [s.without(gone) for s in track.steps[track.position :]]
        kept_before = [s for s in kept_before if s.photo_ids]
        kept_after = [s for s in kept_after if s.photo_ids]
        track.steps = kept_before + kept_after
        track.position = len(kept_before)

    def clear(self, project_id: str) -> None:
        self._tracks.pop(project_id, None)
