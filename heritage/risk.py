"""Score each site's risk from the events that touch it, with the value of every term.

A pure function of (sites, events, as_of): the same inputs give the same assessment, so
backtesting is just this function on past dates. The model and its reasons are in
heritage/config.py (RiskModel).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numba
import numpy as np

from heritage.config import RiskModel
from heritage.domain import ConflictEvent, EventType, Exposure, Site, Zone
from heritage.match import ZONES

__all__ = [
    "LEVELS",
    "Assessment",
    "Contribution",
    "Terms",
    "assess_site",
    "contribution",
    "counts_on",
    "exposure_terms",
    "level_for",
]

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


class Terms(NamedTuple):
    """Each term of a batch of (event, site) pairs, as arrays; ``value`` is their product."""

    severity: np.ndarray
    proximity: np.ndarray
    recency: np.ndarray
    value: np.ndarray


def exposure_terms(
    model: RiskModel,
    *,
    zone: np.ndarray,
    distance_m: np.ndarray,
    uncertain: np.ndarray,
    event: np.ndarray,
    precision_m: np.ndarray,
    severity_base: np.ndarray,
    fatalities: np.ndarray,
    age_days: np.ndarray,
    confidence: np.ndarray,
) -> Terms:
    """The model's terms for many pairs at once: the one place the formula lives, for live
    assessments, backtests and the benchmark alike.

    Per pair: ``zone`` (an index into ``match.ZONES``), ``distance_m``, ``uncertain`` and
    ``event``, the pair's index into the per-event arrays that follow (``severity_base`` is the
    model's severity of the event's type).
    """
    weights = np.array([model.zone_weight[z.value] for z in ZONES])
    per_event = (precision_m, severity_base, fatalities, age_days, confidence)
    return Terms(
        *_terms(
            weights,
            np.asarray(zone, dtype=np.int8),
            np.asarray(distance_m, dtype=np.float64),
            np.asarray(uncertain, dtype=np.bool_),
            np.asarray(event, dtype=np.int64),
            *(np.asarray(a, dtype=np.float64) for a in per_event),
            float(model.fatality_weight),
            float(model.distance_decay_m),
            float(model.uncertain_weight),
            float(model.half_life_days),
        )
    )


@numba.njit(cache=True, parallel=True)
def _terms(
    weights, zone, distance, uncertain, event, precision, base, fatalities, age, confidence,
    fatality_weight, decay_m, uncertain_weight, half_life,
):  # fmt: skip
    n = len(zone)
    severity, proximity, recency, value = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for i in numba.prange(n):
        e = event[i]
        severity[i] = base[e] * (1.0 + fatality_weight * np.log1p(fatalities[e]))
        near = weights[zone[i]]
        if zone[i] != 0:  # outside the core, the weight halves every decay_m
            near *= 0.5 ** (distance[i] / decay_m)
        if uncertain[i]:  # a vaguer location counts less, down to its 1 km-radius share
            near *= uncertain_weight * np.sqrt(min(1.0, 1000.0 / precision[e]))
        proximity[i] = near
        recency[i] = 0.5 ** (age[e] / half_life)
        value[i] = severity[i] * near * recency[i] * confidence[e]
    return severity, proximity, recency, value


def counts_on(event: ConflictEvent, as_of: date, model: RiskModel) -> bool:
    """Whether an event counts on ``as_of``: it has begun, and ended within the horizon."""
    return event.date_start <= as_of and (as_of - event.date_end).days <= model.horizon_days


def contribution(
    exposure: Exposure, event: ConflictEvent, as_of: date, model: RiskModel
) -> Contribution | None:
    """The terms of one event for a site on ``as_of``; None if the event does not count then."""
    if not counts_on(event, as_of, model):
        return None
    return _contributions([(exposure, event)], as_of, model)[0]


def _contributions(
    pairs: Sequence[tuple[Exposure, ConflictEvent]], as_of: date, model: RiskModel
) -> list[Contribution]:
    if not pairs:
        return []
    terms = exposure_terms(
        model,
        zone=np.array([ZONES.index(x.zone) for x, _ in pairs]),
        distance_m=np.array([x.distance_m for x, _ in pairs]),
        uncertain=np.array([x.is_uncertain for x, _ in pairs]),
        event=np.arange(len(pairs)),
        precision_m=np.array([e.precision_m for _, e in pairs]),
        severity_base=np.array([model.severity[e.event_type.value] for _, e in pairs]),
        fatalities=np.array([e.fatalities.best or 0 for _, e in pairs], dtype=float),
        age_days=np.array([max((as_of - e.date_end).days, 0) for _, e in pairs], dtype=float),
        confidence=np.array([e.confidence for _, e in pairs]),
    )
    return [
        Contribution(
            x.event_ref,
            e.event_type.value,
            e.date_start,
            round(x.distance_m, 1),
            x.zone.value,
            x.is_uncertain,
            round(severity, 4),
            round(proximity, 4),
            round(recency, 4),
            e.confidence,
            value,
        )
        for (x, e), severity, proximity, recency, value in zip(
            pairs,
            terms.severity.tolist(),
            terms.proximity.tolist(),
            terms.recency.tolist(),
            terms.value.tolist(),
            strict=True,
        )
    ]


def assess_site(
    site: Site,
    matched: Iterable[tuple[Exposure, ConflictEvent]],
    as_of: date,
    model: RiskModel,
    *,
    previous_score: float | None = None,
) -> Assessment:
    """The site's score, level and reasons on ``as_of`` from its matched events."""
    parts = _contributions([(x, e) for x, e in matched if counts_on(e, as_of, model)], as_of, model)
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
