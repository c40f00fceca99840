"""Score each site's risk from the events that touch it, with the value of every term.

A pure function of (sites, events, as_of): the same inputs give the same assessment, so
backtesting is just this function on past dates. The model and its reasons are in
heritage/config.py (RiskModel).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from heritage.config import RiskModel
from heritage.domain import ConflictEvent, EventType, Exposure, Site, Zone

__all__ = ["LEVELS", "Assessment", "Contribution", "assess_site", "contribution", "level_for"]

LEVELS = ("none", "low", "elevated", "high", "critical")
_DESTRUCTIVE = {EventType.AIRSTRIKE, EventType.SHELLING, EventType.EXPLOSION, EventType.DESTRUCTION}


@dataclass(frozen=True)
class Contribution:
    """One event's part in a score, with each term, so anyone can see why."""

    event_ref: str
    event_type: str
    event_date: date
    distance_m: float
    zone: str
    is_uncertain: bool
    severity: float
    proximity: float
    recency: float
    confidence: float
    value: float


@dataclass(frozen=True)
class Assessment:
    site_id: str
    as_of: date
    score: float
    level: str
    trend: str  # "rising", "falling", "steady" or "new"
    previous_score: float | None
    contributions: tuple[Contribution, ...]
    reasons: tuple[str, ...]

    @property
    def n_events(self) -> int:
        return len(self.contributions)


def contribution(
    exposure: Exposure, event: ConflictEvent, as_of: date, model: RiskModel
) -> Contribution | None:
    """The terms of one event for a site on ``as_of``; None if the event does not count then."""
    age_days = (as_of - event.date_end).days
    if age_days < 0 and event.date_start > as_of:
        return None  # it has not happened yet on that day
    age_days = max(age_days, 0)
    if age_days > model.horizon_days:
        return None
    best = event.fatalities.best or 0
    severity = model.severity[event.event_type.value] * (
        1 + model.fatality_weight * math.log1p(best)
    )
    proximity = model.zone_weight[exposure.zone.value]
    if exposure.zone is not Zone.CORE:
        proximity *= 0.5 ** (exposure.distance_m / model.distance_decay_m)
    if exposure.is_uncertain:
        proximity *= model.uncertain_weight * min(1.0, 1000.0 / event.precision_m) ** 0.5
    recency = 0.5 ** (age_days / model.half_life_days)
    value = severity * proximity * recency * event.confidence
    return Contribution(
        exposure.event_ref,
        event.event_type.value,
        event.date_start,
        round(exposure.distance_m, 1),
        exposure.zone.value,
        exposure.is_uncertain,
        round(severity, 4),
        round(proximity, 4),
        round(recency, 4),
        event.confidence,
        value,
    )


def assess_site(
    site: Site,
    matched: Iterable[tuple[Exposure, ConflictEvent]],
    as_of: date,
    model: RiskModel,
    *,
    previous_score: float | None = None,
) -> Assessment:
    """The site's score, level and reasons on ``as_of`` from its matched events."""
    parts = [c for e, ev in matched if (c := contribution(e, ev, as_of, model)) is not None]
    parts.sort(key=lambda c: c.value, reverse=True)
    score = site.vulnerability * sum(c.value for c in parts)
    strike_in_core = [
        c
        for c in parts
        if c.zone == Zone.CORE.value
        and not c.is_uncertain
        and EventType(c.event_type) in _DESTRUCTIVE
        and (as_of - c.event_date).days <= model.critical_days
    ]
    level = "critical" if strike_in_core else level_for(score, model)
    trend = _trend(score, previous_score)
    return Assessment(
        site.id,
        as_of,
        round(score, 4),
        level,
        trend,
        previous_score,
        tuple(parts),
        _reasons(site, score, level, parts, strike_in_core),
    )


def level_for(score: float, model: RiskModel) -> str:
    return next((name for name, threshold in model.levels if score >= threshold), "none")


def _trend(score: float, previous: float | None) -> str:
    if previous is None:
        return "new"
    if score > previous * 1.25 + 0.05:
        return "rising"
    if score < previous * 0.8 - 0.05:
        return "falling"
    return "steady"


def _reasons(
    site: Site, score: float, level: str, parts: Sequence[Contribution], strikes
) -> tuple[str, ...]:
    if not parts:
        return (f"No conflict event within reach of {site.name} in the last year.",)
    reasons = [
        f"Risk score {score:.2f} ({level}) from {len(parts)} event(s) within reach "
        "in the last year."
    ]
    if strikes:
        top = strikes[0]
        reasons.append(
            f"Critical: {_words(top.event_type)} inside the core zone on {top.event_date} "
            f"({top.event_ref})."
        )
    for c in parts[:3]:
        if c.zone == "core":
            where = "inside the core zone"
        elif c.distance_m == 0:
            where = "at the site"
        else:
            where = f"{c.distance_m / 1000:.1f} km away"
        caveat = ", location uncertain" if c.is_uncertain else ""
        reasons.append(
            f"{_words(c.event_type).capitalize()} on {c.event_date}, {where} ({c.zone}{caveat}): "
            f"adds {c.value:.2f} ({c.event_ref})."
        )
    if site.vulnerability != 1.0:
        reasons.append(f"Site vulnerability {site.vulnerability:g} multiplies the sum.")
    return tuple(reasons)


def _words(event_type: str) -> str:
    return event_type.replace("_", " ")
