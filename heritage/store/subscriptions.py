"""Subscriptions: who wants which alerts, by which channel, and the state of their opt-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shapely.geometry import mapping, shape
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from heritage.domain import Channel, Scope, Subscription, SubscriptionStatus
from heritage.errors import NotFoundError
from heritage.store.tables import subscriptions

__all__ = [
    "StoredSubscription",
    "add_subscription",
    "get_subscription",
    "list_subscriptions",
    "mark_digest_sent",
    "remove_subscription",
    "set_status",
]


@dataclass(frozen=True)
class StoredSubscription:
    subscription: Subscription
    secret: str
    created_at: datetime
    confirmed_at: datetime | None
    last_digest_at: datetime | None


def add_subscription(
    session: Session, subscription: Subscription, *, secret: str, now: datetime
) -> int:
    is_active = subscription.status is SubscriptionStatus.ACTIVE
    return session.execute(
        insert(subscriptions).values(
            channel=subscription.channel.value,
            target=subscription.target,
            scope=_scope_json(subscription.scope),
            min_level=subscription.min_level,
            event_types=list(subscription.event_types),
            digest=subscription.digest,
            digest_hour=subscription.digest_hour,
            timezone=subscription.timezone,
            language=subscription.language,
            status=subscription.status.value,
            feed_health=subscription.feed_health,
            secret=secret,
            created_at=now,
            confirmed_at=now if is_active else None,
        )
    ).inserted_primary_key[0]


def get_subscription(session: Session, subscription_id: int) -> StoredSubscription:
    row = session.execute(
        select(subscriptions).where(subscriptions.c.id == subscription_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("subscription", subscription_id)
    return _stored(row)


def list_subscriptions(
    session: Session, *, status: SubscriptionStatus | None = None, target: str | None = None
) -> list[StoredSubscription]:
    query = select(subscriptions).order_by(subscriptions.c.id)
    if status is not None:
        query = query.where(subscriptions.c.status == status.value)
    if target is not None:
        query = query.where(subscriptions.c.target == target)
    return [_stored(row) for row in session.execute(query)]


def set_status(
    session: Session, subscription_id: int, status: SubscriptionStatus, *, now: datetime
) -> None:
    values: dict = {"status": status.value}
    if status is SubscriptionStatus.ACTIVE:
        values["confirmed_at"] = now
    elif status is SubscriptionStatus.UNSUBSCRIBED:
        values["unsubscribed_at"] = now
    done = session.execute(
        update(subscriptions).where(subscriptions.c.id == subscription_id).values(**values)
    ).rowcount
    if not done:
        raise NotFoundError("subscription", subscription_id)


def remove_subscription(session: Session, subscription_id: int) -> None:
    """Delete it; the outbox keeps the messages it received (their target is on each row)."""
    done = session.execute(
        delete(subscriptions).where(subscriptions.c.id == subscription_id)
    ).rowcount
    if not done:
        raise NotFoundError("subscription", subscription_id)


def mark_digest_sent(session: Session, subscription_id: int, *, until: datetime) -> None:
    session.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(last_digest_at=until)
    )


def _scope_json(scope: Scope) -> dict:
    return {
        "sites": list(scope.sites),
        "countries": list(scope.countries),
        "bbox": list(scope.bbox) if scope.bbox else None,
        "area": mapping(scope.area) if scope.area is not None else None,
    }


def _stored(row) -> StoredSubscription:
    scope = row.scope or {}
    subscription = Subscription(
        id=row.id,
        channel=Channel(row.channel),
        target=row.target,
        scope=Scope(
            sites=tuple(scope.get("sites") or ()),
            countries=tuple(scope.get("countries") or ()),
            bbox=tuple(scope["bbox"]) if scope.get("bbox") else None,
            area=shape(scope["area"]) if scope.get("area") else None,
        ),
        min_level=row.min_level,
        event_types=tuple(row.event_types),
        digest=row.digest,
        digest_hour=row.digest_hour,
        timezone=row.timezone,
        language=row.language,
        status=SubscriptionStatus(row.status),
        feed_health=row.feed_health,
    )
    return StoredSubscription(
        subscription, row.secret, row.created_at, row.confirmed_at, row.last_digest_at
    )
