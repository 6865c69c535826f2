"""The photographer's marks beside the keep decision: rating, flag, colour label and tags.

Values are checked here once, so the CLI, the GUI and the sidecar reader refuse the same
things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Flag(StrEnum):
    PICK = "pick"
    REJECT = "reject"
    NONE = "none"


class ColorLabel(StrEnum):
    """Lightroom's and Bridge's five colours; `xmp:Label` holds the capitalised name."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PURPLE = "purple"
    NONE = "none"


MAX_RATING = 5
TAG_SEPARATOR = "|"  # nested tags, as Lightroom's lr:hierarchicalSubject: "Places|Paris"
MAX_TAG_LENGTH = 200


class MarkError(ValueError):
    """A rating, flag, label or tag the photographer (or a script) got wrong."""


@dataclass(frozen=True)
class Marks:
    """One photo's marks as plain data; what an undo step remembers before and after."""

    rating: int = 0
    flag: Flag = Flag.NONE
    label: ColorLabel = ColorLabel.NONE
    tags: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, object]:
        return {
            "rating": self.rating,
            "flag": self.flag.value,
            "label": self.label.value,
            "tags": sorted(self.tags),
        }


def parse_rating(value: object) -> int:
    try:
        rating = int(str(value))
    except ValueError:
        raise MarkError(f"rating must be a whole number from 0 to 5, not {value!r}") from None
    if not 0 <= rating <= MAX_RATING:
        raise MarkError(f"rating must be from 0 to 5, not {rating}")
    return rating


def parse_flag(value: str) -> Flag:
    try:
        return Flag(value.strip().lower())
    except ValueError:
        raise MarkError(f"flag must be pick, reject or none, not {value!r}") from None


def parse_label(value: str) -> ColorLabel:
    try:
        return ColorLabel(value.strip().lower())
    except ValueError:
        names = ", ".join(c.value for c in ColorLabel)
        raise MarkError(f"label must be one of {names}, not {value!r}") from None


def parse_tag(value: str) -> str:
    """A keyword as stored: levels trimmed, empty levels refused (`Places||Paris`)."""
    levels = [level.strip() for level in value.split(TAG_SEPARATOR)]
    if not all(levels):
        raise MarkError(f"tag {value!r}: empty name or level (nest tags as Places|Paris)")
    tag = TAG_SEPARATOR.join(levels)
    if len(tag) > MAX_TAG_LENGTH or any(ord(c) < 32 for c in tag):
        raise MarkError(f"tag {value[:40]!r}: too long or holds control characters")
    return tag


def tag_levels(tag: str) -> list[str]:
    """Each level of a nested tag, as Lightroom writes them to the flat dc:subject."""
    return tag.split(TAG_SEPARATOR)
