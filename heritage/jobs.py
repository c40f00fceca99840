"""The scheduler process: APScheduler 3.x, one per deployment, never inside web workers.

Jobs are module-level functions that only call the pipeline; each opens its own session and
catches its own errors, so one failing run never stops the scheduler.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.errors import HeritageError
from heritage.pipeline.risk import IndexCache
from heritage.runtime import Runtime
from heritage.store.heartbeats import SCHEDULER

__all__ = ["assess_tick", "build_scheduler", "heartbeat"]

log = logging.getLogger(__name__)


def build_scheduler(runtime: Runtime) -> BlockingScheduler:
    """A blocking scheduler with the monitor's jobs; ``start()`` runs it until interrupted."""
    scheduler = BlockingScheduler(timezone="UTC")
    started_at = runtime.clock()
    scheduler.add_job(
        heartbeat,
        "interval",
        seconds=runtime.settings.scheduler_heartbeat_s,
        kwargs={"runtime": runtime, "started_at": started_at},
        id="heartbeat",
        next_run_time=started_at + timedelta(seconds=1),
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        assess_tick,
        "interval",
        seconds=runtime.settings.assess_interval_s,
        kwargs={"runtime": runtime, "index_cache": IndexCache()},
        id="assess",
        coalesce=True,
        max_instances=1,
        next_run_time=started_at + timedelta(seconds=5),
    )
    return scheduler


def assess_tick(runtime: Runtime, index_cache: IndexCache | None = None) -> None:
    """Match what changed since the last tick and reassess the sites it touches."""
    try:
        with runtime.session() as session:
            result = pipeline.match_and_assess(
                session, RISK_MODEL, now=runtime.clock(), index_cache=index_cache
            )
        log.info(
            "assess tick: %d event(s) matched, %d site(s) reassessed",
            result.events_matched,
            len(result.levels),
        )
    except HeritageError:
        log.exception("assess tick failed")


def heartbeat(runtime: Runtime, started_at) -> None:
    """Record that the scheduler is alive, so /healthz can tell silence from a dead scheduler."""
    try:
        with runtime.session() as session:
            pipeline.record_heartbeat(
                session,
                name=SCHEDULER,
                host=socket.gethostname(),
                pid=os.getpid(),
                started_at=started_at,
                now=runtime.clock(),
            )
    except HeritageError:
        log.exception("heartbeat failed")
