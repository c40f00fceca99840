"""Alerts and their audit history: each change is stored with the alert it leaves behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from heritage.domain import Alert, AlertChange, AlertStatus, AlertTrigger, Disposition
from heritage.errors import ConflictError, NotFoundError
from heritage.store.tables import alert_history, alerts, deliveries, matching_state

__all__ = [
    "AlertQuery",
    "HistoryEntry",
    "alert_history_of",
    "changed_between",
    "get_alert",
    "get_alerting_watermark",
    "latest_alerts",
    "list_alerts",
    "save_alert",
    "save_change",
    "set_alerting_watermark",
    "snoozed_alerts_due",
]

_BATCH = 900
_WATERMARK = "alerts"  # the matching_state row that says which assessments the rules saw


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    at: datetime
    actor: str
    action: str
    status: str
    level: str
    previous_level: str | None
    summary: str
    note: str
    events: dict
    deliveries: tuple[dict, ...] = ()  # who was told: channel, target, status, sent_at


@dataclass(frozen=True)
class AlertQuery:
    status: str | None = None
    level: str | None = None
    site: str | None = None
    since: datetime | None = None  # changed at or after


def save_change(session: Session, change: AlertChange) -> AlertChange:
    """Store the alert as the change leaves it and the change in its history.

    A new alert (id None) is inserted. An existing one is updated only if nobody changed it
    meanwhile (its stored version is the one before this change): two people acting on one
    alert at once get a ConflictError instead of one silently overwriting the other.
    """
    alert = change.alert
    values = _row(alert)
    if alert.id is None:
        alert_id = session.execute(insert(alerts).values(**values)).inserted_primary_key[0]
        alert = replace(alert, id=alert_id)
    else:
        updated = session.execute(
            update(alerts)
            .where(alerts.c.id == alert.id, alerts.c.version < alert.version)
            .values(**values)
        ).rowcount
        if not updated:
            raise ConflictError(f"alert {alert.id} was changed meanwhile; reload it and retry")
    session.execute(
        insert(alert_history).values(
            alert_id=alert.id,
            version=alert.version,
            at=change.at,
            actor=change.actor,
            action=change.action.value,
            status=alert.status.value,
            level=alert.level,
            previous_level=change.previous_level,
            summary=change.summary,
            note=change.note,
            events={
                "added": list(change.added_events),
                "removed": list(change.removed_events),
                "revised": list(change.revised_events),
            },
        )
    )
    return replace(change, alert=alert)


def save_alert(session: Session, alert: Alert) -> None:
    """Store a quiet refresh of an alert (a new day's score) that makes no history entry."""
    session.execute(update(alerts).where(alerts.c.id == alert.id).values(**_row(alert)))


def latest_alerts(session: Session, site_ids: Iterable[str]) -> dict[str, Alert]:
    """The most recent alert of each site (open or resolved)."""
    ids = list(site_ids)
    found: dict[str, Alert] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        newest = (
            select(alerts.c.site_id, func.max(alerts.c.id).label("id"))
            .where(alerts.c.site_id.in_(chunk))
            .group_by(alerts.c.site_id)
            .subquery()
        )
        rows = session.execute(select(alerts).join(newest, alerts.c.id == newest.c.id))
        found.update((row.site_id, _alert(row)) for row in rows)
    return found


def snoozed_alerts_due(session: Session, *, now: datetime) -> list[Alert]:
    rows = session.execute(
        select(alerts).where(
            alerts.c.status == AlertStatus.SNOOZED.value,
            alerts.c.snoozed_until.is_not(None),
            alerts.c.snoozed_until <= now,
        )
    )
    return [_alert(row) for row in rows]


def get_alert(session: Session, alert_id: int) -> Alert:
    row = session.execute(select(alerts).where(alerts.c.id == alert_id)).one_or_none()
    if row is None:
        raise NotFoundError("alert", alert_id)
    return _alert(row)


def list_alerts(
    session: Session, query: AlertQuery, *, limit: int, offset: int
) -> tuple[list[Alert], int]:
    """Alerts matching ``query``, most recently changed first, and how many match in all."""
    conditions = []
    if query.status:
        conditions.append(alerts.c.status == query.status)
    if query.level:
        conditions.append(alerts.c.level == query.level)
    if query.site:
        conditions.append(alerts.c.site_id == query.site)
    if query.since:
        conditions.append(alerts.c.updated_at >= query.since)
    total = session.execute(select(func.count()).select_from(alerts).where(*conditions)).scalar()
    rows = session.execute(
        select(alerts)
        .where(*conditions)
        .order_by(alerts.c.updated_at.desc(), alerts.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_alert(row) for row in rows], total


def alert_history_of(session: Session, alert_id: int) -> list[HistoryEntry]:
    """Every change of an alert, oldest first, each with the messages it sent and to whom."""
    sent: dict[int, list[dict]] = {}
    for row in session.execute(
        select(deliveries).where(deliveries.c.alert_id == alert_id).order_by(deliveries.c.id)
    ):
        sent.setdefault(row.alert_version, []).append(
            {
                "channel": row.channel,
                "target": row.target,
                "status": row.status,
                "attempts": row.attempts,
                "sent_at": row.sent_at,
                "last_error": row.last_error,
            }
        )
    rows = session.execute(
        select(alert_history)
        .where(alert_history.c.alert_id == alert_id)
        .order_by(alert_history.c.version)
    )
    return [_entry(row, tuple(sent.get(row.version, ()))) for row in rows]


def get_alerting_watermark(session: Session) -> datetime | None:
    """Assessments computed before this were already seen by the alert rules."""
    return session.execute(
        select(matching_state.c.events_changed_before).where(matching_state.c.name == _WATERMARK)
    ).scalar()


def set_alerting_watermark(session: Session, watermark: datetime) -> None:
    done = session.execute(
        update(matching_state)
        .where(matching_state.c.name == _WATERMARK)
        .values(events_changed_before=watermark)
    ).rowcount
    if not done:
        session.execute(
            insert(matching_state).values(name=_WATERMARK, events_changed_before=watermark)
        )


def _entry(row, deliveries: tuple[dict, ...] = ()) -> HistoryEntry:
    return HistoryEntry(
        row.version,
        row.at,
        row.actor,
        row.action,
        row.status,
        row.level,
        row.previous_level,
        row.summary,
        row.note,
        row.events,
        deliveries,
    )


def _row(alert: Alert) -> dict:
    return {
        "site_id": alert.site_id,
        "status": alert.status.value,
        "trigger": alert.trigger.value,
        "level": alert.level,
        "peak_level": alert.peak_level,
        "score": alert.score,
        "as_of": alert.as_of,
        "opened_at": alert.opened_at,
        "updated_at": alert.updated_at,
        "resolved_at": alert.resolved_at,
        "snoozed_until": alert.snoozed_until,
        "below_since": alert.below_since,
        "event_refs": list(alert.event_refs),
        "reasons": list(alert.reasons),
        "disposition": alert.disposition.value if alert.disposition else None,
        "note": alert.note,
        "version": alert.version,
    }


def _alert(row) -> Alert:
    return Alert(
        id=row.id,
        site_id=row.site_id,
        status=AlertStatus(row.status),
        trigger=AlertTrigger(row.trigger),
        level=row.level,
        peak_level=row.peak_level,
        score=row.score,
        as_of=row.as_of,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        event_refs=tuple(row.event_refs),
        reasons=tuple(row.reasons),
        below_since=row.below_since,
        resolved_at=row.resolved_at,
        snoozed_until=row.snoozed_until,
        disposition=Disposition(row.disposition) if row.disposition else None,
        note=row.note,
        version=row.version,
    )


def changed_between(
    session: Session, since: datetime, until: datetime, actions: Iterable[str]
) -> list[tuple[Alert, list[HistoryEntry]]]:
    """Alerts with a change of one of ``actions`` in (since, until], each with those changes."""
    rows = session.execute(
        select(alert_history)
        .where(
            alert_history.c.at > since,
            alert_history.c.at <= until,
            alert_history.c.action.in_(list(actions)),
        )
        .order_by(alert_history.c.alert_id, alert_history.c.version)
    ).all()
    by_alert: dict[int, list[HistoryEntry]] = {}
    for row in rows:
        by_alert.setdefault(row.alert_id, []).append(_entry(row))
    found = (
        session.execute(select(alerts).where(alerts.c.id.in_(list(by_alert)))) if by_alert else []
    )
    return [(alert, by_alert[alert.id]) for alert in map(_alert, found)]
