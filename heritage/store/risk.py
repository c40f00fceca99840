"""Exposures (which events touch which sites) and assessments (each site's risk by day)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import JSON, Integer, delete, func, insert, literal, literal_column, select, update
from sqlalchemy.orm import Session

from heritage.domain import ConflictEvent, Exposure, Zone
from heritage.risk import Assessment, Contribution
from heritage.store.events import event_ref, stored_event
from heritage.store.tables import assessments, current_risks, events, exposures, matching_state

__all__ = [
    "SUMMARY_CONTRIBUTIONS",
    "MatchingState",
    "assessment_series",
    "events_to_match",
    "exposed_sites",
    "get_matching_state",
    "latest_assessment",
    "latest_assessments",
    "latest_levels",
    "newest_assessments",
    "previous_scores",
    "replace_exposures",
    "save_assessments",
    "set_matching_state",
    "site_exposures",
    "sites_exposures",
]

_BATCH = 900
SUMMARY_CONTRIBUTIONS = 10  # the largest contributions ``current_risks`` keeps of each site


class MatchingState:
    def __init__(self, events_changed_before: datetime | None, registry_fingerprint: str | None):
        self.events_changed_before = events_changed_before
        self.registry_fingerprint = registry_fingerprint


def get_matching_state(session: Session) -> MatchingState:
    row = session.execute(
        select(matching_state).where(matching_state.c.name == "events")
    ).one_or_none()
    return (
        MatchingState(row.events_changed_before, row.registry_fingerprint)
        if row
        else MatchingState(None, None)
    )


def set_matching_state(
    session: Session, *, events_changed_before: datetime, registry_fingerprint: str
) -> None:
    values = {
        "events_changed_before": events_changed_before,
        "registry_fingerprint": registry_fingerprint,
    }
    if not session.execute(
        update(matching_state).where(matching_state.c.name == "events").values(**values)
    ).rowcount:
        session.execute(insert(matching_state).values(name="events", **values))


def events_to_match(
    session: Session,
    *,
    changed_after: datetime | None,
    changed_before: datetime,
    after_id: int,
    limit: int,
) -> list[tuple[int, bool, ConflictEvent]]:
    """(id, retracted, event) of events changed in the window, by id, one page at a time."""
    query = select(events).where(events.c.id > after_id, events.c.changed_at <= changed_before)
    if changed_after is not None:
        query = query.where(events.c.changed_at > changed_after)
    rows = session.execute(query.order_by(events.c.id).limit(limit)).all()
    return [(row.id, bool(row.retracted), stored_event(row).event) for row in rows]


def exposed_sites(session: Session, event_ids: Sequence[int]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(event_ids), _BATCH):
        chunk = event_ids[start : start + _BATCH]
        found.update(
            session.execute(
                select(exposures.c.site_id).where(exposures.c.event_id.in_(chunk))
            ).scalars()
        )
    return found


def replace_exposures(
    session: Session, event_ids: Sequence[int], found: Iterable[tuple[int, Exposure]]
) -> None:
    """The exposures of these events become ``found`` (event id, exposure); earlier ones go."""
    for start in range(0, len(event_ids), _BATCH):
        session.execute(
            delete(exposures).where(exposures.c.event_id.in_(event_ids[start : start + _BATCH]))
        )
    rows = [
        {
            "site_id": x.site_id,
            "event_id": event_id,
            "distance_m": x.distance_m,
            "zone": x.zone.value,
            "is_uncertain": x.is_uncertain,
        }
        for event_id, x in found
    ]
    if rows:
        session.execute(insert(exposures), rows)


def site_exposures(
    session: Session, site_id: str, *, first: date | None = None, last: date | None = None
) -> list[tuple[Exposure, ConflictEvent]]:
    """The site's exposures to events that are not retracted, newest first."""
    return sites_exposures(session, [site_id], first=first, last=last).get(site_id, [])


def sites_exposures(
    session: Session,
    site_ids: Sequence[str],
    *,
    first: date | None = None,
    last: date | None = None,
) -> dict[str, list[tuple[Exposure, ConflictEvent]]]:
    """Each site's exposures to events that are not retracted (between ``first`` and
    ``last``), newest first; a site with none is absent."""
    found: dict[str, list[tuple[Exposure, ConflictEvent]]] = {}
    for start in range(0, len(site_ids), _BATCH):
        query = (
            select(
                exposures.c.site_id.label("exposed_site"),
                exposures.c.distance_m,
                exposures.c.zone,
                exposures.c.is_uncertain,
                events,
            )
            .join(events, events.c.id == exposures.c.event_id)
            .where(
                exposures.c.site_id.in_(site_ids[start : start + _BATCH]),
                events.c.retracted.is_(False),
            )
        )
        if first is not None:
            query = query.where(events.c.date_end >= first)
        if last is not None:
            query = query.where(events.c.date_start <= last)
        for row in session.execute(query.order_by(events.c.date_start.desc(), events.c.id)):
            event = stored_event(row).event
            exposure = Exposure(
                row.exposed_site,
                event_ref(event.source, event.source_id),
                row.distance_m,
                Zone(row.zone),
                bool(row.is_uncertain),
            )
            found.setdefault(row.exposed_site, []).append((exposure, event))
    return found


