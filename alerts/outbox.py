"""Deliver what is due in the outbox: claim, send once, record, retry with backoff.

Each message is committed as ``sending`` before it is sent and as ``sent`` right after, one
at a time, so a crash loses nothing and repeats at most the one message that was on the wire
(its server's answer is what was lost; the repeat carries the same Message-ID and delivery
key, and the log says so). Only the scheduler delivers, and the scheduler lock keeps it to
one process, so a row still ``sending`` when a run starts was left by a process that died.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from alerts.channels import DeliveryResult, Envelope, send
from alerts.messages import Message
from heritage.config import Settings
from heritage.domain import Channel, SubscriptionStatus
from heritage.errors import NotFoundError
from heritage.store import deliveries
from heritage.store import subscriptions as subscription_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["MAX_BACKOFF_S", "OutboxResult", "deliver_due", "retry_at"]

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 6 * 3600
BATCH = 200


@dataclass
class OutboxResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    resent_after_crash: list[str] = field(default_factory=list)
    waiting_for_smtp: bool = False

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"
        if self.resent_after_crash:
            text += f", {len(self.resent_after_crash)} resent after a crash (may arrive twice)"
        if self.waiting_for_smtp:
            text += "; emails wait: HERITAGE_SMTP_HOST is not set"
        return text


def retry_at(attempts: int, settings: Settings, now: datetime) -> datetime:
    """Exponential backoff: the first retry after ``delivery_backoff_s``, doubling, capped."""
    delay = min(settings.delivery_backoff_s * 2 ** max(0, attempts - 1), MAX_BACKOFF_S)
    return now + timedelta(seconds=delay)


def deliver_due(
    session: Session, settings: Settings, *, now: datetime, sender=send
) -> OutboxResult:
    """Send every message that is due (``sender`` is the channel dispatcher; the tests give
    the real one, pointed at loopback servers)."""
    result = OutboxResult()
    channels = [Channel.WEBHOOK.value]
    if settings.smtp_host:
        channels.append(Channel.EMAIL.value)
    else:
        result.waiting_for_smtp = deliveries.has_pending(session, Channel.EMAIL.value)
    while claimed := deliveries.claim_due(
        session, now=now, lease_s=0, limit=BATCH, channels=channels
    ):
        session.commit()  # claimed rows are 'sending' before anything goes out
        for delivery in claimed:
            _deliver(session, settings, delivery, now, sender, result)
            session.commit()
        if len(claimed) < BATCH:
            break
    return result


def _deliver(session, settings, delivery: deliveries.Delivery, now, sender, result) -> None:
    if delivery.was_in_flight:
        log.warning(
            "delivery %s (%s to %s) was being sent when its deliverer stopped: the server's "
            "answer was lost, so it is sent again and may arrive twice (same Message-ID)",
            delivery.key,
            delivery.channel,
            delivery.target,
        )
        result.resent_after_crash.append(delivery.key)
    secret, refusal = _subscriber(session, delivery)
    if refusal:
        deliveries.mark_failed(session, delivery.id, error=refusal, retry_at=None)
        result.failed += 1
        return
    outcome: DeliveryResult = sender(_envelope(delivery, secret), settings, now=now)
    if outcome.delivered:
        deliveries.mark_sent(session, delivery.id, now=now, detail=outcome.detail)
        result.sent += 1
        return
    if outcome.permanent or delivery.attempts >= settings.delivery_max_attempts:
        why = "permanent failure" if outcome.permanent else f"{delivery.attempts} attempts"
        log.error(
            "delivery %s to %s failed (%s): %s", delivery.key, delivery.target, why, outcome.detail
        )
        deliveries.mark_failed(
            session, delivery.id, error=f"{why}: {outcome.detail}", retry_at=None
        )
        result.failed += 1
        return
    later = retry_at(delivery.attempts, settings, now)
    log.warning(
        "delivery %s to %s failed (attempt %d), retrying at %s: %s",
        delivery.key,
        delivery.target,
        delivery.attempts,
        later.isoformat(),
        outcome.detail,
    )
    deliveries.mark_failed(session, delivery.id, error=outcome.detail, retry_at=later)
    result.retrying += 1


def _subscriber(session, delivery: deliveries.Delivery) -> tuple[str, str]:
    """(webhook secret, reason not to send): nothing goes to a removed or unsubscribed one."""
    if delivery.subscription_id is None:
        if delivery.kind == "confirm" or delivery.channel == Channel.WEBHOOK.value:
            return "", "the subscription was removed before delivery"
        return "", ""
    try:
        stored = subscription_store.get_subscription(session, delivery.subscription_id)
    except NotFoundError:
        return "", "the subscription was removed before delivery"
    if stored.subscription.status is SubscriptionStatus.UNSUBSCRIBED:
        return "", "unsubscribed before delivery"
    return stored.secret, ""


def _envelope(delivery: deliveries.Delivery, secret: str) -> Envelope:
    body = delivery.body
    return Envelope(
        key=delivery.key,
        channel=Channel(delivery.channel),
        target=delivery.target,
        message=Message(delivery.subject, body.get("text", ""), body.get("html", "")),
        payload=body.get("payload"),
        unsubscribe_url=body.get("unsubscribe_url", ""),
        secret=secret,
    )
