"""Natural order of names, as people count: `SLOW_2` before `SLOW_10`, `img_3` beside `IMG_3`.

Two forms of one order: `natural_key` (a tuple, for sorting in Python) and `natural_text`
(a string that sorts the same way byte by byte, stored beside each photo's name so that
SQLite orders the grid by itself, with an index: an SQLite collation calling back into
Python per comparison takes four times as long as a key per name).
"""

from __future__ import annotations

import re
from functools import lru_cache

_RUNS = re.compile(r"(\d+)")

NaturalKey = tuple[tuple[tuple[int, int | str], ...], str]


@lru_cache(maxsize=1 << 16)
def natural_key(name: str) -> NaturalKey:
    """Digit runs compare by value, text case-insensitively; the name itself breaks ties."""
    parts = _RUNS.split(name)
    runs = tuple(
        (0, int(part)) if i % 2 else (1, part.casefold()) for i, part in enumerate(parts) if part
    )
    return runs, name


def natural_text(name: str) -> str:
    """`natural_key` as a string that plain (binary) comparison puts in the same order:
    each digit run is marked 0x01 and written as its length (three digits) then its
    digits without leading zeros, so 2 < 10; each text run is marked 0x02 (after any digit
    run, as in `natural_key`) and casefolded; the name itself, after 0x00, breaks ties."""
    out = []
    for i, part in enumerate(_RUNS.split(name)):
        if not part:
            continue
        if i % 2:
            digits = part.lstrip("0")
            out.append(f"\x01{len(digits):03d}{digits}")
        else:
            out.append(f"\x02{part.casefold()}")
    return "".join(out) + "\x00" + name
