"""Daily digests and feed health: silence must be visible.

A digest goes out every day at the subscriber's hour even when nothing happened ("all
quiet"), with the state of the watched feeds; a feed that stays silent longer than expected,
or fails, is reported to feed-health subscribers once per episode.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from alerts.messages import (
    FeedProblem,
    render_digest,
    render_feed_stale,
    webhook_payload,
    with_unsubscribe,
)
from alerts.subscriptions import digest_period, wants
from heritage.config import Settings
from heritage.domain import AlertAction, AlertChange, Channel, SubscriptionStatus
from heritage.pipeline.alerts import notices_for
from heritage.pipeline.tokens import unsubscribe_url
from heritage.store import alerts as alert_store
from heritage.store import deliveries, feeds
from heritage.store import subscriptions as subscription_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["check_feeds", "feed_problems", "send_digests"]

_NOTIFIABLE = [a.value for a in AlertAction if a.is_notifiable]


def send_digests(session: Session, settings: Settings, *, now: datetime) -> int:
    """Queue each daily digest that is due; returns how many were queued."""
    problems = feed_problems(session, settings, now=now)
    queued = 0
    for stored in subscription_store.list_subscriptions(session, status=SubscriptionStatus.ACTIVE):
        sub = stored.subscription
        period = digest_period(sub, last_sent=stored.last_digest_at, now=now)
        if period is None:
            continue
        since, until = period
        changes = _changes(session, since, until)
        notices, sites, types = notices_for(session, settings, changes)
        mine = [
            notices[(c.alert.id, c.alert.version)]
            for c in changes
            if c.alert.site_id in sites
            and wants(sub, c, sites[c.alert.site_id], types[(c.alert.id, c.alert.version)])
        ]
        day = until.astimezone(until.tzinfo).date()
        message = render_digest(
            mine,
            day=day,
            timezone=sub.timezone,
            dashboard_url=settings.base_url,
            feed_problems=problems,
            language=sub.language,
        )
        leave = unsubscribe_url(settings, sub.id)
        message = with_unsubscribe(message, leave)
        body: dict = {"text": message.text, "html": message.html}
        if sub.channel is Channel.WEBHOOK:
            body = {
                "payload": {
                    "type": "digest",
                    "day": day.isoformat(),
                    "all_quiet": not mine,
                    "alerts": [webhook_payload(n) for n in mine],
                }
            }
        body["unsubscribe_url"] = leave
        queued += deliveries.enqueue(
            session,
            [
                deliveries.NewDelivery(
                    key=f"digest-{sub.id}-{until.astimezone(now.tzinfo):%Y%m%dT%H%M}",
                    kind="digest",
                    channel=sub.channel.value,
                    target=sub.target,
                    subject=message.subject,
                    body=body,
                    subscription_id=sub.id,
                )
            ],
            now=now,
        )
        subscription_store.mark_digest_sent(session, sub.id, until=until)
    session.commit()
    return queued


def _changes(session, since: datetime, until: datetime) -> list[AlertChange]:
    """One change per alert that changed in the period: its state now, its changes in words."""
    changes = []
    for alert, entries in alert_store.changed_between(session, since, until, _NOTIFIABLE):
        last = entries[-1]
        changes.append(
            AlertChange(
                alert=alert,
                action=AlertAction(last.action),
                actor=last.actor,
                at=last.at,
                summary=" ".join(e.summary for e in entries[-3:]),
                previous_level=entries[0].previous_level,
            )
        )
    return changes


def feed_problems(session: Session, settings: Settings, *, now: datetime) -> list[FeedProblem]:
    """The watched sources that are silent for longer than expected or failed last time."""
    problems = []
    for watched in feeds.list_watched(session):
        if (problem := _problem(watched, settings, now)) is not None:
            problems.append(problem)
    return problems


def check_feeds(session: Session, settings: Settings, *, now: datetime) -> int:
    """Tell feed-health subscribers about sources that became stale or failing since the last
    check (once per episode); a source that recovers is forgotten. Returns messages queued."""
    new_problems = []
    for watched in feeds.list_watched(session):
        problem = _problem(watched, settings, now)
        if problem is None and watched.stale_notified_at is not None:
            feeds.mark_stale_notified(session, watched.location, None)
        elif problem is not None and watched.stale_notified_at is None:
            new_problems.append(problem)
            feeds.mark_stale_notified(session, watched.location, now)
    queued = 0
    if new_problems:
        message = render_feed_stale(new_problems, dashboard_url=settings.base_url)
        episode = hashlib.sha256("|".join(p.source for p in new_problems).encode()).hexdigest()
        items = [
            deliveries.NewDelivery(
                key=f"feed-{episode[:16]}-{now:%Y%m%dT%H%M%S}-s{s.subscription.id}",
                kind="feed_stale",
                channel=s.subscription.channel.value,
                target=s.subscription.target,
                subject=message.subject,
                body=_body(message, s.subscription, new_problems, settings),
                subscription_id=s.subscription.id,
            )
            for s in subscription_store.list_subscriptions(
                session, status=SubscriptionStatus.ACTIVE
            )
            if s.subscription.feed_health
        ]
        queued = deliveries.enqueue(session, items, now=now)
    session.commit()
    return queued


def _body(message, subscription, problems: list[FeedProblem], settings: Settings) -> dict:
    leave = unsubscribe_url(settings, subscription.id)
    message = with_unsubscribe(message, leave)
    body: dict = {"text": message.text, "html": message.html}
    if subscription.channel is Channel.WEBHOOK:
        body = {
            "payload": {
                "type": "feed.stale",
                "sources": [
                    {
                        k: (v.isoformat() if isinstance(v, datetime) else v)
                        for k, v in dataclasses.asdict(p).items()
                    }
                    for p in problems
                ],
            }
        }
    body["unsubscribe_url"] = leave
    return body


def _problem(watched: feeds.WatchedSource, settings: Settings, now: datetime) -> FeedProblem | None:
    expected = watched.expected_interval_s or settings.feed_expected_interval_s
    last_ok = watched.last_success_at
    silent_for = (now - (last_ok or watched.created_at)).total_seconds()
    failing = watched.last_error_at is not None and (
        last_ok is None or watched.last_error_at > last_ok
    )
    if silent_for <= expected and not failing:
        return None
    return FeedProblem(
        source=watched.location,
        last_success_at=last_ok,
        last_error=watched.last_error if failing else None,
        silent_for_s=silent_for,
        expected_interval_s=expected,
    )
