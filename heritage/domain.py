"""Domain objects of the monitor: plain, immutable dataclasses with no storage or web in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from shapely.geometry import MultiPolygon

__all__ = [
    "Alert",
    "AlertAction",
    "AlertChange",
    "AlertStatus",
    "AlertTrigger",
    "Channel",
    "ConflictEvent",
    "DatePrecision",
    "Designation",
    "DesignationKind",
    "Disposition",
    "EventType",
    "Exposure",
    "Fatalities",
    "GeometryPrecision",
    "Provenance",
    "Rejection",
    "Retraction",
    "Scope",
    "Site",
    "SiteName",
    "Subscription",
    "SubscriptionStatus",
    "Zone",
]


class GeometryPrecision(StrEnum):
    """How exact a site's zones are, best first."""

    SURVEYED = "surveyed"  # an official or surveyed boundary
    DIGITISED = "digitised"  # drawn from maps, imagery or landmark coordinates
    APPROXIMATE_AREA_CIRCLE = "approximate-area-circle"  # circle of the declared area
    APPROXIMATE_RADIUS_CIRCLE = "approximate-radius-circle"  # circle of a stated radius
    UNLOCATED = "unlocated"  # listed without any location (empty zones; never matched)

    @property
    def rank(self) -> int:
        """0 for the most exact kind; a larger number is less exact."""
        return list(GeometryPrecision).index(self)


class DesignationKind(StrEnum):
    WORLD_HERITAGE = "world_heritage"
    TENTATIVE = "tentative"
    NATIONAL = "national"


@dataclass(frozen=True)
class SiteName:
    """One name of a site with its BCP 47 language tag (``ar``, ``ar-Latn``, ``uk``...)."""

    name: str
    lang: str


@dataclass(frozen=True)
class Designation:
    kind: DesignationKind
    unesco_id: int | None = None
    inscribed_year: int | None = None
    in_danger: bool = False
    in_danger_since: int | None = None


@dataclass(frozen=True)
class Provenance:
    """Where each fact comes from (``sources``: fact -> citation) and how exact the geometry is."""

    geometry_precision: GeometryPrecision
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """A heritage site: a core zone and the buffer ring around it, in WGS84 lon/lat.

    ``buffer_zone`` excludes the core zone. Zones crossing the antimeridian are stored as
    MultiPolygons split at 180 degrees (RFC 7946, section 3.1.9).
    """

    id: str
    name: str
    core_zone: MultiPolygon
    buffer_zone: MultiPolygon
    designation: Designation
    provenance: Provenance
    names: tuple[SiteName, ...] = ()
    countries: tuple[str, ...] = ()
    vulnerability: float = 1.0
    sensitive: bool = False


class EventType(StrEnum):
    """The monitor's event taxonomy (DESIGN.md); adapters map every source onto it."""

    AIRSTRIKE = "airstrike"
    SHELLING = "shelling"  # artillery, rockets, missiles
    ARMED_CLASH = "armed_clash"  # battles, attacks
    EXPLOSION = "explosion"  # IEDs, bombs
    DESTRUCTION = "destruction"  # deliberate destruction, demolition, bulldozing, arson
    LOOTING = "looting"  # theft, illegal excavation
    OCCUPATION = "occupation"  # military use of a site
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians"
    UNREST = "unrest"  # protests, riots
    OTHER = "other"


class DatePrecision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Fatalities:
    """Deaths reported for an event: a best estimate and a range; None where unknown."""

    best: int | None = None
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class ConflictEvent:
    """One conflict event from one source; (source, source_id) is its identity.

    ``precision_m`` is the radius within which the true location lies. ``revision`` is the
    source's own version marker (ACLED ``timestamp``, a UCDP release) when it has one.
    """

    source: str
    source_id: str
    date_start: date
    date_end: date
    date_precision: DatePrecision
    lon: float
    lat: float
    precision_m: float
    event_type: EventType
    original_type: str
    original_subtype: str = ""
    place: str = ""
    admin: tuple[str, ...] = ()
    country: str = ""
    actors: tuple[str, ...] = ()
    fatalities: Fatalities = field(default_factory=Fatalities)
    description: str = ""
    url: str = ""
    confidence: float = 1.0
    revision: str = ""
    location_precision: str = ""  # the source's own precision code, e.g. "where_prec 2"


@dataclass(frozen=True)
class Rejection:
    """A row that could not become an event: where it is, which column, and why."""

    source_file: str
    row: int
    column: str | None
    reason: str
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Retraction:
    """The source withdrew an event (an ACLED deletion, a UCDP candidate dropped)."""

    source: str
    source_id: str
    revision: str = ""


