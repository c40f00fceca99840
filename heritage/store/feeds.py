"""Sources, ingest runs and the quarantine of rejected rows: what tells silence from failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from heritage.domain import Rejection
from heritage.store.tables import ingests, quarantine, sources, watched_sources

__all__ = [
    "QuarantinedRow",
    "SourceStatus",
    "WatchedSource",
    "list_watched",
    "mark_stale_notified",
    "unwatch_source",
    "watch_source",
    "finish_ingest",
    "list_quarantine",
    "list_sources",
    "oldest_running_ingest",
    "quarantine_rows",
    "record_failure",
    "start_ingest",
]


@dataclass(frozen=True)
class SourceStatus:
    id: int
    location: str
    format: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    last_counts: dict | None
    ingests: int
    quarantined: int


@dataclass(frozen=True)
class QuarantinedRow:
    id: int
    source: str
    file: str
    row: int
    column: str | None
    reason: str
    raw: dict
    created_at: datetime


def start_ingest(
    session: Session, location: str, fmt: str, file: str, *, now: datetime
) -> tuple[int, int]:
    """Record an attempt to ingest ``location``; returns (source id, ingest id)."""
    source_id = session.execute(select(sources.c.id).where(sources.c.location == location)).scalar()
    if source_id is None:
        source_id = session.execute(
            insert(sources).values(location=location, format=fmt, ingests=0).returning(sources.c.id)
        ).scalar_one()
    session.execute(
        update(sources)
        .where(sources.c.id == source_id)
        .values(format=fmt, last_attempt_at=now, ingests=sources.c.ingests + 1)
    )
    ingest_id = session.execute(
        insert(ingests)
        .values(source_id=source_id, file=file, started_at=now, status="running")
        .returning(ingests.c.id)
    ).scalar_one()
    return source_id, ingest_id


def finish_ingest(
    session: Session, source_id: int, ingest_id: int, counts: dict, *, now: datetime
) -> None:
    session.execute(
        update(ingests)
        .where(ingests.c.id == ingest_id)
        .values(finished_at=now, status="ok", counts=counts)
    )
    session.execute(
        update(sources)
        .where(sources.c.id == source_id)
        .values(last_success_at=now, last_counts=counts)
    )


def record_failure(
    session: Session, location: str, fmt: str, file: str, error: str, *, now: datetime
) -> None:
    """Record a failed ingest (in a transaction of its own, after the failed one rolled back)."""
    source_id, ingest_id = start_ingest(session, location, fmt, file, now=now)
    session.execute(
        update(ingests)
        .where(ingests.c.id == ingest_id)
        .values(finished_at=now, status="failed", error=error)
    )
    session.execute(
        update(sources).where(sources.c.id == source_id).values(last_error=error, last_error_at=now)
    )


def quarantine_rows(
    session: Session,
    source_id: int,
    ingest_id: int,
    rejections: Sequence[Rejection],
    *,
    now: datetime,
) -> None:
    if not rejections:
        return
    session.execute(
        insert(quarantine),
        [
            {
                "ingest_id": ingest_id,
                "source_id": source_id,
                "file": r.source_file,
                "row": r.row,
                "column": r.column,
                "reason": r.reason,
                "raw": _jsonable(r.raw),
                "created_at": now,
            }
            for r in rejections
        ],
    )


def oldest_running_ingest(session: Session, *, now: datetime) -> datetime | None:
    """When the oldest ingest still running started (ignoring any older than six hours: a
    crashed one must not hold matching back for ever)."""
    return session.execute(
        select(func.min(ingests.c.started_at)).where(
            ingests.c.status == "running", ingests.c.started_at >= now - timedelta(hours=6)
        )
    ).scalar_one_or_none()


def list_sources(session: Session) -> list[SourceStatus]:
    counts = dict(
        session.execute(
            select(quarantine.c.source_id, func.count()).group_by(quarantine.c.source_id)
        ).all()
    )
    rows = session.execute(select(sources).order_by(sources.c.location)).all()
    return [
        SourceStatus(
            r.id,
            r.location,
            r.format,
            r.last_attempt_at,
            r.last_success_at,
            r.last_error,
            r.last_error_at,
            r.last_counts,
            r.ingests,
            counts.get(r.id, 0),
        )
        for r in rows
    ]


def list_quarantine(
    session: Session, *, source: str | None, limit: int, offset: int
) -> tuple[list[QuarantinedRow], int]:
    """Rejected rows, newest first; ``source`` filters by the source's location."""
    statement = select(quarantine, sources.c.location).join(
        sources, sources.c.id == quarantine.c.source_id
    )
    count = select(func.count()).select_from(
        quarantine.join(sources, sources.c.id == quarantine.c.source_id)
    )
    if source:
        statement = statement.where(sources.c.location == source)
        count = count.where(sources.c.location == source)
    rows = session.execute(
        statement.order_by(quarantine.c.id.desc()).limit(limit).offset(offset)
    ).all()
    items = [
        QuarantinedRow(r.id, r.location, r.file, r.row, r.column, r.reason, r.raw, r.created_at)
        for r in rows
    ]
    return items, session.execute(count).scalar_one()


@dataclass(frozen=True)
class WatchedSource:
    """A source the monitor expects to hear from: polled by the scheduler when it has a poll
    interval, and reported stale when it stays silent longer than expected."""

    location: str
    format: str | None
    source_name: str | None
    poll_interval_s: int | None
    expected_interval_s: int | None
    stale_notified_at: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    created_at: datetime


def watch_source(
    session: Session,
    location: str,
    *,
    fmt: str | None,
    source_name: str | None,
    poll_interval_s: int | None,
    expected_interval_s: int | None,
    now: datetime,
) -> None:
    """Watch ``location`` (added, or its settings replaced)."""
    values = {
        "format": fmt,
        "source_name": source_name,
        "poll_interval_s": poll_interval_s,
        "expected_interval_s": expected_interval_s,
    }
    done = session.execute(
        update(watched_sources).where(watched_sources.c.location == location).values(**values)
    ).rowcount
    if not done:
        session.execute(insert(watched_sources).values(location=location, created_at=now, **values))


def unwatch_source(session: Session, location: str) -> bool:
    return bool(
        session.execute(
            watched_sources.delete().where(watched_sources.c.location == location)
        ).rowcount
    )


def list_watched(session: Session) -> list[WatchedSource]:
    rows = session.execute(
        select(
            watched_sources,
            sources.c.last_attempt_at,
            sources.c.last_success_at,
            sources.c.last_error,
            sources.c.last_error_at,
        )
        .outerjoin(sources, sources.c.location == watched_sources.c.location)
        .order_by(watched_sources.c.location)
    ).all()
    return [
        WatchedSource(
            r.location,
            r.format,
            r.source_name,
            r.poll_interval_s,
            r.expected_interval_s,
            r.stale_notified_at,
            r.last_attempt_at,
            r.last_success_at,
            r.last_error,
            r.last_error_at,
            r.created_at,
        )
        for r in rows
    ]


def mark_stale_notified(session: Session, location: str, at: datetime | None) -> None:
    """Remember that admins were told this source is stale (None once it is healthy again)."""
    session.execute(
        update(watched_sources)
        .where(watched_sources.c.location == location)
        .values(stale_notified_at=at)
    )


def _jsonable(raw) -> dict:
    return {
        str(k): (v if isinstance(v, (str, int, float, bool)) or v is None else str(v))
        for k, v in raw.items()
    }
