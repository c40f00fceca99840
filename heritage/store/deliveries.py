"""The outbox: every message to send is a row, written before anything is sent.

A row is ``pending`` until a deliverer claims it (``sending``, committed before the send),
then ``sent`` or back to ``pending`` with a later ``next_attempt_at``, or ``failed`` when
retrying cannot help. A row still ``sending`` after its lease ran out belongs to a deliverer
that died mid-send: nobody knows whether the server got it, so it is sent again (the one case
where a message may arrive twice, with the same Message-ID and delivery key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from heritage.store.tables import deliveries

__all__ = [
    "Delivery",
    "NewDelivery",
    "claim_due",
    "enqueue",
    "has_pending",
    "list_deliveries",
    "mark_failed",
    "mark_sent",
    "outbox_counts",
]

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class NewDelivery:
    key: str
    kind: str  # alert, digest, feed_stale, confirm
    channel: str
    target: str
    subject: str
    body: dict  # {"text", "html"} for email, {"payload"} for webhooks, plus "unsubscribe_url"
    subscription_id: int | None = None
    alert_id: int | None = None
    alert_version: int | None = None


@dataclass(frozen=True)
class Delivery:
    id: int
    key: str
    kind: str
    channel: str
    target: str
    subject: str
    body: dict
    subscription_id: int | None
    alert_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    created_at: datetime
    was_in_flight: bool = False  # claimed again after a deliverer died while sending it


def enqueue(session: Session, items: Sequence[NewDelivery], *, now: datetime) -> int:
    """Add the messages whose key is not in the outbox yet; returns how many were new."""
    if not items:
        return 0
    keys = [item.key for item in items]
    known = set()
    for start in range(0, len(keys), 900):
        known |= set(
            session.execute(
                select(deliveries.c.key).where(deliveries.c.key.in_(keys[start : start + 900]))
            ).scalars()
        )
    new = [item for item in items if item.key not in known]
    new = list({item.key: item for item in new}.values())
    if new:
        session.execute(
            insert(deliveries),
            [
                {
                    **item.__dict__,
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for item in new
            ],
        )
    return len(new)


def claim_due(
    session: Session, *, now: datetime, lease_s: float, limit: int, channels: Sequence[str]
) -> list[Delivery]:
    """Claim the rows of ``channels`` due now, and those left ``sending`` by a deliverer that
    died (claimed more than ``lease_s`` ago).

    Each claim is a conditional update, so two deliverers never claim the same row.
    """
    stale = now - timedelta(seconds=lease_s)
    rows = session.execute(
        select(deliveries)
        .where(
            deliveries.c.channel.in_(list(channels)),
            or_(
                (deliveries.c.status == PENDING) & (deliveries.c.next_attempt_at <= now),
                (deliveries.c.status == SENDING) & (deliveries.c.claimed_at < stale),
            ),
        )
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
        .limit(limit)
    ).all()
    claimed = []
    for row in rows:
        took = session.execute(
            update(deliveries)
            .where(
                deliveries.c.id == row.id,
                deliveries.c.status == row.status,
                deliveries.c.attempts == row.attempts,
            )
            .values(status=SENDING, claimed_at=now, attempts=row.attempts + 1)
        ).rowcount
        if took:
            in_flight = row.status == SENDING
            claimed.append(_delivery(row, attempts=row.attempts + 1, in_flight=in_flight))
    return claimed


def has_pending(session: Session, channel: str) -> bool:
    return (
        session.execute(
            select(deliveries.c.id)
            .where(deliveries.c.channel == channel, deliveries.c.status == PENDING)
            .limit(1)
        ).first()
        is not None
    )


def mark_sent(session: Session, delivery_id: int, *, now: datetime, detail: str = "") -> None:
    session.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(status=SENT, sent_at=now, last_error=detail or None)
    )


def mark_failed(
    session: Session, delivery_id: int, *, error: str, retry_at: datetime | None
) -> None:
    """Back to pending until ``retry_at``, or ``failed`` for good when it is None."""
    values = {"status": FAILED, "last_error": error[:2000]}
    if retry_at is not None:
        values = {"status": PENDING, "last_error": error[:2000], "next_attempt_at": retry_at}
    session.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


def list_deliveries(
    session: Session, *, status: str | None = None, limit: int = 100
) -> list[Delivery]:
    query = select(deliveries).order_by(deliveries.c.id.desc()).limit(limit)
    if status:
        query = query.where(deliveries.c.status == status)
    return [_delivery(row) for row in session.execute(query)]


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(deliveries.c.status, func.count()).group_by(deliveries.c.status))
    return {status: n for status, n in rows}


def _delivery(row, *, attempts: int | None = None, in_flight: bool = False) -> Delivery:
    return Delivery(
        id=row.id,
        key=row.key,
        kind=row.kind,
        channel=row.channel,
        target=row.target,
        subject=row.subject,
        body=row.body,
        subscription_id=row.subscription_id,
        alert_id=row.alert_id,
        status=SENDING if attempts is not None else row.status,
        attempts=attempts if attempts is not None else row.attempts,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
        created_at=row.created_at,
        was_in_flight=in_flight,
    )
