"""The risk model: terms a person can read, levels by readable rules, reasons in words."""

import dataclasses
from datetime import date, timedelta

import pytest

from heritage.config import RISK_MODEL
from heritage.domain import (
    ConflictEvent,
    DatePrecision,
    Designation,
    DesignationKind,
    EventType,
    Exposure,
    Fatalities,
    GeometryPrecision,
    Provenance,
    Site,
    Zone,
)
from heritage.geo import buffer_ring, geodesic_circle
from heritage.risk import assess_site, contribution

AS_OF = date(2017, 3, 10)
CORE = geodesic_circle(38.27, 34.55, 1000.0)
PALMYRA = Site(
    "palmyra",
    "Site of Palmyra",
    CORE,
    buffer_ring(CORE, 2000.0),
    Designation(DesignationKind.WORLD_HERITAGE, 23),
    Provenance(GeometryPrecision.DIGITISED),
)


def pair(
    kind=EventType.AIRSTRIKE,
    *,
    days_ago=2,
    zone=Zone.CORE,
    distance_m=0.0,
    uncertain=False,
    deaths=0,
    precision_m=10.0,
    confidence=1.0,
    name="e1",
):
    day = AS_OF - timedelta(days=days_ago)
    event = ConflictEvent(
        "test",
        name,
        day,
        day,
        DatePrecision.DAY,
        38.27,
        34.55,
        precision_m,
        kind,
        "test",
        fatalities=Fatalities(deaths, deaths, deaths),
        confidence=confidence,
    )
    return Exposure("palmyra", f"test:{name}", distance_m, zone, uncertain), event


def test_a_strike_inside_the_core_zone_this_week_is_critical_and_says_why():
    result = assess_site(PALMYRA, [pair()], AS_OF, RISK_MODEL)
    assert result.level == "critical"
    assert any("Critical: airstrike inside the core zone" in r for r in result.reasons)
    assert result.contributions[0].zone == "core"


def test_the_same_strike_a_month_ago_counts_half_and_is_no_longer_critical_by_rule():
    fresh = contribution(*pair(days_ago=0), AS_OF, RISK_MODEL)
    month = contribution(*pair(days_ago=30), AS_OF, RISK_MODEL)
    assert month.recency == pytest.approx(0.5) and month.value == pytest.approx(fresh.value / 2)
    assert assess_site(PALMYRA, [pair(days_ago=30)], AS_OF, RISK_MODEL).level != "critical"


def test_uncertain_far_and_old_events_weigh_less_and_future_ones_not_at_all():
    base = contribution(*pair(zone=Zone.VICINITY, distance_m=1000.0), AS_OF, RISK_MODEL).value
    far = contribution(*pair(zone=Zone.VICINITY, distance_m=6000.0), AS_OF, RISK_MODEL).value
    fuzzy = contribution(
        *pair(zone=Zone.VICINITY, distance_m=1000.0, uncertain=True, precision_m=25_000.0),
        AS_OF,
        RISK_MODEL,
    ).value
    assert far < base and fuzzy < base / 4
    assert contribution(*pair(days_ago=-3), AS_OF, RISK_MODEL) is None
    assert contribution(*pair(days_ago=400), AS_OF, RISK_MODEL) is None


def test_an_uncertain_strike_at_the_site_is_never_critical_by_rule():
    result = assess_site(
        PALMYRA, [pair(zone=Zone.VICINITY, uncertain=True, precision_m=25_000.0)], AS_OF, RISK_MODEL
    )
    assert result.level != "critical"


def test_deaths_raise_severity_and_vulnerability_multiplies_the_score():
    quiet = contribution(*pair(kind=EventType.ARMED_CLASH, days_ago=20), AS_OF, RISK_MODEL)
    deadly = contribution(
        *pair(kind=EventType.ARMED_CLASH, days_ago=20, deaths=10), AS_OF, RISK_MODEL
    )
    assert deadly.severity == pytest.approx(quiet.severity * (1 + 0.25 * 2.3979), rel=1e-3)
    fragile = dataclasses.replace(PALMYRA, vulnerability=1.5)
    one = assess_site(PALMYRA, [pair(days_ago=20)], AS_OF, RISK_MODEL).score
    assert assess_site(fragile, [pair(days_ago=20)], AS_OF, RISK_MODEL).score == pytest.approx(
        1.5 * one, rel=1e-3
    )


def test_levels_follow_the_thresholds_and_a_quiet_site_is_none():
    assert assess_site(PALMYRA, [], AS_OF, RISK_MODEL).level == "none"
    many = [
        pair(
            kind=EventType.ARMED_CLASH,
            days_ago=10,
            zone=Zone.BUFFER,
            distance_m=500.0,
            name=f"e{i}",
        )
        for i in range(12)
    ]
    result = assess_site(PALMYRA, many, AS_OF, RISK_MODEL)
    assert result.level in ("high", "critical") and result.n_events == 12
    assert result.contributions[0].value >= result.contributions[-1].value


def test_trend_compares_with_the_previous_score():
    assert (
        assess_site(PALMYRA, [pair(days_ago=10)], AS_OF, RISK_MODEL, previous_score=0.1).trend
        == "rising"
    )
    assert assess_site(PALMYRA, [], AS_OF, RISK_MODEL, previous_score=3.0).trend == "falling"
    assert assess_site(PALMYRA, [], AS_OF, RISK_MODEL).trend == "new"


def test_batch_terms_over_matched_arrays_give_each_site_the_score_its_assessment_has():
    # The benchmark's path (arrays in, sums per site) and a site's assessment share one formula.
    import numpy as np

    from heritage.geo import GEOD
    from heritage.match import build_site_index, match_arrays, match_events
    from heritage.risk import exposure_terms

    rng = np.random.default_rng(11)
    bearings, metres = rng.uniform(0, 360, 60), rng.uniform(0, 15_000, 60)
    lons, lats, _ = GEOD.fwd(np.full(60, 38.27), np.full(60, 34.55), bearings, metres)
    events = [
        pair(
            days_ago=int(rng.integers(0, 200)),
            deaths=int(rng.integers(0, 5)),
            precision_m=float(rng.choice([10.0, 5000.0])),
            name=f"e{i}",
        )[1]
        for i in range(60)
    ]
    events = [
        dataclasses.replace(e, lon=x, lat=y) for e, x, y in zip(events, lons, lats, strict=True)
    ]
    index = build_site_index([PALMYRA])
    found = match_arrays(
        index,
        np.array([e.lon for e in events]),
        np.array([e.lat for e in events]),
        np.full(60, RISK_MODEL.reach_m["airstrike"]),
        np.array([e.precision_m for e in events]),
    )
    terms = exposure_terms(
        RISK_MODEL,
        zone=found.zone,
        distance_m=found.distance_m,
        uncertain=found.uncertain,
        event=found.event,
        precision_m=np.array([e.precision_m for e in events]),
        severity_base=np.full(60, RISK_MODEL.severity["airstrike"]),
        fatalities=np.array([e.fatalities.best for e in events], dtype=float),
        age_days=np.array([(AS_OF - e.date_end).days for e in events], dtype=float),
        confidence=np.ones(60),
    )
    by_ref = {f"{e.source}:{e.source_id}": e for e in events}
    matched = [(x, by_ref[x.event_ref]) for x in match_events(index, events, RISK_MODEL)]
    assessed = assess_site(PALMYRA, matched, AS_OF, RISK_MODEL)
    assert len(found) == len(matched) > 30
    assert terms.value.sum() == pytest.approx(assessed.score, rel=1e-4)
