"""The scheduler's own state: the lock that keeps it to one process, and each job's runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData, Table, delete, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from heritage.store.tables import job_runs, scheduler_lock

__all__ = [
    "JobRun",
    "LockHolder",
    "acquire_lock",
    "latest_runs",
    "lock_holder",
    "next_runs",
    "record_run",
    "release_lock",
    "take_over_lock",
]

_LOCK = "scheduler"
_KEEP_RUNS = 50  # per job: enough to see a pattern of failures, small enough to forget


@dataclass(frozen=True)
class LockHolder:
    holder: str
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class JobRun:
    job: str
    started_at: datetime
    finished_at: datetime
    status: str
    summary: str


def acquire_lock(session: Session, holder: str, *, now: datetime, lease_s: float) -> bool:
    """Take or renew the scheduler lock for ``holder``; False while another holds a live lease.

    Commits, so the lock is visible to other processes at once.
    """
    expires = now + timedelta(seconds=lease_s)
    took = session.execute(
        update(scheduler_lock)
        .where(
            scheduler_lock.c.name == _LOCK,
            (scheduler_lock.c.holder == holder) | (scheduler_lock.c.expires_at <= now),
        )
        .values(holder=holder, acquired_at=now, expires_at=expires)
    ).rowcount
    if not took:
        try:
            session.execute(
                insert(scheduler_lock).values(
                    name=_LOCK, holder=holder, acquired_at=now, expires_at=expires
                )
            )
            took = 1
        except IntegrityError:  # the row exists and another process holds it
            session.rollback()
            return False
    session.commit()
    return bool(took)


def take_over_lock(
    session: Session, dead_holder: str, holder: str, *, now: datetime, lease_s: float
) -> bool:
    """Take the lock from a holder known to be dead (only if it still holds it). Commits."""
    took = session.execute(
        update(scheduler_lock)
        .where(scheduler_lock.c.name == _LOCK, scheduler_lock.c.holder == dead_holder)
        .values(holder=holder, acquired_at=now, expires_at=now + timedelta(seconds=lease_s))
    ).rowcount
    session.commit()
    return bool(took)


def release_lock(session: Session, holder: str) -> None:
    session.execute(
        delete(scheduler_lock).where(
            scheduler_lock.c.name == _LOCK, scheduler_lock.c.holder == holder
        )
    )
    session.commit()


def lock_holder(session: Session) -> LockHolder | None:
    row = session.execute(
        select(scheduler_lock).where(scheduler_lock.c.name == _LOCK)
    ).one_or_none()
    return LockHolder(row.holder, row.acquired_at, row.expires_at) if row else None


def record_run(
    session: Session,
    job: str,
    *,
    started_at: datetime,
    finished_at: datetime,
    status: str,
    summary: str,
) -> None:
    session.execute(
        insert(job_runs).values(
            job=job,
            started_at=started_at,
            finished_at=finished_at,
            status=status,
            summary=summary[:4000],
        )
    )
    keep = (
        select(job_runs.c.id)
        .where(job_runs.c.job == job)
        .order_by(job_runs.c.id.desc())
        .limit(_KEEP_RUNS)
    )
    oldest_kept = session.execute(select(func.min(keep.subquery().c.id))).scalar()
    if oldest_kept is not None:
        session.execute(delete(job_runs).where(job_runs.c.job == job, job_runs.c.id < oldest_kept))


def latest_runs(session: Session) -> dict[str, JobRun]:
    """Each job's last run."""
    newest = select(func.max(job_runs.c.id).label("id")).group_by(job_runs.c.job).subquery()
    rows = session.execute(select(job_runs).join(newest, job_runs.c.id == newest.c.id))
    return {
        row.job: JobRun(row.job, row.started_at, row.finished_at, row.status, row.summary)
        for row in rows
    }


def next_runs(session: Session, table: str) -> dict[str, datetime | None]:
    """Each stored job's next run, read from APScheduler's job table (empty until the
    scheduler first started; None for a paused job)."""
    if not inspect(session.get_bind()).has_table(table):
        return {}
    jobs = Table(table, MetaData(), autoload_with=session.get_bind())
    rows = session.execute(select(jobs.c.id, jobs.c.next_run_time))
    return {
        row.id: datetime.fromtimestamp(row.next_run_time, UTC) if row.next_run_time else None
        for row in rows
    }
