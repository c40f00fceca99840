"""Messages about alerts: what they say, and that hostile report text stays inert."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from alerts.messages import (
    AlertNotice,
    EventLine,
    FeedProblem,
    Message,
    render_alert,
    render_confirmation,
    render_digest,
    render_feed_stale,
    subject_line,
    webhook_payload,
    with_unsubscribe,
)
from heritage.domain import Alert, AlertAction, AlertChange, AlertStatus, AlertTrigger
from heritage.errors import InvalidInputError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 24)
SCRIPT = "<script>alert(1)</script>"


def event(**changes) -> EventLine:
    values = {
        "ref": "acled:SYR1234",
        "event_type": "armed_clash",
        "date": date(2026, 11, 23),
        "distance_m": 1234.0,
        "zone": "buffer",
        "is_uncertain": False,
        "place": "Tadmur",
        "source": "acled",
        "url": "https://acleddata.com/event/SYR1234",
        "value": 1.5,
    }
    return EventLine(**(values | changes))


def notice(
    action=AlertAction.OPENED, level="critical", site_name="Palmyra", events=None, previous=None
) -> AlertNotice:
    alert = Alert(
        id=7,
        site_id="whc-23",
        status=AlertStatus.OPEN,
        trigger=AlertTrigger.LEVEL,
        level=level,
        peak_level=level,
        score=3.456,
        as_of=DAY,
        opened_at=NOW,
        updated_at=NOW,
    )
    change = AlertChange(
        alert, action, "monitor", NOW, "Two armed clashes near the site.", previous_level=previous
    )
    return AlertNotice(
        change=change,
        site_name=site_name,
        site_url="http://monitor.test/sites/whc-23",
        alert_url="http://monitor.test/alerts/7",
        events=(event(),) if events is None else events,
    )


@pytest.mark.parametrize(
    ("action", "level", "expected"),
    [
        (AlertAction.OPENED, "critical", "[Heritage monitor] CRITICAL: Palmyra - alert opened"),
        (
            AlertAction.ESCALATED,
            "high",
            "[Heritage monitor] HIGH: Palmyra - alert escalated to HIGH",
        ),
        (AlertAction.UPDATED, "elevated", "[Heritage monitor] ELEVATED: Palmyra - alert updated"),
        (AlertAction.REVISED, "low", "[Heritage monitor] LOW: Palmyra - alert revised"),
        (AlertAction.RESOLVED, "low", "[Heritage monitor] LOW: Palmyra - alert resolved"),
        (AlertAction.WITHDRAWN, "low", "[Heritage monitor] LOW: Palmyra - alert withdrawn"),
    ],
)
def test_subject_names_level_site_and_action(action, level, expected):
    assert render_alert(notice(action, level)).subject == expected


def test_body_gives_summary_level_score_and_links():
    message = render_alert(notice(AlertAction.ESCALATED, "high", previous="elevated"))
    for part in (message.text, message.html):
        assert "Two armed clashes near the site." in part
        assert "HIGH" in part and "(was ELEVATED)" in part
        assert "3.46" in part
        assert "http://monitor.test/sites/whc-23" in part
        assert "http://monitor.test/alerts/7" in part
    assert '<a href="http://monitor.test/alerts/7">' in message.html


def test_reasons_list_distance_type_date_place_and_source_link():
    message = render_alert(notice())
    line = "Armed clash on 2026-11-23, 1.2 km from the core zone (buffer zone)"
    assert line in message.text
    assert "Tadmur; source: acled, https://acleddata.com/event/SYR1234" in message.text
    assert '<a href="https://acleddata.com/event/SYR1234">' in message.html
    assert "(location uncertain)" not in message.text


def test_event_inside_core_zone_and_uncertain_location_are_said():
    inside = event(distance_m=0.0, zone="core", event_type="airstrike", is_uncertain=True)
    message = render_alert(notice(events=(inside,)))
    assert "Airstrike on 2026-11-23, inside the core zone (location uncertain)" in message.text
    assert "(location uncertain)" in message.html


def test_at_most_five_events_are_listed():
    events = tuple(event(ref=f"acled:{i}", place=f"Place {i}") for i in range(8))
    message = render_alert(notice(events=events))
    assert "Place 4" in message.text and "Place 5" not in message.text
    assert message.html.count("<li>") == 5


def test_hostile_site_name_is_escaped_in_html_and_one_line_in_subject():
    name = f'{SCRIPT}"onmouseover="x\r\nBcc: victim@example.org'
    message = render_alert(notice(site_name=name))
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert '"onmouseover="' not in message.html
    assert "\r" not in message.subject and "\n" not in message.subject
    assert "Bcc: victim@example.org" in message.subject  # inert text on the same line


def test_hostile_place_and_javascript_url_never_become_markup_or_links():
    hostile = event(place=f'{SCRIPT} "onmouseover="x', url="javascript:alert(1)")
    message = render_alert(notice(events=(hostile,)))
    html = message.html
    assert "<script>" not in html
    assert '"onmouseover="' not in html and "&#34;onmouseover=&#34;x" in html
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert(1)" in html  # shown as text, so a reader sees what the source said


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "//evil.test/x",
        "https://ok.test/a b",
        "vbscript:x",
        "",
    ],
)
def test_only_plain_http_links_become_hrefs(url):
    html = render_alert(notice(events=(event(url=url),))).html
    assert html.count("<a href=") == 2  # the site and the alert links only


def test_subject_line_strips_controls_collapses_space_and_caps_length():
    assert subject_line("Palmyra\r\nBcc: x@y.z\t\x00 \u202eevil") == "Palmyra Bcc: x@y.z evil"
    assert subject_line("\u06a9\u062a\u200c\u0647\u0627") == "\u06a9\u062a\u200c\u0647\u0627"
    long = subject_line("x" * 500)
    assert len(long) == 200 and long.endswith("…")


def test_message_refuses_a_subject_that_is_not_one_clean_line():
    with pytest.raises(InvalidInputError, match="subject"):
        Message(subject="a\r\nBcc: b", text="", html="")


def test_unknown_language_falls_back_to_english():
    assert render_alert(notice(), language="xx") == render_alert(notice())


def test_digest_without_changes_says_all_quiet_and_shows_feed_health():
    problem = FeedProblem("ucdp", None, "HTTP 503 from the API", 3 * 86400 + 7200, 172_800)
    message = render_digest(
        [],
        day=DAY,
        timezone="Europe/Paris",
        dashboard_url="http://monitor.test/",
        feed_problems=[problem],
    )
    assert message.subject == "[Heritage monitor] Daily digest 2026-11-24: all quiet"
    for part in (message.text, message.html):
        assert "no alert changed in your subscription's scope" in part
        assert "ucdp" in part and "3 days 2 hours" in part and "HTTP 503" in part
    healthy = render_digest([], day=DAY, timezone="UTC", dashboard_url="http://monitor.test/")
    assert "Every source reported on time." in healthy.text


def test_digest_lists_each_change():
    notices = [notice(), notice(AlertAction.RESOLVED, "low", site_name="Bosra")]
    message = render_digest(notices, day=DAY, timezone="UTC", dashboard_url="http://m.test/")
    assert message.subject == "[Heritage monitor] Daily digest 2026-11-24: 2 alert changes"
    assert "CRITICAL: Palmyra - alert opened" in message.text
    assert "LOW: Bosra - alert resolved" in message.html


def test_feed_stale_names_the_source_and_how_long_it_was_silent():
    problem = FeedProblem("acled", NOW, None, 2 * 86400 + 3 * 3600, 172_800)
    message = render_feed_stale([problem], dashboard_url="http://monitor.test/")
    assert "acled" in message.subject
    for part in (message.text, message.html):
        assert "acled" in part
        assert "silent for 2 days 3 hours (expected at least every 2 days)" in part
        assert "2026-11-24T12:00+00:00" in part


def test_confirmation_carries_the_link_and_the_scope():
    url = "https://monitor.test/subscriptions/confirm?token=abc&x=1"
    message = render_confirmation(confirm_url=url, scope_summary="Syria, Iraq")
    assert message.subject == "[Heritage monitor] Confirm your subscription"
    assert url in message.text and "Syria, Iraq" in message.text
    assert 'href="https://monitor.test/subscriptions/confirm?token=abc&amp;x=1"' in message.html


def test_webhook_payload_is_json_with_iso_dates():
    payload = webhook_payload(notice(AlertAction.ESCALATED, "high", previous="elevated"))
    assert json.loads(json.dumps(payload)) == payload
    assert payload["type"] == "alert.escalated"
    assert payload["alert"] == {
        "id": 7,
        "site_id": "whc-23",
        "site_name": "Palmyra",
        "status": "open",
        "level": "high",
        "peak_level": "high",
        "previous_level": "elevated",
        "score": 3.456,
        "trigger": "level",
        "opened_at": "2026-11-24T12:00:00+00:00",
        "as_of": "2026-11-24",
        "url": "http://monitor.test/alerts/7",
    }
    assert payload["summary"] == "Two armed clashes near the site."
    assert payload["site_url"] == "http://monitor.test/sites/whc-23"
    assert payload["events"][0]["date"] == "2026-11-23"
    assert payload["events"][0]["ref"] == "acled:SYR1234"


def test_every_message_can_carry_the_subscribers_unsubscribe_link():
    message = with_unsubscribe(
        render_alert(notice()), "https://monitor.example.org/subscriptions/unsubscribe/t0k"
    )
    assert message.text.rstrip().endswith(
        "To stop these messages: https://monitor.example.org/subscriptions/unsubscribe/t0k"
    )
    assert '<a href="https://monitor.example.org/subscriptions/unsubscribe/t0k">' in message.html
    assert message.html.rstrip().endswith("</html>")
    hostile = with_unsubscribe(render_alert(notice()), "javascript:alert(1)")
    assert 'href="javascript' not in hostile.html
