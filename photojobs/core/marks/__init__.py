"""Rating, flag, colour label and tags: the photographer's marks, Qt-free.

`marking` sets them (returning before/after for undo), `filters` finds photos by them,
`tags` keeps the keyword tables; `core/xmp` mirrors them to sidecars.
"""

from photojobs.core.marks.marking import (
    MarksChange,
    change_tags,
    discard_rejected,
    marks_of,
    put_marks,
    rejected_to_discard,
    set_flag,
    set_label,
    set_rating,
)
from photojobs.core.marks.model import (
    ColorLabel,
    Flag,
    MarkError,
    Marks,
    parse_flag,
    parse_label,
    parse_rating,
    parse_tag,
)

__all__ = [
    "ColorLabel",
    "Flag",
    "MarkError",
    "Marks",
    "MarksChange",
    "change_tags",
    "discard_rejected",
    "marks_of",
    "parse_flag",
    "parse_label",
    "parse_rating",
    "parse_tag",
    "put_marks",
    "rejected_to_discard",
    "set_flag",
    "set_label",
    "set_rating",
]