def save_assessments(session: Session, results: Sequence[Assessment], *, now: datetime) -> None:
    """Store (or replace) each site's assessment for its day."""
    for day in {r.as_of for r in results}:
        ids = [r.site_id for r in results if r.as_of == day]
        for start in range(0, len(ids), _BATCH):
            session.execute(
                delete(assessments).where(
                    assessments.c.as_of == day,
                    assessments.c.site_id.in_(ids[start : start + _BATCH]),
                )
            )
    rows = [
        {
            "site_id": r.site_id,
            "as_of": r.as_of,
            "score": r.score,
            "level": r.level,
            "trend": r.trend,
            "previous_score": r.previous_score,
            "n_events": r.n_events,
            "contributions": [_contribution(c) for c in r.contributions[:50]],
            "reasons": list(r.reasons),
            "computed_at": now,
        }
        for r in results
    ]
    if rows:
        session.execute(insert(assessments), rows)
    _refresh_current(session, sorted({r.site_id for r in results}))


def _refresh_current(session: Session, site_ids: list[str]) -> None:
    """Set these sites' ``current_risks`` rows from their newest assessments (whichever day
    was just saved: a day replayed from the past leaves a newer one current)."""
    revision = session.execute(
        select(func.coalesce(func.max(current_risks.c.revision), 0) + 1)
    ).scalar_one()
    names = [c.name for c in current_risks.c]
    special = {
        "revision": literal(revision, Integer),
        "top_contributions": _contributions(session, SUMMARY_CONTRIBUTIONS),
    }
    columns = [special.get(name, assessments.c.get(name)) for name in names]
    for start in range(0, len(site_ids), _BATCH):
        batch = site_ids[start : start + _BATCH]
        session.execute(delete(current_risks).where(current_risks.c.site_id.in_(batch)))
        newest = _newest(columns, assessments.c.site_id.in_(batch))
        session.execute(insert(current_risks).from_select(names, newest))


def previous_scores(session: Session, site_ids: Sequence[str], before: date) -> dict[str, float]:
    """Each site's latest score on or before ``before`` (absent if none)."""
    found: dict[str, float] = {}
    for start in range(0, len(site_ids), _BATCH):
        rows = session.execute(
            _newest(
                [assessments.c.site_id, assessments.c.score],
                assessments.c.site_id.in_(site_ids[start : start + _BATCH]),
                assessments.c.as_of <= before,
            )
        )
        found.update({row.site_id: row.score for row in rows})
    return found


def latest_levels(session: Session) -> dict[str, tuple[date, str, int]]:
    """Each site's latest (as_of, level, n_events): what a tick needs, without the reasons."""
    columns = [current_risks.c[name] for name in ("site_id", "as_of", "level", "n_events")]
    return {
        row.site_id: (row.as_of, row.level, row.n_events)
        for row in session.execute(select(*columns))
    }


def latest_assessments(
    session: Session, site_ids: Sequence[str] | None = None, *, top: int | None = None
) -> dict[str, dict]:
    """Each site's most recent assessment, as stored; with ``top``, only that many of its
    contributions (they are stored largest first).

    Up to ``SUMMARY_CONTRIBUTIONS`` this is one ``current_risks`` row per site, read by key:
    grouping the history and parsing hundreds of contributions per busy site to show five
    was most of a sites list's time.
    """
    if top is not None and top <= SUMMARY_CONTRIBUTIONS:
        return _current(session, site_ids, top)
    conditions = [] if site_ids is None else [assessments.c.site_id.in_(list(site_ids))]
    columns = [c for c in assessments.c if c.name != "contributions"]
    rows = session.execute(_newest([*columns, _contributions(session, top)], *conditions))
    return {row.site_id: _as_dict(row) for row in rows}


def latest_assessment(session: Session, site_id: str, *, top: int | None = None) -> dict | None:
    """One site's most recent assessment (``latest_assessments`` for one site)."""
    return latest_assessments(session, [site_id], top=top).get(site_id)


