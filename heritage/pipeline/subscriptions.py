"""Subscribe, confirm (double opt-in), unsubscribe in one click, remove."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from alerts.messages import render_confirmation
from alerts.subscriptions import check_subscription, scope_summary
from heritage.config import Settings
from heritage.domain import Channel, Subscription, SubscriptionStatus
from heritage.errors import NotFoundError
from heritage.pipeline.tokens import CONFIRM, UNSUBSCRIBE, confirm_url, read_token
from heritage.store import deliveries
from heritage.store import sites as site_store
from heritage.store import subscriptions as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Subscribed", "confirm", "remove", "subscribe", "unsubscribe"]


@dataclasses.dataclass(frozen=True)
class Subscribed:
    id: int
    status: SubscriptionStatus
    secret: str  # signs webhook bodies; shown once, to the one who subscribes


def subscribe(
    session: Session,
    settings: Settings,
    subscription: Subscription,
    *,
    now: datetime,
    confirmed: bool = False,
) -> Subscribed:
    """Store a subscription. An email address gets a confirmation link and hears nothing else
    until it is followed, unless an admin vouches for it (``confirmed``); a webhook is
    active at once (an admin adds it and hands over its signing secret)."""
    check_subscription(subscription)
    unknown = set(subscription.scope.sites) - {
        s.site.id for s in site_store.get_sites(session, subscription.scope.sites)
    }
    if unknown:
        raise NotFoundError("site", ", ".join(sorted(unknown)))
    is_active = confirmed or subscription.channel is Channel.WEBHOOK
    status = SubscriptionStatus.ACTIVE if is_active else SubscriptionStatus.PENDING
    secret = secrets.token_hex(32)
    new_id = store.add_subscription(
        session, dataclasses.replace(subscription, status=status), secret=secret, now=now
    )
    if status is SubscriptionStatus.PENDING:
        message = render_confirmation(
            confirm_url=confirm_url(settings, new_id),
            scope_summary=scope_summary(subscription.scope),
            language=subscription.language,
        )
        deliveries.enqueue(
            session,
            [
                deliveries.NewDelivery(
                    key=f"confirm-{new_id}",
                    kind="confirm",
                    channel=Channel.EMAIL.value,
                    target=subscription.target,
                    subject=message.subject,
                    body={"text": message.text, "html": message.html},
                    subscription_id=new_id,
                )
            ],
            now=now,
        )
    session.commit()
    return Subscribed(new_id, status, secret)


def confirm(session: Session, settings: Settings, token: str, *, now: datetime) -> int:
    """Follow a confirmation link; confirming twice is harmless. Returns the subscription id."""
    subscription_id = read_token(settings, CONFIRM, token)
    stored = store.get_subscription(session, subscription_id)
    if stored.subscription.status is SubscriptionStatus.PENDING:
        store.set_status(session, subscription_id, SubscriptionStatus.ACTIVE, now=now)
        session.commit()
    return subscription_id


def unsubscribe(session: Session, settings: Settings, token: str, *, now: datetime) -> int:
    """One-click unsubscribe (RFC 8058); messages still queued for it are not sent."""
    subscription_id = read_token(settings, UNSUBSCRIBE, token)
    store.get_subscription(session, subscription_id)
    store.set_status(session, subscription_id, SubscriptionStatus.UNSUBSCRIBED, now=now)
    session.commit()
    return subscription_id


def remove(session: Session, subscription_id: int) -> None:
    store.remove_subscription(session, subscription_id)
    session.commit()
