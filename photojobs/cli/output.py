"""How the CLI speaks: JSON for scripts, short lines for people, one-line errors."""

from __future__ import annotations

import json
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
            text = json.dumps(as_json(item), ensure_ascii=False, indent=2)
            out.write(("[\n  " if n == 1 else ",\n  ") + text.replace("\n", "\n  "))
        else:
            print(as_line(item))
    if as_document:
        out.write("\n]\n" if n else "[]\n")
    elif not n and empty is not None:
        print(empty)


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat("T", "seconds")
