"""The CLI's indented JSON writer is json.dumps(indent=2), byte for byte, for every shape."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from photojobs.cli.output import indented


class Label(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


VALUES: list[Any] = [
    {},
    [],
    {"a": []},
    {"a": {}},
    {"id": 7, "base": 'IMG "quoted" \\ back', "files": ["a.JPG", "a.DNG"], "tags": []},
    {"name": "Zoë\u00e9 \u2603 \U0001f4f7", "control": "tab\there\nline\x00\x1f"},
    {"t": True, "f": False, "n": None, "zero": 0, "neg": -12, "big": 2**70},
    {"floats": [0.1, 1e16, 1.5e-7, -0.0, 3.0, 1234567.125]},
    {"odd": [float("nan"), float("inf"), float("-inf")]},
    {"nested": {"deeper": [{"x": [1, [2, [3, []]]]}, ("tuple", "too")]}},
    {"enums": [Label.RED, Level.HIGH], "label": Label.RED},
    {1: "int key", 2.5: "float key"},  # json turns keys into strings its own way
    [None, "x", [], {}],
    "plain string",
    42,
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("pad", ["", "  ", "    "])
def test_indented_is_json_dumps_with_indent_two(value: Any, pad: str) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)
    assert indented(value, pad) == expected


def test_a_photo_record_reads_back_as_written() -> None:
    record = {"id": 1, "base": "P1", "files": ["P1.JPG"], "date_taken": None, "rating": 5}
    assert json.loads(indented(record)) == record
