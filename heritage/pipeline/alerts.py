"""Raise alerts from new assessments, record what people do with them, and queue the messages.

A change of an alert and the outbox rows that announce it are written in one transaction:
either both are stored or neither, so a crash can never record a change nobody hears of.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from alerts import lifecycle, rules
from alerts.messages import (
    AlertNotice,
    EventLine,
    Message,
    render_alert,
    webhook_payload,
    with_unsubscribe,
)
from alerts.subscriptions import wants
from heritage.config import Settings
from heritage.domain import AlertChange, Channel, Site, SubscriptionStatus
from heritage.pipeline.tokens import unsubscribe_url
from heritage.risk import Assessment
from heritage.store import alerts as alert_store
from heritage.store import deliveries
from heritage.store import events as event_store
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.store import subscriptions as subscription_store
from heritage.store.subscriptions import StoredSubscription

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "ACTIONS",
    "AlertRunResult",
    "act_on_alert",
    "alert_delivery",
    "links",
    "notices_for",
    "raise_alerts",
]

log = logging.getLogger(__name__)

SENSITIVE_SUMMARY = (
    "This is a sensitive site: the events and distances are withheld here, because they "
    "would reveal where it is. Log in to the dashboard to see them."
)
TOP_EVENTS = 5  # reasons per message: enough to judge, short enough to read on a phone


@dataclass
class AlertRunResult:
    evaluated: int = 0
    changes: list[AlertChange] = field(default_factory=list)
    queued: int = 0

    def summary(self) -> str:
        by_action: dict[str, int] = {}
        for change in self.changes:
            by_action[change.action.value] = by_action.get(change.action.value, 0) + 1
        actions = ", ".join(f"{n} {a}" for a, n in sorted(by_action.items())) or "no change"
        return f"{self.evaluated} site(s) evaluated: {actions}; {self.queued} message(s) queued"


def raise_alerts(session: Session, settings: Settings, *, now: datetime) -> AlertRunResult:
    """Run the alert rules on every assessment computed since the last run, wake snoozes
    that are due, and queue a message for each subscriber who wants a change."""
    policy = rules.AlertPolicy(settings.alert_min_level, settings.alert_quiet_days)
    since = alert_store.get_alerting_watermark(session)
    # Alerts are about now: a replay of an old day (assess --as-of 2017-03-01) raises none.
    oldest = now.date() - timedelta(days=policy.quiet_days)
    fresh = [
        a for a in risk_store.newest_assessments(session, computed_since=since) if a.as_of >= oldest
    ]
    changed = event_store.revised_since(session, since)
    latest = alert_store.latest_alerts(session, [a.site_id for a in fresh])
    result = AlertRunResult(evaluated=len(fresh))
    for assessment in fresh:
        outcome = rules.evaluate(
            assessment, latest.get(assessment.site_id), policy, now=now, changed_events=changed
        )
        if outcome.change is not None:
            result.changes.append(alert_store.save_change(session, outcome.change))
        elif outcome.alert is not None and outcome.alert.id is not None:
            alert_store.save_alert(session, outcome.alert)
    for alert in alert_store.snoozed_alerts_due(session, now=now):
        if (woken := lifecycle.wake(alert, now=now)) is not None:
            result.changes.append(alert_store.save_change(session, woken))
    by_site = {a.site_id: a for a in fresh}
    result.queued = _announce(session, settings, result.changes, by_site, now=now)
    alert_store.set_alerting_watermark(session, now)
    session.commit()
    return result


ACTIONS = ("acknowledge", "resolve", "snooze", "reopen")


def act_on_alert(
    session: Session, alert_id: int, action: str, *, actor: str, now: datetime, **options
) -> AlertChange:
    """A person's action on an alert (``ACTIONS``), recorded in its history."""
    alert = alert_store.get_alert(session, alert_id)
    step = {
        "acknowledge": lifecycle.acknowledge,
        "resolve": lifecycle.resolve,
        "snooze": lifecycle.snooze,
        "reopen": lifecycle.reopen,
    }[action]
    change = alert_store.save_change(session, step(alert, actor=actor, now=now, **options))
    session.commit()
    return change


def links(settings: Settings, *, site_id: str, alert_id: int | None = None) -> tuple[str, str]:
    """Absolute dashboard links of a site and an alert."""
    base = settings.base_url.rstrip("/")
    return f"{base}/sites/{site_id}", f"{base}/alerts/{alert_id}" if alert_id else f"{base}/alerts"


