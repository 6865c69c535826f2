"""How the CLI speaks: JSON for scripts, short lines for people, one-line errors."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


class CliError(Exception):
    """Ends the command with exit code 1 and this message on stderr."""


def emit(args: Any, data: Any, text: str | list[str] | None = None) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if text is None:
        return
    lines = text if isinstance(text, list) else [text]
    for line in lines:
        print(line)


def emit_each(
    args: Any,
    items: Iterable[T],
    as_json: Callable[[T], Any],
    as_line: Callable[[T], str],
    empty: str | None = None,
) -> None:
    """`emit` for a list written one element at a time, so a listing of 100k photos is
    never one document in memory. The JSON is the text `emit` writes for the whole list."""
    out, as_document, n = sys.stdout, getattr(args, "json", False), 0
    for n, item in enumerate(items, 1):
        if as_document:
            out.write(("[\n  " if n == 1 else ",\n  ") + indented(as_json(item), "  "))
        else:
            print(as_line(item))
    if as_document:
        out.write("\n]\n" if n else "[]\n")
    elif not n and empty is not None:
        print(empty)


_STRING = json.encoder.encode_basestring  # json's own C escaper, as with ensure_ascii=False


def indented(value: Any, pad: str = "") -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, each line after the first led by
    `pad`, byte for byte. json's indented form runs its pure-Python encoder (the C one only
    serves `indent=None`): 12 µs a photo, two thirds of `photos --json` at 100k photos.
    Here the records' own shapes (str keys; str, int, float, bool, None, lists, dicts) are
    written directly, strings through json's C escaper; anything else goes to json."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    inner = pad + "  "
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        items = [_STRING(v) if v.__class__ is str else indented(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + pad + "]"
    if kind is dict and all(type(k) is str for k in value):
        if not value:
            return "{}"
        pairs = []
        for k, v in value.items():  # the common scalars inline: a call each costs as much
            if v.__class__ is str:
                text = _STRING(v)
            elif v is None:
                text = "null"
            elif v is True:
                text = "true"
            elif v is False:
                text = "false"
            elif v.__class__ is int:
                text = int.__repr__(v)
            else:
                text = indented(v, inner)
            pairs.append(_STRING(k) + ": " + text)
        return "{\n" + inner + (",\n" + inner).join(pairs) + "\n" + pad + "}"
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat("T", "seconds")
