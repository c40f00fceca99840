"""The event store: idempotent upserts keyed by (source, source id), revisions, retractions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from heritage.domain import ConflictEvent, DatePrecision, EventType, Fatalities, Retraction
from heritage.errors import NotFoundError
from heritage.store.tables import event_revisions, events, exposures

__all__ = [
    "EventQuery",
    "EventRevision",
    "SaveCounts",
    "StoredEvent",
    "event_ref",
    "events_by_refs",
    "get_event",
    "list_events",
    "retract_events",
    "retract_missing",
    "revised_since",
    "save_events",
]

_BATCH = 900  # ids per IN (...) lookup; under SQLite's bound-parameter limit


@dataclass
class SaveCounts:
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    retracted: int = 0
    unknown_retractions: int = 0


@dataclass(frozen=True)
class StoredEvent:
    ref: str  # "source:source_id", the public id
    event: ConflictEvent
    version: int
    retracted: bool
    first_seen_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class EventRevision:
    version: int
    revision: str
    retracted: bool
    data: dict
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True)
class EventQuery:
    bbox: tuple[float, float, float, float] | None = None
    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    source: str | None = None
    include_retracted: bool = False
    site_id: str | None = None  # only events matched to this site


def event_ref(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


def save_events(session: Session, batch: Sequence[ConflictEvent], *, now: datetime) -> SaveCounts:
    """Insert new events, update changed ones (keeping the earlier version), skip the same.

    An older revision of a stored event (a lower ACLED timestamp) never overwrites a newer one.
    """
    counts = SaveCounts()
    by_source: dict[str, list[ConflictEvent]] = {}
    for event in batch:
        by_source.setdefault(event.source, []).append(event)
    for source, group in by_source.items():
        existing = _existing(session, source, [e.source_id for e in group])
        new_rows = []
        for event in group:
            fingerprint = _fingerprint(event)
            old = existing.get(event.source_id)
            if old is None:
                new_rows.append(
                    _row(event, fingerprint)
                    | {
                        "version": 1,
                        "retracted": False,
                        "first_seen_at": now,
                        "changed_at": now,
                    }
                )
                counts.stored += 1
            elif (old.fingerprint == fingerprint and not old.retracted) or _is_older(
                event.revision, old.revision
            ):
                if old.fingerprint == fingerprint and _is_older(old.revision, event.revision):
                    # Same content, newer marker: keep the marker, so an older export cannot win.
                    session.execute(
                        update(events).where(events.c.id == old.id).values(revision=event.revision)
                    )
                counts.unchanged += 1
            else:
                _archive(session, old.id, now)
                session.execute(
                    update(events)
                    .where(events.c.id == old.id)
                    .values(
                        **_row(event, fingerprint),
                        version=old.version + 1,
                        retracted=False,
                        changed_at=now,
                    )
                )
                counts.updated += 1
        if new_rows:
            _insert_many(session, new_rows)
    return counts


def _insert_many(session: Session, rows: list[dict]) -> None:
    """Bulk insert; on SQLite straight through the driver's executemany.

    SQLAlchemy's per-row parameter handling took 0.5 s of a 1.4 s ingest of the UCDP Syria
    file; the same bind processors applied in one loop take a fraction of that.
    """
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(events), rows)
        return
    names = list(rows[0])
    processors = [events.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    statement = f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    columns = []
    for name, processor in zip(names, processors, strict=True):
        values = [row[name] for row in rows]  # column by column: one map() per processor
        if processor is None:
            columns.append(values)
        elif all(v is values[0] for v in values):  # the batch's timestamps: convert once
            columns.append([processor(values[0])] * len(values))
        else:
            columns.append(list(map(processor, values)))
    connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))


def retract_events(
    session: Session, retractions: Iterable[Retraction], *, now: datetime
) -> SaveCounts:
    """Mark events withdrawn by their source; the earlier state goes to the revision history."""
    counts = SaveCounts()
    by_source: dict[str, list[Retraction]] = {}
    for retraction in dict.fromkeys(retractions):  # an id named twice is retracted once
        by_source.setdefault(retraction.source, []).append(retraction)
    for source, group in by_source.items():
        existing = _existing(session, source, [r.source_id for r in group])
        for retraction in group:
            old = existing.get(retraction.source_id)
            if old is None:
                counts.unknown_retractions += 1
            elif old.retracted:
                counts.unchanged += 1
            else:
                _retract(session, old, retraction.revision or old.revision, now)
                counts.retracted += 1
    return counts


def retract_missing(
    session: Session,
    source: str,
    seen: set[str],
    first: date,
    last: date,
    *,
    countries: set[str],
    now: datetime,
) -> int:
    """Retract a source's events in the countries and dates [first, last] of a new release
    that the release left out."""
    rows = session.execute(
        select(
            events.c.id, events.c.source_id, events.c.version, events.c.revision, events.c.retracted
        )
        .where(events.c.source == source, events.c.retracted.is_(False))
        .where(events.c.date_start >= first, events.c.date_start <= last)
        .where(events.c.country.in_(sorted(countries)))
    ).all()
    missing = [row for row in rows if row.source_id not in seen]
    for row in missing:
        _retract(session, row, row.revision, now)
    return len(missing)


def get_event(session: Session, ref: str) -> tuple[StoredEvent, list[EventRevision]]:
    """One event by its public id ('source:source_id'), with its earlier versions."""
    source, _, source_id = ref.partition(":")
    row = session.execute(
        select(events).where(events.c.source == source, events.c.source_id == source_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("event", ref)
    history = [
        EventRevision(r.version, r.revision, r.retracted, r.data, r.valid_from, r.valid_until)
        for r in session.execute(
            select(event_revisions)
            .where(event_revisions.c.event_id == row.id)
            .order_by(event_revisions.c.version)
        )
    ]
    stored = stored_event(row)
    current = EventRevision(
        row.version, row.revision, row.retracted, _data(stored.event), row.changed_at, None
    )
    return stored, [*history, current]


def events_by_refs(session: Session, refs: Iterable[str]) -> dict[str, StoredEvent]:
    """The events with these public ids ('source:source_id') that exist, by id."""
    wanted = sorted(set(refs))
    found: dict[str, StoredEvent] = {}
    for start in range(0, len(wanted), _BATCH):
        pairs = [ref.partition(":")[::2] for ref in wanted[start : start + _BATCH]]
        rows = session.execute(
            select(events).where(tuple_(events.c.source, events.c.source_id).in_(pairs))
        )
        for row in rows:
            stored = stored_event(row)
            found[stored.ref] = stored
    return found


def revised_since(session: Session, since: datetime | None) -> dict[str, str]:
    """Events their source revised or retracted at or after ``since``: ref -> what happened."""
    if since is None:
        return {}
    rows = session.execute(
        select(events.c.source, events.c.source_id, events.c.retracted).where(
            events.c.changed_at >= since, (events.c.version > 1) | events.c.retracted
        )
    )
    return {
        event_ref(row.source, row.source_id): "retracted" if row.retracted else "revised"
        for row in rows
    }


def list_events(
    session: Session, query: EventQuery, *, limit: int, offset: int
) -> tuple[list[StoredEvent], int]:
    """A page of events, newest first, and how many match in all."""
    conditions = _conditions(query)
    total = session.execute(
        select(func.count()).select_from(events).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(events)
        .where(*conditions)
        .order_by(events.c.date_start.desc(), events.c.source, events.c.source_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [stored_event(row) for row in rows], total


def _conditions(query: EventQuery) -> list:
    conditions = []
    if not query.include_retracted:
        conditions.append(events.c.retracted.is_(False))
    if query.since is not None:
        conditions.append(events.c.date_end >= query.since)
    if query.until is not None:
        conditions.append(events.c.date_start <= query.until)
    if query.event_type:
        conditions.append(events.c.event_type == query.event_type)
    if query.source:
        conditions.append(events.c.source == query.source)
    if query.site_id:
        matched = select(exposures.c.event_id).where(exposures.c.site_id == query.site_id)
        conditions.append(events.c.id.in_(matched))
    if query.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = query.bbox
        conditions.append(and_(events.c.lat >= min_lat, events.c.lat <= max_lat))
        if min_lon <= max_lon:
            conditions.append(and_(events.c.lon >= min_lon, events.c.lon <= max_lon))
        else:  # across the antimeridian
            conditions.append((events.c.lon >= min_lon) | (events.c.lon <= max_lon))
    return conditions


def _existing(session: Session, source: str, source_ids: list[str]) -> dict:
    found = {}
    columns = (
        events.c.id,
        events.c.source_id,
        events.c.fingerprint,
        events.c.version,
        events.c.revision,
        events.c.retracted,
    )
    for start in range(0, len(source_ids), _BATCH):
        chunk = source_ids[start : start + _BATCH]
        for row in session.execute(
            select(*columns).where(events.c.source == source, events.c.source_id.in_(chunk))
        ):
            found[row.source_id] = row
    return found


def _archive(session: Session, event_id: int, now: datetime) -> None:
    row = session.execute(select(events).where(events.c.id == event_id)).one()
    session.execute(
        insert(event_revisions).values(
            event_id=event_id,
            version=row.version,
            revision=row.revision,
            retracted=row.retracted,
            data=_data(stored_event(row).event),
            valid_from=row.changed_at,
            valid_until=now,
        )
    )


def _retract(session: Session, old, revision: str, now: datetime) -> None:
    _archive(session, old.id, now)
    session.execute(
        update(events)
        .where(events.c.id == old.id)
        .values(retracted=True, version=old.version + 1, revision=revision, changed_at=now)
    )


def _is_older(incoming: str, stored: str) -> bool:
    """Revisions compare as numbers when both are (ACLED timestamps, GDELT DATEADDED)."""
    return incoming.isdigit() and stored.isdigit() and int(incoming) < int(stored)


def _row(event: ConflictEvent, fingerprint: str) -> dict:
    f = event.fatalities
    return {
        "source": event.source,
        "source_id": event.source_id,
        "revision": event.revision,
        "fingerprint": fingerprint,
        "date_start": event.date_start,
        "date_end": event.date_end,
        "date_precision": event.date_precision.value,
        "lon": event.lon,
        "lat": event.lat,
        "precision_m": event.precision_m,
        "location_precision": event.location_precision,
        "event_type": event.event_type.value,
        "original_type": event.original_type,
        "original_subtype": event.original_subtype,
        "place": event.place,
        "admin": list(event.admin),
        "country": event.country,
        "actors": list(event.actors),
        "fatalities_best": f.best,
        "fatalities_low": f.low,
        "fatalities_high": f.high,
        "description": event.description,
        "url": event.url,
        "confidence": event.confidence,
    }


def _fingerprint(event: ConflictEvent) -> str:
    """What the event says, without its revision marker: a new timestamp alone is no change.

    Hashes the repr of a tuple of plain values: stable, and much cheaper than JSON on the
    ingest hot path (measured: 0.25 s to 0.05 s for 16,566 UCDP rows).
    """
    e, f = event, event.fatalities
    content = (
        e.source,
        e.source_id,
        e.date_start.toordinal(),
        e.date_end.toordinal(),
        e.date_precision.value,
        e.lon,
        e.lat,
        e.precision_m,
        e.location_precision,
        e.event_type.value,
        e.original_type,
        e.original_subtype,
        e.place,
        e.admin,
        e.country,
        e.actors,
        f.best,
        f.low,
        f.high,
        e.description,
        e.url,
        e.confidence,
    )
    return hashlib.blake2b(repr(content).encode("utf-8"), digest_size=16).hexdigest()


def _data(event: ConflictEvent) -> dict:
    data = _row(event, "")
    data.pop("fingerprint")
    data["date_start"], data["date_end"] = event.date_start.isoformat(), event.date_end.isoformat()
    return data


def stored_event(row) -> StoredEvent:
    event = ConflictEvent(
        source=row.source,
        source_id=row.source_id,
        date_start=row.date_start,
        date_end=row.date_end,
        date_precision=DatePrecision(row.date_precision),
        lon=row.lon,
        lat=row.lat,
        precision_m=row.precision_m,
        event_type=EventType(row.event_type),
        original_type=row.original_type,
        original_subtype=row.original_subtype,
        place=row.place,
        admin=tuple(row.admin or ()),
        country=row.country,
        actors=tuple(row.actors or ()),
        fatalities=Fatalities(row.fatalities_best, row.fatalities_low, row.fatalities_high),
        description=row.description,
        url=row.url,
        confidence=row.confidence,
        revision=row.revision,
        location_precision=row.location_precision,
    )
    return StoredEvent(
        event_ref(row.source, row.source_id),
        event,
        row.version,
        bool(row.retracted),
        row.first_seen_at,
        row.changed_at,
    )
