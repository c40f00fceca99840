"""Alert rules: when an alert opens, follows the news, is revised, withdrawn or resolves."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest

from alerts import lifecycle
from alerts.rules import MONITOR, AlertPolicy, evaluate, quiet_days_left
from heritage.domain import AlertAction, AlertStatus, AlertTrigger, Disposition
from heritage.risk import Assessment, Contribution

DAY0 = date(2026, 11, 1)
POLICY = AlertPolicy(min_level="elevated", quiet_days=7, core_event_days=7)


def at(day: date) -> datetime:
    return datetime.combine(day, time(6, 0), tzinfo=UTC)


def contribution(ref, *, event_type="shelling", zone="buffer", on=DAY0, uncertain=False):
    return Contribution(
        event_ref=ref,
        event_type=event_type,
        event_date=on,
        distance_m=0.0 if zone == "core" else 800.0,
        zone=zone,
        is_uncertain=uncertain,
        severity=0.8,
        proximity=1.0,
        recency=1.0,
        confidence=0.9,
        value=0.72,
    )


A, B, C = contribution("acled:1"), contribution("acled:2"), contribution("ucdp:3")


def assessment(day, level, *contributions, score=1.0):
    return Assessment(
        site_id="palmyra",
        as_of=day,
        score=score,
        level=level,
        trend="steady",
        previous_score=None,
        contributions=contributions,
        reasons=(f"Level {level}.", "Closest: shelling 800 m from the core zone."),
    )


def step(latest, news, changed=None):
    """Evaluate ``news`` at 06:00 UTC of its day, saving a new alert under id 1."""
    outcome = evaluate(news, latest, POLICY, now=at(news.as_of), changed_events=changed)
    if outcome.alert is not None and outcome.alert.id is None:
        outcome = dataclasses.replace(outcome, alert=dataclasses.replace(outcome.alert, id=1))
    return outcome


def opened(level="elevated", *contributions, day=DAY0):
    return step(None, assessment(day, level, *(contributions or (A, B)))).alert


def test_level_reaching_threshold_opens_one_alert():
    below = step(None, assessment(DAY0, "low", A))
    assert below.alert is None and below.change is None

    outcome = step(None, assessment(DAY0, "elevated", B, A))
    alert, change = outcome.alert, outcome.change
    assert (alert.status, alert.trigger) == (AlertStatus.OPEN, AlertTrigger.LEVEL)
    assert (alert.level, alert.peak_level, alert.version) == ("elevated", "elevated", 1)
    assert alert.event_refs == ("acled:1", "acled:2")
    assert alert.opened_at == alert.updated_at == at(DAY0)
    assert (change.action, change.actor, change.at) == (AlertAction.OPENED, MONITOR, at(DAY0))
    assert "Level elevated" in change.summary and "reached the threshold" in change.summary

    again = step(alert, assessment(DAY0 + timedelta(days=1), "elevated", A, B))
    assert again.change is None and again.alert.id == alert.id


def test_same_assessment_again_changes_nothing():
    alert = opened()
    outcome = step(alert, assessment(DAY0, "elevated", A, B))
    assert outcome.change is None
    assert outcome.alert == alert


def test_new_events_update_the_same_alert_not_a_second():
    alert = opened()
    outcome = step(alert, assessment(DAY0 + timedelta(days=1), "elevated", A, B, C))
    assert outcome.alert.id == alert.id and outcome.alert.version == 2
    assert outcome.change.action is AlertAction.UPDATED
    assert outcome.change.added_events == ("ucdp:3",)
    assert "1 new event(s)" in outcome.change.summary


def test_a_lower_level_still_at_threshold_is_an_update_that_keeps_the_peak():
    alert = opened("high")
    outcome = step(alert, assessment(DAY0 + timedelta(days=1), "elevated", A, B))
    assert outcome.change.action is AlertAction.UPDATED
    assert "Eased from high to elevated" in outcome.change.summary
    assert (outcome.alert.level, outcome.alert.peak_level) == ("elevated", "high")


@pytest.mark.parametrize(
    "status", [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED]
)
def test_higher_level_escalates_and_wakes_acknowledged_or_snoozed(status):
    alert = dataclasses.replace(
        opened(),
        status=status,
        disposition=Disposition.CONFIRMED if status is AlertStatus.ACKNOWLEDGED else None,
        snoozed_until=at(DAY0 + timedelta(days=30)) if status is AlertStatus.SNOOZED else None,
    )
    outcome = step(alert, assessment(DAY0 + timedelta(days=1), "critical", A, B))
    assert outcome.change.action is AlertAction.ESCALATED
    assert outcome.change.previous_level == "elevated"
    assert "Escalated from elevated to critical" in outcome.change.summary
    assert (outcome.alert.status, outcome.alert.snoozed_until) == (AlertStatus.OPEN, None)
    assert (outcome.alert.level, outcome.alert.peak_level) == ("critical", "critical")
    assert outcome.alert.disposition == alert.disposition


def test_new_events_keep_an_acknowledgement_but_end_a_snooze():
    news = assessment(DAY0 + timedelta(days=1), "elevated", A, B, C)
    acknowledged = dataclasses.replace(opened(), status=AlertStatus.ACKNOWLEDGED)
    assert step(acknowledged, news).alert.status is AlertStatus.ACKNOWLEDGED
    snoozed = dataclasses.replace(opened(), status=AlertStatus.SNOOZED)
    assert step(snoozed, news).alert.status is AlertStatus.OPEN
    quiet = step(snoozed, assessment(DAY0, "elevated", A, B))
    assert quiet.change is None and quiet.alert.status is AlertStatus.SNOOZED


def test_destructive_event_inside_core_opens_alert_below_threshold():
    strike = contribution("acled:9", event_type="airstrike", zone="core", on=DAY0)
    outcome = step(None, assessment(DAY0 + timedelta(days=7), "low", strike))
    assert outcome.alert.trigger is AlertTrigger.CORE_EVENT
    assert outcome.alert.level == "low"
    summary = outcome.change.summary
    assert "airstrike inside the core zone on 2026-11-01 (acled:9)" in summary


@pytest.mark.parametrize(
    "news",
    [
        contribution("acled:9", event_type="airstrike", zone="core", uncertain=True),
        contribution("acled:9", event_type="armed_clash", zone="core"),
        contribution("acled:9", event_type="airstrike", zone="buffer"),
        contribution("acled:9", event_type="airstrike", zone="core", on=DAY0 - timedelta(days=1)),
    ],
    ids=["uncertain", "clash", "in-buffer", "too-old"],
)
def test_other_events_below_threshold_open_nothing(news):
    outcome = step(None, assessment(DAY0 + timedelta(days=7), "low", news))
    assert outcome.alert is None and outcome.change is None


def test_resolves_only_after_quiet_period():
    alert = opened()
    first_quiet = DAY0 + timedelta(days=1)
    for n in range(POLICY.quiet_days):
        day = first_quiet + timedelta(days=n)
        outcome = step(alert, assessment(day, "low", A, B))
        assert outcome.change is None
        alert = outcome.alert
        assert (alert.status, alert.below_since, alert.level) == (
            AlertStatus.OPEN,
            first_quiet,
            "low",
        )
        assert quiet_days_left(alert, POLICY, day) == POLICY.quiet_days - n
    assert alert.version == 1

    last = first_quiet + timedelta(days=POLICY.quiet_days)
    outcome = step(alert, assessment(last, "low", A, B))
    assert outcome.change.action is AlertAction.RESOLVED
    assert (outcome.alert.status, outcome.alert.resolved_at) == (AlertStatus.RESOLVED, at(last))
    assert outcome.alert.version == 2
    assert "below elevated for 7 days (since 2026-11-02)" in outcome.change.summary
    assert step(outcome.alert, assessment(last + timedelta(days=1), "low", A)).alert is None


def test_level_back_up_during_quiet_period_cancels_it():
    alert = opened()
    for n in (1, 2, 3):
        alert = step(alert, assessment(DAY0 + timedelta(days=n), "low", A, B)).alert
    assert alert.below_since == DAY0 + timedelta(days=1)

    back = step(alert, assessment(DAY0 + timedelta(days=4), "elevated", A, B))
    assert back.change is not None and back.alert.below_since is None
    assert quiet_days_left(back.alert, POLICY, DAY0 + timedelta(days=4)) is None

    alert = back.alert
    for n in range(5, 5 + POLICY.quiet_days):
        alert = step(alert, assessment(DAY0 + timedelta(days=n), "low", A, B)).alert
        assert alert.status is AlertStatus.OPEN  # the quiet period restarted on day 5
    assert alert.below_since == DAY0 + timedelta(days=5)


def test_retracted_event_revises_the_alert_and_says_so():
    alert = opened("high", A, B, C)
    outcome = step(
        alert, assessment(DAY0 + timedelta(days=1), "elevated", A, B), {"ucdp:3": "retracted"}
    )
    change = outcome.change
    assert change.action is AlertAction.REVISED
    assert (change.revised_events, change.removed_events) == (("ucdp:3",), ("ucdp:3",))
    assert "Revised by its source: ucdp:3 retracted." in change.summary
    assert outcome.alert.event_refs == ("acled:1", "acled:2") and outcome.alert.version == 2


def test_retraction_that_drops_the_level_below_threshold_says_retracted():
    alert = opened("elevated", A, B)
    outcome = step(alert, assessment(DAY0 + timedelta(days=1), "low", A), {"acled:2": "retracted"})
    assert outcome.change.action is AlertAction.REVISED
    assert "acled:2 retracted" in outcome.change.summary
    assert "The level fell to low" in outcome.change.summary
    assert outcome.alert.status is AlertStatus.OPEN
    assert outcome.alert.below_since == DAY0 + timedelta(days=1)


def test_retraction_of_every_event_withdraws_it():
    alert = opened("elevated", A, B)
    day = DAY0 + timedelta(days=1)
    outcome = step(
        alert, assessment(day, "none", score=0.0), {"acled:1": "retracted", "acled:2": "revised"}
    )
    change = outcome.change
    assert change.action is AlertAction.WITHDRAWN
    assert change.removed_events == change.revised_events == ("acled:1", "acled:2")
    assert (outcome.alert.status, outcome.alert.resolved_at) == (AlertStatus.RESOLVED, at(day))
    reopened = step(outcome.alert, assessment(day + timedelta(days=1), "elevated", C))
    assert reopened.change.action is AlertAction.OPENED


def test_person_resolved_alert_reopens_only_for_new_events_or_higher_level():
    alert = opened("elevated", A, B)
    closed = lifecycle.resolve(alert, actor="ana", now=at(DAY0)).alert
    day = DAY0 + timedelta(days=1)
    assert step(closed, assessment(day, "elevated", A, B)).alert is None
    assert step(closed, assessment(day, "elevated", A)).alert is None

    higher = step(closed, assessment(day, "high", A, B))
    assert higher.change.action is AlertAction.OPENED and higher.alert.version == 1
    newer = step(closed, assessment(day, "elevated", A, B, C))
    assert newer.change.action is AlertAction.OPENED
    assert newer.alert.event_refs == ("acled:1", "acled:2", "ucdp:3")


def test_older_assessment_is_ignored():
    alert = opened("elevated", day=DAY0 + timedelta(days=5))
    stale = assessment(DAY0 + timedelta(days=3), "critical", A, B, C)
    assert step(alert, stale, {"acled:1": "retracted"}).alert is None

    closed = lifecycle.resolve(alert, actor="ana", now=at(DAY0 + timedelta(days=5))).alert
    outcome = step(closed, stale)
    assert outcome.alert is None and outcome.change is None


def test_versions_increase_with_every_change():
    days = [DAY0 + timedelta(days=n) for n in range(20)]
    news = [
        assessment(days[0], "elevated", A),
        assessment(days[1], "elevated", A),  # nothing new
        assessment(days[2], "elevated", A, B),  # updated
        assessment(days[3], "critical", A, B),  # escalated
        *(assessment(d, "low", A, B) for d in days[4:11]),  # quiet
        assessment(days[11], "low", A, B),  # resolved
    ]
    alert, versions = None, []
    for item in news:
        outcome = step(alert, item)
        alert = outcome.alert
        if outcome.change is not None:
            assert outcome.change.alert.version == alert.version
            versions.append(alert.version)
    assert versions == [1, 2, 3, 4]
    assert alert.status is AlertStatus.RESOLVED
