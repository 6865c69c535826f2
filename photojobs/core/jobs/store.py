"""The job store: the one object callers hold for the SQLite job queue of a library.

It is made of parts, one idea each:
  queue.py        enqueue, claim, heartbeat, finish, cancel, retry
  stages.py       tasks: the first stage at start, the next when a stage completes
  items.py        the items a job works through, as it reports them
  recovery.py     jobs whose worker died (liveness.py says which workers are alive)
  transitions.py  the state changes of one job row, which the others share

Every state change is one BEGIN IMMEDIATE transaction, so a job is claimed by exactly one
worker even with two processes on one library. Time is a parameter (`now=`) for tests.
"""

from __future__ import annotations

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.jobs.items import JobItems
from photojobs.core.jobs.liveness import new_worker_id as new_worker_id
from photojobs.core.jobs.queue import JobQueue
from photojobs.core.jobs.recovery import Recovery
from photojobs.core.jobs.stages import TaskStages


class JobStore(JobQueue, TaskStages, JobItems, Recovery):
    def __init__(self, db: Database, config: Config):
        self.db = db
        self.config = config
