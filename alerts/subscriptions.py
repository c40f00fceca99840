"""Who is told about which alert change: scope, level, event types, and when digests are due.

Pure: subscriptions, sites and changes in, decisions out.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely.geometry import box

from heritage.domain import (
    AlertChange,
    Channel,
    EventType,
    Scope,
    Site,
    Subscription,
    SubscriptionStatus,
)
from heritage.errors import InvalidInputError
from heritage.risk import LEVELS

__all__ = [
    "check_subscription",
    "digest_period",
    "is_in_scope",
    "scope_summary",
    "wants",
]

# Deliberately simple: one @, no spaces or control characters, a dot in the domain. The
# double opt-in is the real check that an address works and belongs to the subscriber.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f<>,;]+@[^@\s\x00-\x1f<>,;]+\.[^@\s\x00-\x1f<>,;]+$")


def wants(
    subscription: Subscription, change: AlertChange, site: Site, event_types: Collection[str]
) -> bool:
    """True when this change of an alert on ``site`` goes to this subscriber now.

    ``event_types`` are the types of the events behind the alert. The level filter reads the
    alert's peak level, so whoever was told of an alert also hears how it ended.
    """
    if subscription.status is not SubscriptionStatus.ACTIVE or not change.action.is_notifiable:
        return False
    if LEVELS.index(change.alert.peak_level) < LEVELS.index(subscription.min_level):
        return False
    if subscription.event_types and not set(subscription.event_types) & set(event_types):
        return False
    return is_in_scope(subscription.scope, site)


def is_in_scope(scope: Scope, site: Site) -> bool:
    if scope.is_everything or site.id in scope.sites:
        return True
    if set(scope.countries) & set(site.countries):
        return True
    zones = site.core_zone.union(site.buffer_zone)
    if scope.bbox is not None and any(zones.intersects(b) for b in _boxes(scope.bbox)):
        return True
    return scope.area is not None and scope.area.intersects(zones)


def _boxes(bbox: tuple[float, float, float, float]):
    west, south, east, north = bbox
    if west <= east:
        return [box(west, south, east, north)]
    return [box(west, south, 180.0, north), box(-180.0, south, east, north)]  # across 180°


def scope_summary(scope: Scope) -> str:
    """The scope in words, for confirmation emails and listings."""
    if scope.is_everything:
        return "every site"
    parts = []
    if scope.sites:
        parts.append("sites " + ", ".join(scope.sites))
    if scope.countries:
        parts.append("sites in " + ", ".join(scope.countries))
    if scope.bbox:
        parts.append("sites within the box " + ", ".join(f"{v:g}" for v in scope.bbox))
    if scope.area is not None:
        parts.append("sites in a drawn area")
    return "; ".join(parts)


def digest_period(
    subscription: Subscription, *, last_sent: datetime | None, now: datetime
) -> tuple[datetime, datetime] | None:
    """(since, until) of the daily digest due now, or None when none is due.

    A digest is due at ``digest_hour`` in the subscriber's time zone; it covers everything
    since the last one (or the day before, for the first). One missed day is not sent twice:
    only the most recent due time counts.
    """
    if subscription.digest != "daily" or subscription.status is not SubscriptionStatus.ACTIVE:
        return None
    zone = ZoneInfo(subscription.timezone)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), time(subscription.digest_hour), tzinfo=zone)
    if due > local:
        due -= timedelta(days=1)
    if last_sent is not None and last_sent >= due:
        return None
    since = last_sent if last_sent is not None else due - timedelta(days=1)
    return since, due


def check_subscription(subscription: Subscription) -> None:
    """Refuse a subscription that could never be delivered, naming the field and value."""
    where = subscription.target

    def bad(field: str, reason: str) -> InvalidInputError:
        return InvalidInputError(f"{reason}", source=f"subscription {where}", location=field)

    if subscription.channel is Channel.EMAIL and not _EMAIL.match(subscription.target):
        raise bad("target", f"not an email address: {subscription.target!r}")
    if subscription.channel is Channel.WEBHOOK and not re.match(
        r"^https?://[^\s/]+", subscription.target
    ):
        raise bad("target", f"a webhook must be an http(s) URL, got {subscription.target!r}")
    if subscription.min_level not in LEVELS[1:]:
        raise bad(
            "min_level",
            f"must be one of {', '.join(LEVELS[1:])}, got {subscription.min_level!r}",
        )
    unknown = sorted(set(subscription.event_types) - {t.value for t in EventType})
    if unknown:
        raise bad("event_types", f"unknown event type(s) {', '.join(unknown)}")
    if subscription.digest not in ("immediate", "daily"):
        raise bad("digest", f"must be immediate or daily, got {subscription.digest!r}")
    if not 0 <= subscription.digest_hour <= 23:
        raise bad("digest_hour", f"must be 0-23, got {subscription.digest_hour}")
    try:
        ZoneInfo(subscription.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory
        raise bad("timezone", f"unknown time zone {subscription.timezone!r}") from None
    if subscription.scope.bbox is not None:
        west, south, east, north = subscription.scope.bbox
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south < north <= 90):
            raise bad(
                "bbox", f"must be west,south,east,north in degrees, got {subscription.scope.bbox}"
            )
