"""The two forms of natural order agree: the tuple Python sorts by and the text SQLite sorts
by (the grid's order comes from the second, everything else from the first)."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from photojobs.core.natural import natural_key, natural_text

# names as cameras and people write them: letters, digit runs (leading zeros too), marks
NAME = st.text(alphabet=st.sampled_from("aAbBzZ_-. 0123456789éÉ"), min_size=1, max_size=14)


def test_people_count_in_names() -> None:
    names = ["IMG_10", "img_2", "IMG_2", "IMG_1", "IMG_0002a", "DSC_9", "IMG_2b", "IMG_"]
    assert sorted(names, key=natural_text) == [
        "DSC_9", "IMG_", "IMG_1", "IMG_2", "img_2", "IMG_0002a", "IMG_2b", "IMG_10",
    ]  # fmt: skip


@given(st.lists(NAME, min_size=2, max_size=30, unique=True))
def test_the_text_sorts_as_the_key(names: list[str]) -> None:
    assert sorted(names, key=natural_text) == sorted(names, key=natural_key)


@given(st.lists(NAME, min_size=2, max_size=30, unique=True))
def test_sqlite_orders_the_text_as_python_does(names: list[str]) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (name TEXT, key TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, natural_text(n)) for n in names])
    in_sqlite = [r[0] for r in conn.execute("SELECT name FROM t ORDER BY key")]
    conn.close()
    assert in_sqlite == sorted(names, key=natural_key)