def _current(session: Session, site_ids: Sequence[str] | None, top: int) -> dict[str, dict]:
    columns = [c for c in current_risks.c if c.name not in ("revision", "top_contributions")]
    if top > 0:
        columns.append(current_risks.c.top_contributions.label("contributions"))
    query = select(*columns)
    found: dict[str, dict] = {}
    if site_ids is None:
        batches: Iterable = [query]
    else:
        ids = list(site_ids)
        batches = (
            query.where(current_risks.c.site_id.in_(ids[start : start + _BATCH]))
            for start in range(0, len(ids), _BATCH)
        )
    for batch in batches:
        for row in session.execute(batch):
            risk = _as_dict(row, contributions=row.contributions[:top] if top > 0 else [])
            found[row.site_id] = risk
    return found


def _contributions(session: Session, top: int | None):
    if top is None:
        return assessments.c.contributions
    n = int(top)
    if session.get_bind().dialect.name == "sqlite":
        cut = (
            "(SELECT json_group_array(json(value)) FROM json_each(assessments.contributions)"
            f" WHERE key < {n})"
        )
    else:
        cut = (
            "(SELECT coalesce(json_agg(e ORDER BY i), '[]'::json)"
            " FROM json_array_elements(assessments.contributions) WITH ORDINALITY AS t(e, i)"
            f" WHERE i <= {n})"
        )
    return literal_column(cut, type_=JSON).label("contributions")


def newest_assessments(
    session: Session,
    *,
    computed_since: datetime | None = None,
    site_ids: Sequence[str] | None = None,
) -> list[Assessment]:
    """Each site's newest assessment, only where it was computed at or after
    ``computed_since`` (what the alert rules have not seen yet) and for ``site_ids``."""
    conditions = [] if site_ids is None else [assessments.c.site_id.in_(list(site_ids))]
    query = _newest([assessments], *conditions)
    if computed_since is not None:
        query = query.where(assessments.c.computed_at >= computed_since)
    return [_assessment(row) for row in session.execute(query)]


def _assessment(row) -> Assessment:
    return Assessment(
        site_id=row.site_id,
        as_of=row.as_of,
        score=row.score,
        level=row.level,
        trend=row.trend,
        previous_score=row.previous_score,
        contributions=tuple(
            Contribution(
                event_ref=c["event"],
                event_type=c["event_type"],
                event_date=date.fromisoformat(c["date"]),
                distance_m=c["distance_m"],
                zone=c["zone"],
                is_uncertain=c["uncertain"],
                severity=c["severity"],
                proximity=c["proximity"],
                recency=c["recency"],
                confidence=c["confidence"],
                value=c["value"],
            )
            for c in row.contributions
        ),
        reasons=tuple(row.reasons),
    )


def assessment_series(
    session: Session, site_id: str, first: date | None, last: date | None
) -> list[dict]:
    query = select(assessments).where(assessments.c.site_id == site_id)
    if first is not None:
        query = query.where(assessments.c.as_of >= first)
    if last is not None:
        query = query.where(assessments.c.as_of <= last)
    return [_as_dict(row) for row in session.execute(query.order_by(assessments.c.as_of))]


def _newest(columns: list, *conditions):
    """Each site's latest assessment (among those meeting ``conditions``): these columns."""
    newest = (
        select(assessments.c.site_id, func.max(assessments.c.as_of).label("as_of"))
        .where(*conditions)
        .group_by(assessments.c.site_id)
        .subquery()
    )
    return select(*columns).join(
        newest,
        (assessments.c.site_id == newest.c.site_id) & (assessments.c.as_of == newest.c.as_of),
    )


def _contribution(c: Contribution) -> dict:
    return {
        "event": c.event_ref,
        "event_type": c.event_type,
        "date": c.event_date.isoformat(),
        "distance_m": c.distance_m,
        "zone": c.zone,
        "uncertain": c.is_uncertain,
        "severity": c.severity,
        "proximity": c.proximity,
        "recency": c.recency,
        "confidence": c.confidence,
        "value": round(c.value, 4),
    }


def _as_dict(row, *, contributions: list | None = None) -> dict:
    return {
        "as_of": row.as_of.isoformat(),
        "score": row.score,
        "level": row.level,
        "trend": row.trend,
        "previous_score": row.previous_score,
        "n_events": row.n_events,
        "contributions": row.contributions if contributions is None else contributions,
        "reasons": row.reasons,
        "computed_at": row.computed_at.isoformat(),
    }
