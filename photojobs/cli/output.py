"""How the CLI speaks: JSON for scripts, short lines for people, one-line errors."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any


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


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat("T", "seconds")