class Zone(StrEnum):
    """Where an event lies relative to a site."""

    CORE = "core"
    BUFFER = "buffer"
    VICINITY = "vicinity"


class Exposure(NamedTuple):
    """An event matched to a site: distance to the core zone (0 inside) and the zone.

    ``is_uncertain`` when the event's location radius is larger than its distance to the
    site: it may or may not be there, so it is never a core-zone hit and weighs less.
    A NamedTuple, not a dataclass: matching makes millions of them, and it is 5 times cheaper.
    """

    site_id: str
    event_ref: str
    distance_m: float
    zone: Zone
    is_uncertain: bool


# --- Alerts, subscriptions and deliveries (DESIGN.md, "Domain") ---------------------------------


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"  # quiet until something changes or the snooze ends
    RESOLVED = "resolved"


class Disposition(StrEnum):
    """What the person who acknowledged an alert concluded."""

    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"
    DUPLICATE = "duplicate"
    WRONG_LOCATION = "wrong_location"


class AlertAction(StrEnum):
    """One entry of an alert's audit history."""

    OPENED = "opened"
    ESCALATED = "escalated"  # the level rose further
    UPDATED = "updated"  # new events, or the level fell but stays at or above the threshold
    REVISED = "revised"  # a source revised or retracted an event that fed the alert
    RESOLVED = "resolved"  # quiet for the quiet period, or resolved by a person
    WITHDRAWN = "withdrawn"  # every event that raised it was retracted
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    WOKEN = "woken"  # the snooze ended
    REOPENED = "reopened"

    @property
    def is_notifiable(self) -> bool:
        """Changes the monitor sends to subscribers; people's own actions are only recorded."""
        return self in _NOTIFIABLE


_NOTIFIABLE = {
    AlertAction.OPENED,
    AlertAction.ESCALATED,
    AlertAction.UPDATED,
    AlertAction.REVISED,
    AlertAction.RESOLVED,
    AlertAction.WITHDRAWN,
}


class AlertTrigger(StrEnum):
    LEVEL = "level"  # the site's level reached the threshold
    CORE_EVENT = "core_event"  # one destructive event precisely inside the core zone


@dataclass(frozen=True)
class Alert:
    """A site in danger, from the assessment that raised it to its resolution.

    ``event_refs`` are the events (``source:source_id``) behind the latest assessment seen;
    ``below_since`` is the first day of the current spell below the threshold (the quiet
    period counts from it). ``version`` grows with every change, so each change of an alert
    has its own identity for the outbox.
    """

    id: int | None
    site_id: str
    status: AlertStatus
    trigger: AlertTrigger
    level: str
    peak_level: str
    score: float
    as_of: date
    opened_at: datetime
    updated_at: datetime
    event_refs: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    below_since: date | None = None
    resolved_at: datetime | None = None
    snoozed_until: datetime | None = None
    disposition: Disposition | None = None
    note: str = ""
    version: int = 1


@dataclass(frozen=True)
class AlertChange:
    """One change of an alert: the alert after it, what happened, who did it and why.

    ``summary`` says it in plain words for the history, messages and the dashboard.
    """

    alert: Alert
    action: AlertAction
    actor: str
    at: datetime
    summary: str
    previous_level: str | None = None
    added_events: tuple[str, ...] = ()
    removed_events: tuple[str, ...] = ()
    revised_events: tuple[str, ...] = ()
    note: str = ""


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class SubscriptionStatus(StrEnum):
    PENDING = "pending"  # an email address that has not confirmed yet (double opt-in)
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class Scope:
    """Which sites a subscription covers; empty means every site.

    A site is in scope when it is listed, lies in a listed country, or its zones meet the
    bounding box (``(west, south, east, north)`` in degrees) or the area polygon.
    """

    sites: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    area: MultiPolygon | None = None

    @property
    def is_everything(self) -> bool:
        return not (self.sites or self.countries or self.bbox or self.area is not None)


@dataclass(frozen=True)
class Subscription:
    """Who wants which alerts, where and how often.

    ``digest_hour`` (0-23, in ``timezone``) matters only for ``daily`` digests;
    ``feed_health`` subscribers (admins) also get "feed stale" messages.
    """

    id: int | None
    channel: Channel
    target: str  # an email address or a webhook URL
    scope: Scope = field(default_factory=Scope)
    min_level: str = "low"
    event_types: tuple[str, ...] = ()  # empty: every type
    digest: str = "immediate"  # "immediate" or "daily"
    digest_hour: int = 7
    timezone: str = "UTC"
    language: str = "en"
    status: SubscriptionStatus = SubscriptionStatus.PENDING
    feed_health: bool = False
