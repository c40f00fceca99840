"""Who hears about which alert change, and when daily digests are due."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from geometries import PALMYRA_SQUARE
from shapely.geometry import MultiPolygon, box

from alerts.subscriptions import (
    check_subscription,
    digest_period,
    is_in_scope,
    scope_summary,
    wants,
)
from heritage.domain import (
    Alert,
    AlertAction,
    AlertChange,
    AlertStatus,
    AlertTrigger,
    Channel,
    Designation,
    DesignationKind,
    GeometryPrecision,
    Provenance,
    Scope,
    Site,
    Subscription,
    SubscriptionStatus,
)
from heritage.errors import InvalidInputError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def site(site_id, core, buffer=None, countries=()):
    return Site(
        site_id,
        site_id.title(),
        MultiPolygon([core]),
        MultiPolygon([buffer]) if buffer is not None else MultiPolygon(),
        Designation(DesignationKind.WORLD_HERITAGE),
        Provenance(GeometryPrecision.DIGITISED),
        countries=countries,
    )


PALMYRA = site("palmyra", PALMYRA_SQUARE, countries=("SY",))
# Around Taveuni (Fiji), split at 180 degrees as the registry stores it.
TAVEUNI = Site(
    "taveuni",
    "Taveuni",
    MultiPolygon([box(179.9, -16.8, 180.0, -16.7), box(-180.0, -16.8, -179.9, -16.7)]),
    MultiPolygon(),
    Designation(DesignationKind.NATIONAL),
    Provenance(GeometryPrecision.DIGITISED),
    countries=("FJ",),
)
# A core zone at (10, 10) whose buffer ring reaches east of 10.5.
RINGED = site("ringed", box(10.0, 10.0, 10.1, 10.1), buffer=box(9.9, 9.9, 10.6, 10.2))


def subscription(**fields):
    base = Subscription(
        id=1,
        channel=Channel.EMAIL,
        target="ana@example.org",
        status=SubscriptionStatus.ACTIVE,
    )
    return dataclasses.replace(base, **fields)


def change(action=AlertAction.OPENED, level="elevated", peak_level=None):
    alert = Alert(
        id=3,
        site_id="palmyra",
        status=AlertStatus.RESOLVED if action is AlertAction.RESOLVED else AlertStatus.OPEN,
        trigger=AlertTrigger.LEVEL,
        level=level,
        peak_level=peak_level or level,
        score=1.0,
        as_of=date(2026, 11, 24),
        opened_at=NOW,
        updated_at=NOW,
    )
    return AlertChange(alert=alert, action=action, actor="monitor", at=NOW, summary="")


SHELLING = {"shelling"}


def test_an_active_subscriber_hears_of_an_opening():
    assert wants(subscription(), change(), PALMYRA, SHELLING)


@pytest.mark.parametrize("status", [SubscriptionStatus.PENDING, SubscriptionStatus.UNSUBSCRIBED])
def test_pending_or_unsubscribed_hear_nothing(status):
    assert not wants(subscription(status=status), change(), PALMYRA, SHELLING)


@pytest.mark.parametrize(
    "action",
    [AlertAction.ACKNOWLEDGED, AlertAction.SNOOZED, AlertAction.WOKEN, AlertAction.REOPENED],
)
def test_peoples_own_actions_are_not_sent(action):
    assert not wants(subscription(), change(action), PALMYRA, SHELLING)


def test_min_level_reads_the_peak_so_a_resolution_reaches_those_told_of_the_opening():
    high_only = subscription(min_level="high")
    assert not wants(high_only, change(level="elevated"), PALMYRA, SHELLING)
    assert wants(high_only, change(level="high"), PALMYRA, SHELLING)
    resolved = change(AlertAction.RESOLVED, level="low", peak_level="high")
    assert wants(high_only, resolved, PALMYRA, SHELLING)
    assert not wants(subscription(min_level="critical"), resolved, PALMYRA, SHELLING)


def test_event_types_filter_on_any_event_behind_the_alert():
    looting = subscription(event_types=("looting", "destruction"))
    assert not wants(looting, change(), PALMYRA, SHELLING)
    assert wants(looting, change(), PALMYRA, {"shelling", "looting"})
    assert wants(subscription(), change(), PALMYRA, set())


def test_scope_decides_last():
    elsewhere = subscription(scope=Scope(countries=("UA",)))
    assert not wants(elsewhere, change(), PALMYRA, SHELLING)


@pytest.mark.parametrize(
    ("scope", "site_", "expected"),
    [
        (Scope(), PALMYRA, True),
        (Scope(sites=("palmyra",)), PALMYRA, True),
        (Scope(sites=("bosra",)), PALMYRA, False),
        (Scope(countries=("IQ", "SY")), PALMYRA, True),
        (Scope(countries=("IQ",)), PALMYRA, False),
        (Scope(bbox=(38.0, 34.0, 39.0, 35.0)), PALMYRA, True),
        (Scope(bbox=(36.0, 33.0, 37.0, 34.0)), PALMYRA, False),
        (Scope(bbox=(10.5, 10.0, 11.0, 10.5)), RINGED, True),  # only the buffer reaches in
        (Scope(bbox=(179.0, -17.5, -179.0, -16.0)), TAVEUNI, True),
        (Scope(bbox=(179.0, -17.5, 179.5, -16.0)), TAVEUNI, False),
        (Scope(bbox=(-179.95, -17.5, -179.0, -16.0)), TAVEUNI, True),
        (Scope(bbox=(170.0, -90.0, -170.0, 90.0)), PALMYRA, False),  # not the other way round
        (Scope(area=MultiPolygon([box(38.27, 34.5, 38.4, 34.6)])), PALMYRA, True),
        (Scope(area=MultiPolygon([box(30.0, 30.0, 31.0, 31.0)])), PALMYRA, False),
        (Scope(sites=("bosra",), countries=("SY",)), PALMYRA, True),
    ],
)
def test_scope_by_site_country_box_or_area(scope, site_, expected):
    assert is_in_scope(scope, site_) is expected


def test_an_unlocated_site_is_only_in_scope_by_id_or_country():
    unlocated = Site(
        "lost",
        "Lost",
        MultiPolygon(),
        MultiPolygon(),
        Designation(DesignationKind.TENTATIVE),
        Provenance(GeometryPrecision.UNLOCATED),
        countries=("SY",),
    )
    assert not is_in_scope(Scope(bbox=(-180.0, -90.0, 180.0, 90.0)), unlocated)
    assert is_in_scope(Scope(countries=("SY",)), unlocated)


def test_scope_summary_in_words():
    assert scope_summary(Scope()) == "every site"
    scope = Scope(
        sites=("palmyra",),
        countries=("SY", "IQ"),
        bbox=(179.0, -17.5, -179.0, -16.0),
        area=MultiPolygon([box(0, 0, 1, 1)]),
    )
    assert scope_summary(scope) == (
        "sites palmyra; sites in SY, IQ; sites within the box 179, -17.5, -179, -16;"
        " sites in a drawn area"
    )


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def daily(**fields):
    return subscription(digest="daily", **fields)


def test_digest_at_seven_in_kyiv_is_due_at_five_utc_in_winter():
    kyiv = daily(timezone="Europe/Kyiv", digest_hour=7)
    last = utc(2026, 11, 23, 5, 0)
    assert digest_period(kyiv, last_sent=last, now=utc(2026, 11, 24, 4, 59)) is None
    assert digest_period(kyiv, last_sent=last, now=utc(2026, 11, 24, 5, 0)) == (
        last,
        utc(2026, 11, 24, 5, 0),
    )


def test_digest_in_new_york_follows_daylight_saving_time():
    new_york = daily(timezone="America/New_York", digest_hour=7)
    winter = digest_period(new_york, last_sent=None, now=utc(2026, 1, 15, 13, 0))
    assert winter[1] == utc(2026, 1, 15, 12, 0)
    summer = digest_period(new_york, last_sent=None, now=utc(2026, 7, 15, 13, 0))
    assert summer[1] == utc(2026, 7, 15, 11, 0)
    # Clocks go forward on 8 March 2026: that day's period is 23 hours long.
    since, until = digest_period(
        new_york, last_sent=utc(2026, 3, 7, 12, 0), now=utc(2026, 3, 8, 11, 30)
    )
    assert (since, until) == (utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 11, 0))
    assert until - since == timedelta(hours=23)


def test_first_digest_covers_the_day_before():
    since, until = digest_period(daily(digest_hour=7), last_sent=None, now=NOW)
    assert (since, until) == (utc(2026, 11, 23, 7, 0), utc(2026, 11, 24, 7, 0))
    since, until = digest_period(
        daily(timezone="America/New_York"), last_sent=None, now=utc(2026, 3, 8, 12, 0)
    )
    assert (since, until) == (utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 11, 0))


def test_a_digest_is_not_sent_twice_for_the_same_due_time():
    sub = daily(digest_hour=7)
    due = utc(2026, 11, 24, 7, 0)
    assert digest_period(sub, last_sent=due, now=NOW) is None
    assert digest_period(sub, last_sent=due + timedelta(minutes=3), now=NOW) is None
    assert digest_period(sub, last_sent=due, now=due + timedelta(days=1)) == (
        due,
        due + timedelta(days=1),
    )


def test_missed_days_make_one_digest_up_to_the_latest_due_time():
    three_days_ago = utc(2026, 11, 21, 7, 0)
    assert digest_period(daily(), last_sent=three_days_ago, now=NOW) == (
        three_days_ago,
        utc(2026, 11, 24, 7, 0),
    )


@pytest.mark.parametrize(
    "sub",
    [subscription(), daily(status=SubscriptionStatus.PENDING)],
    ids=["immediate", "pending"],
)
def test_no_digest_for_immediate_or_inactive_subscriptions(sub):
    assert digest_period(sub, last_sent=None, now=NOW) is None


def test_a_valid_subscription_passes():
    check_subscription(subscription())
    check_subscription(
        daily(
            channel=Channel.WEBHOOK,
            target="https://hooks.example.org/heritage",
            min_level="high",
            event_types=("airstrike", "looting"),
            digest_hour=0,
            timezone="Asia/Tokyo",
            scope=Scope(bbox=(179.0, -17.5, -179.0, -16.0)),
        )
    )


@pytest.mark.parametrize(
    ("fields", "location", "shown"),
    [
        ({"target": "ana.example.org"}, "target", "'ana.example.org'"),
        ({"target": "ana@example"}, "target", "'ana@example'"),
        ({"channel": Channel.WEBHOOK, "target": "ftp://x.org"}, "target", "'ftp://x.org'"),
        ({"min_level": "none"}, "min_level", "'none'"),
        ({"min_level": "severe"}, "min_level", "'severe'"),
        ({"event_types": ("shelling", "bombing")}, "event_types", "bombing"),
        ({"digest": "weekly"}, "digest", "'weekly'"),
        ({"digest_hour": 24}, "digest_hour", "24"),
        ({"timezone": "Mars/Olympus"}, "timezone", "'Mars/Olympus'"),
        ({"timezone": "Europe"}, "timezone", "'Europe'"),
        ({"timezone": "../etc/passwd"}, "timezone", "'../etc/passwd'"),
        ({"scope": Scope(bbox=(10.0, 50.0, 20.0, 40.0))}, "bbox", "(10.0, 50.0, 20.0, 40.0)"),
        ({"scope": Scope(bbox=(200.0, 0.0, 210.0, 1.0))}, "bbox", "(200.0, 0.0, 210.0, 1.0)"),
    ],
)
def test_check_subscription_errors_name_the_field_and_value(fields, location, shown):
    sub = subscription(**fields)
    with pytest.raises(InvalidInputError) as caught:
        check_subscription(sub)
    problem = caught.value.problems[0]
    assert problem.location == location
    assert shown in str(caught.value)
    assert f"subscription {sub.target}, {location}" in str(caught.value)
