"""The scheduler process: APScheduler 3.x, one per deployment, never inside web workers.

Jobs only call the pipeline. Their schedule lives in the database (APScheduler's SQLAlchemy
job store), so a restart keeps each job's next run and coalesces the runs it missed. A lock
row in the database keeps the scheduler to one process: a second one started by mistake
logs who holds the lock and waits, taking over only if the holder stops renewing it. Every
job renews the lock before it runs, so a scheduler that lost it runs nothing more.

The job store keeps only a job's function reference, so the jobs are argument-free
module-level functions that find this process's runtime in ``_context``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from alerts.outbox import deliver_due
from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.errors import ConflictError
from heritage.pipeline.alerts import raise_alerts
from heritage.pipeline.digests import check_feeds, send_digests
from heritage.pipeline.polling import poll_sources
from heritage.pipeline.risk import IndexCache
from heritage.runtime import Runtime
from heritage.store import scheduler as scheduler_store
from heritage.store.heartbeats import SCHEDULER

__all__ = ["JOBS", "JOB_TABLE", "run_job", "run_once", "run_scheduler"]

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
DIGEST_CHECK_S = 300  # digests are due at an hour of each subscriber's day; look every 5 min


@dataclass
class _Context:
    runtime: Runtime | None = None
    holder: str = ""
    lease_s: float = 180.0
    index_cache: IndexCache = field(default_factory=IndexCache)
    lost_lock: threading.Event = field(default_factory=threading.Event)
    started_at: object = None


_context = _Context()


def _poll(session, runtime: Runtime, now) -> str:
    return poll_sources(session, runtime.settings, runtime.gazetteer_cache, now=now).summary()


def _assess(session, runtime: Runtime, now) -> str:
    result = pipeline.match_and_assess(
        session, RISK_MODEL, now=now, index_cache=_context.index_cache
    )
    return f"{result.events_matched} event(s) matched, {len(result.levels)} site(s) reassessed"


def _alerts(session, runtime: Runtime, now) -> str:
    return raise_alerts(session, runtime.settings, now=now).summary()


def _feeds(session, runtime: Runtime, now) -> str:
    return f"{check_feeds(session, runtime.settings, now=now)} feed message(s) queued"


def _digests(session, runtime: Runtime, now) -> str:
    return f"{send_digests(session, runtime.settings, now=now)} digest(s) queued"


def _deliver(session, runtime: Runtime, now) -> str:
    return deliver_due(session, runtime.settings, now=now).summary()


def _heartbeat(session, runtime: Runtime, now) -> str:
    pipeline.record_heartbeat(
        session,
        name=SCHEDULER,
        host=socket.gethostname(),
        pid=os.getpid(),
        started_at=_context.started_at or now,
        now=now,
    )
    return "alive"


# In the order run-once runs them: news in, risk, alerts, messages out.
JOBS: dict[str, tuple[Callable, Callable]] = {}


def poll_job() -> None:
    run_job("poll")


def assess_job() -> None:
    run_job("assess")


def alerts_job() -> None:
    run_job("alerts")


def feeds_job() -> None:
    run_job("feeds")


def digests_job() -> None:
    run_job("digests")


def deliver_job() -> None:
    run_job("deliver")


def heartbeat_job() -> None:
    run_job("heartbeat")


JOBS.update(
    poll=(_poll, poll_job),
    assess=(_assess, assess_job),
    alerts=(_alerts, alerts_job),
    feeds=(_feeds, feeds_job),
    digests=(_digests, digests_job),
    deliver=(_deliver, deliver_job),
    heartbeat=(_heartbeat, heartbeat_job),
)


def _take_lock(session, runtime: Runtime, now) -> bool:
    """Take or renew the lock; a holder on this machine whose process is gone (killed, so it
    never released it) loses it at once instead of when its lease runs out."""
    lease = _context.lease_s
    if scheduler_store.acquire_lock(session, _context.holder, now=now, lease_s=lease):
        return True
    held = scheduler_store.lock_holder(session)
    if held is None or not _is_dead_here(held.holder):
        return False
    log.warning("the scheduler lock holder %s is no longer running; taking over", held.holder)
    return scheduler_store.take_over_lock(
        session, held.holder, _context.holder, now=now, lease_s=lease
    )


def _is_dead_here(holder: str) -> bool:
    *_, host, pid = holder.split(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its lease can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def run_job(name: str) -> bool:
    """Run one job now, if this process still holds the lock; record the run. True if ok."""
    runtime = _context.runtime
    step = JOBS[name][0]
    started = runtime.clock()
    with runtime.session() as session:
        if not _take_lock(session, runtime, started):
            holder = scheduler_store.lock_holder(session)
            log.error(
                "job %s not run: the scheduler lock is held by %s; this scheduler stops",
                name,
                holder.holder if holder else "another process",
            )
            _context.lost_lock.set()
            return False
        try:
            summary, status = step(session, runtime, started), "ok"
        except Exception as exc:  # the job boundary: log it, record it, the next run goes on
            session.rollback()
            log.exception("job %s failed", name)
            summary, status = f"{type(exc).__name__}: {exc}", "failed"
        log.info("job %s: %s", name, summary)
        scheduler_store.record_run(
            session,
            name,
            started_at=started,
            finished_at=runtime.clock(),
            status=status,
            summary=summary,
        )
        session.commit()
    return status == "ok"


def run_once(runtime: Runtime, only: str | None = None) -> dict[str, bool]:
    """Run every job once (or just ``only``), in order, under the scheduler lock (for cron
    and tests).

    Raises ConflictError when a running scheduler holds the lock: running the jobs beside it
    would send its messages twice.
    """
    _enter(runtime, f"run-once:{socket.gethostname()}:{os.getpid()}")
    with runtime.session() as session:
        if not _take_lock(session, runtime, runtime.clock()):
            holder = scheduler_store.lock_holder(session)
            raise ConflictError(
                f"the scheduler {holder.holder if holder else ''} holds the lock until "
                f"{holder.expires_at.isoformat() if holder else '?'}: its jobs are running"
            )
    try:
        return {name: run_job(name) for name in JOBS if only in (None, name)}
    finally:
        with runtime.session() as session:
            scheduler_store.release_lock(session, _context.holder)


def run_scheduler(runtime: Runtime, stop: threading.Event) -> None:
    """Take the lock (waiting while another scheduler holds it), then run the jobs on their
    intervals until ``stop`` is set or the lock is lost."""
    _enter(runtime, f"{socket.gethostname()}:{os.getpid()}")
    if not _wait_for_lock(runtime, stop):
        return
    scheduler = BackgroundScheduler(
        timezone="UTC",
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.engine, tablename=JOB_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.start(paused=True)
    _sync_jobs(scheduler, runtime)
    scheduler.resume()
    log.info("scheduler %s holds the lock and runs %d jobs", _context.holder, len(JOBS))
    try:
        while not stop.wait(1.0):
            if _context.lost_lock.is_set():
                break
    finally:
        scheduler.shutdown(wait=True)
        with runtime.session() as session:
            scheduler_store.release_lock(session, _context.holder)
        log.info("scheduler %s stopped and released the lock", _context.holder)


def _enter(runtime: Runtime, holder: str) -> None:
    _context.runtime, _context.holder = runtime, holder
    # Three missed heartbeats: a scheduler that stopped renewing is gone, not busy (jobs run
    # in a thread pool, so a long job never holds the heartbeat back).
    _context.lease_s = 3 * runtime.settings.scheduler_heartbeat_s
    _context.started_at = runtime.clock()
    _context.lost_lock.clear()


def _wait_for_lock(runtime: Runtime, stop: threading.Event) -> bool:
    warned = False
    while not stop.is_set():
        with runtime.session() as session:
            if _take_lock(session, runtime, runtime.clock()):
                return True
            holder = scheduler_store.lock_holder(session)
        if not warned:
            log.warning(
                "another scheduler (%s) holds the lock until %s: this one runs no job and "
                "takes over only if that one stops",
                holder.holder if holder else "?",
                holder.expires_at.isoformat() if holder else "?",
            )
            warned = True
        stop.wait(_context.lease_s / 3)
    return False


def _intervals(runtime: Runtime) -> dict[str, int]:
    s = runtime.settings
    return {
        "poll": s.poll_interval_s,
        "assess": s.assess_interval_s,
        "alerts": s.assess_interval_s,
        "feeds": s.poll_interval_s,
        "digests": DIGEST_CHECK_S,
        "deliver": s.delivery_interval_s,
        "heartbeat": s.scheduler_heartbeat_s,
    }


def _sync_jobs(scheduler: BackgroundScheduler, runtime: Runtime) -> None:
    """Add the jobs the store lacks and reschedule those whose interval changed; a job that
    is already stored keeps its next run (that is what the persistent store is for)."""
    first = runtime.clock() + timedelta(seconds=5)
    for offset, (name, seconds) in enumerate(_intervals(runtime).items()):
        function = JOBS[name][1]
        job = scheduler.get_job(name)
        trigger = IntervalTrigger(seconds=seconds, timezone="UTC")
        if job is None:
            scheduler.add_job(
                function, trigger, id=name, next_run_time=first + timedelta(seconds=offset)
            )
        elif job.trigger.interval != trigger.interval or job.func is not function:
            scheduler.modify_job(name, func=function)
            scheduler.reschedule_job(name, trigger=trigger)