def notices_for(
    session: Session,
    settings: Settings,
    changes: Sequence[AlertChange],
    assessments: dict[str, Assessment] | None = None,
) -> tuple[dict[tuple, AlertNotice], dict[str, Site], dict[tuple, set[str]]]:
    """What messages say about each change (by alert id and version), the sites, and the
    event types behind each change (for subscriptions filtered by type)."""
    site_ids = sorted({c.alert.site_id for c in changes})
    sites = {s.site.id: s.site for s in site_store.get_sites(session, site_ids)}
    if assessments is None:
        assessments = {
            a.site_id: a for a in risk_store.newest_assessments(session, site_ids=site_ids)
        }
    refs = {r for c in changes for r in (*c.alert.event_refs, *c.removed_events, *c.revised_events)}
    events = event_store.events_by_refs(session, refs)
    notices, types = {}, {}
    for change in changes:
        alert = change.alert
        site_url, alert_url = links(settings, site_id=alert.site_id, alert_id=alert.id)
        site = sites.get(alert.site_id)
        lines = _event_lines(assessments.get(alert.site_id), alert.event_refs, events)
        if site is not None and site.sensitive:
            # Distances and event places would tell where the site is: messages leave
            # the location out everywhere and send readers to the dashboard instead.
            change, lines = dataclasses.replace(change, summary=SENSITIVE_SUMMARY), ()
        notices[_key(change)] = AlertNotice(
            change=change,
            site_name=site.name if site is not None else alert.site_id,
            site_url=site_url,
            alert_url=alert_url,
            events=lines,
        )
        types[_key(change)] = {
            events[r].event.event_type.value
            for r in (*alert.event_refs, *change.removed_events, *change.revised_events)
            if r in events
        }
    return notices, sites, types


def _announce(session, settings, changes, assessments, *, now: datetime) -> int:
    """Queue one message per (notifiable change, immediate subscriber who wants it)."""
    changes = [c for c in changes if c.action.is_notifiable]
    subscribers = [
        s
        for s in subscription_store.list_subscriptions(session, status=SubscriptionStatus.ACTIVE)
        if s.subscription.digest == "immediate"
    ]
    if not changes or not subscribers:
        return 0
    notices, sites, types = notices_for(session, settings, changes, assessments)
    items, rendered = [], {}
    for change in changes:
        site = sites.get(change.alert.site_id)
        if site is None:
            continue
        notice = notices[_key(change)]
        for stored in subscribers:
            if wants(stored.subscription, change, site, types[_key(change)]):
                language = stored.subscription.language
                if (_key(change), language) not in rendered:  # once per change, not per person
                    rendered[_key(change), language] = render_alert(notice, language=language)
                message = rendered[_key(change), language]
                items.append(alert_delivery(settings, stored, notice, message))
    return deliveries.enqueue(session, items, now=now)


def alert_delivery(
    settings: Settings, stored: StoredSubscription, notice: AlertNotice, message: Message
) -> deliveries.NewDelivery:
    """The outbox row that tells one subscriber of one change (its key makes it unique);
    ``message`` is the rendered notice, to which the subscriber's own unsubscribe link is added."""
    sub, alert = stored.subscription, notice.change.alert
    leave = unsubscribe_url(settings, sub.id)
    message = with_unsubscribe(message, leave)
    if sub.channel is Channel.WEBHOOK:
        body = {"payload": webhook_payload(notice)}
    else:
        body = {"text": message.text, "html": message.html}
    body["unsubscribe_url"] = leave
    return deliveries.NewDelivery(
        key=f"alert-{alert.id}-v{alert.version}-s{sub.id}",
        kind="alert",
        channel=sub.channel.value,
        target=sub.target,
        subject=message.subject,
        body=body,
        subscription_id=sub.id,
        alert_id=alert.id,
        alert_version=alert.version,
    )


def _key(change: AlertChange) -> tuple[int | None, int]:
    return change.alert.id, change.alert.version


def _event_lines(
    assessment: Assessment | None, refs: Iterable[str], events: dict
) -> tuple[EventLine, ...]:
    wanted = set(refs)
    contributions = [] if assessment is None else assessment.contributions
    best = sorted((c for c in contributions if c.event_ref in wanted), key=lambda c: -c.value)[
        :TOP_EVENTS
    ]
    lines = []
    for c in best:
        stored = events.get(c.event_ref)
        event = stored.event if stored else None
        lines.append(
            EventLine(
                ref=c.event_ref,
                event_type=c.event_type,
                date=c.event_date,
                distance_m=c.distance_m,
                zone=c.zone,
                is_uncertain=c.is_uncertain,
                place=event.place if event else "",
                source=event.source if event else c.event_ref.partition(":")[0],
                url=event.url if event else "",
                value=c.value,
            )
        )
    return tuple(lines)
