"""Scheduler heartbeats: the scheduler process says it is alive; /healthz reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from heritage.store.tables import scheduler_heartbeats

__all__ = ["SCHEDULER", "Heartbeat", "beat", "latest_heartbeat"]

SCHEDULER = "scheduler"  # the name the scheduler process beats under


@dataclass(frozen=True)
class Heartbeat:
    name: str
    host: str
    pid: int
    started_at: datetime
    last_seen_at: datetime


def beat(
    session: Session, *, name: str, host: str, pid: int, started_at: datetime, now: datetime
) -> None:
    """Record that the process ``name`` is alive now."""
    changed = session.execute(
        update(scheduler_heartbeats)
        .where(scheduler_heartbeats.c.name == name)
        .values(host=host, pid=pid, started_at=started_at, last_seen_at=now)
    ).rowcount
    if not changed:
        session.execute(
            scheduler_heartbeats.insert().values(
                name=name, host=host, pid=pid, started_at=started_at, last_seen_at=now
            )
        )


def latest_heartbeat(session: Session, name: str) -> Heartbeat | None:
    row = session.execute(
        select(scheduler_heartbeats).where(scheduler_heartbeats.c.name == name)
    ).one_or_none()
    return Heartbeat(row.name, row.host, row.pid, row.started_at, row.last_seen_at) if row else None
