"""Item reports: written as plain statements, each row found by (job_id, key), so a report
costs the same in a job of 40,000 items as in an empty one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from photojobs.core.jobs.items import KEYS_PER_QUERY
from photojobs.core.jobs.model import ItemReport
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

T0 = 1_000_000.0


def statements_of(library: Library, action: Callable[[], None]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: object, _cur: object, sql: str, params: Any, _ctx: object, many: bool) -> None:
        seen.append((sql, params[0] if many else params))

    event.listen(library.db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(library.db.engine, "before_cursor_execute", record)
    return seen


def test_each_statement_of_a_report_finds_its_rows_through_the_job_and_key_index(
    library: Library, store: JobStore
) -> None:
    job = store.enqueue_with_items("x", [(f"k{i}", None) for i in range(2_000)], now=T0)
    issued = statements_of(library, lambda: store.set_item(job.id, "k1999", "done", now=T0))
    issued += statements_of(
        library, lambda: store.set_items(job.id, [ItemReport("k7", "failed", "bad")], now=T0)
    )
    issued += statements_of(library, lambda: store.set_item(job.id, "new", "done", now=T0))

    lookups = [(sql, p) for sql, p in issued if "job_items" in sql and "INSERT" not in sql]
    assert len(lookups) == 5  # three keys looked up, two rows updated
    conn = sqlite3.connect(library.db.path)
    try:
        for sql, params in lookups:
            plan = " ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
            assert "INDEX job_items_job_key (job_id=? AND key=?)" in plan, (sql, plan)
    finally:
        conn.close()


def test_a_report_updates_items_it_knows_and_adds_the_others(
    store: JobStore, rows: Callable[..., list[dict[str, Any]]]
) -> None:
    job = store.enqueue_with_items("x", [("a", None), ("b", None)], now=T0)
    many = [ItemReport(f"n{i}", "done") for i in range(KEYS_PER_QUERY + 7)]

    store.set_items(job.id, [ItemReport("b", "failed", "corrupt", "b.jpg"), *many], now=T0 + 1)
    store.set_items(job.id, [ItemReport("n3", "failed", "again")], now=T0 + 2)

    items = {r["key"]: r for r in rows("job_id = ?", job.id, table="job_items")}
    assert len(items) == 2 + KEYS_PER_QUERY + 7, "each key once, across the chunks of lookups"
    assert (items["a"]["status"], items["a"]["updated_at"]) == ("pending", None)
    assert (items["b"]["status"], items["b"]["name"], items["b"]["message"]) == (
        "failed", "b.jpg", "corrupt",
    )  # fmt: skip
    assert items["n3"]["name"] == "n3", "a report without a name is named by its key"
    assert items["a"]["name"] is None, "not reported yet"
    assert items["b"]["updated_at"] == T0 + 1
    assert (items["n3"]["status"], items["n3"]["message"]) == ("failed", "again")
    assert items[f"n{KEYS_PER_QUERY + 6}"]["status"] == "done"
