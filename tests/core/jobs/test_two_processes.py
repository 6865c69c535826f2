"""Two real processes claim from one library database: no job is claimed twice."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library

WORKER = r"""
import sys, time
from pathlib import Path
from photojobs.core.config import load_config
from photojobs.core.db import Database
from photojobs.core.jobs.store import JobStore, new_worker_id

db_path, out, go = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
store = JobStore(Database(db_path), load_config())
me = new_worker_id()
out.with_suffix(".ready").touch()
while not go.exists():  # start together
    time.sleep(0.005)
claimed = []
while (job := store.claim(me)) is not None:
    claimed.append(job.id)
    if not store.complete(job.id, me):
        raise SystemExit(f"lost job {job.id}")
out.write_text("\n".join(map(str, claimed)))
"""


def test_two_processes_never_claim_one_job_twice(tmp_path: Path, library: Library) -> None:
    store = JobStore(library.db, library.config)
    ids = {store.enqueue("diagnostic_noop", priority=i % 7, now=1.0).id for i in range(300)}
    go = tmp_path / "go"
    outs = [tmp_path / f"claimed-{n}.txt" for n in (1, 2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(library.db.path), str(out), str(go)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    deadline = time.monotonic() + 30
    while not all(o.with_suffix(".ready").exists() for o in outs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err

    claimed = [[int(x) for x in out.read_text().split()] for out in outs]
    together = claimed[0] + claimed[1]
    assert len(together) == len(set(together)), "a job was claimed twice"
    assert set(together) == ids
    assert all(claimed), "one process claimed nothing, so they never competed"
    assert {j.status.value for j in map(store.get, ids)} == {"completed"}
