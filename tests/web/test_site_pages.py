"""The site page and the alert pages that every message links to: reasons, events, history,
hostile text inert, sensitive sites withheld."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from shapely.geometry import box
from test_dashboard import Page, feature, import_sites

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.pipeline.alerts import raise_alerts

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def alerted(app, runner, tmp_path, clock):
    alerted_now(app, runner, tmp_path, clock)


def alerted_now(app, runner, tmp_path, clock) -> None:
    """Palmyra (and a sensitive site beside it) hit by a clash posted by a partner whose
    place, link and description are hostile; assessed and alerted."""
    import_sites(
        runner,
        tmp_path,
        [
            feature("palmyra", "Palmyra", box(38.26, 34.54, 38.28, 34.56), countries=["SY"]),
            feature("hidden", "Hidden tell", box(38.30, 34.54, 38.31, 34.55), sensitive=True),
        ],
    )
    runtime = app.extensions["heritage"]
    event = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [38.27, 34.55]},
        "properties": {
            "id": "x1",
            "date": (clock() - timedelta(days=1)).date().isoformat(),
            "type": "shelling",
            "place": HOSTILE,
            "url": "javascript:alert(3)",
            "description": HOSTILE,
            "precision_m": 100,
        },
    }
    with runtime.session() as session:
        pipeline.ingest_event_json(session, event, source="partner-a", now=clock())
        pipeline.match_and_assess(session, RISK_MODEL, now=clock())
        raise_alerts(session, runtime.settings, now=clock())


def test_the_site_page_explains_the_level_and_lists_the_events(client, alerted):
    html = client.get("/sites/palmyra").get_data(as_text=True)
    assert "Level <strong>critical</strong>" in html
    assert "Shelling" in html and "0.0 km" in html and "core" in html
    assert f'href="/alerts/{_palmyra_alert(client)}"' in html


def test_hostile_event_text_is_inert_on_the_site_and_alert_pages(client, alerted):
    for path in ("/sites/palmyra", "/alerts", f"/alerts/{_palmyra_alert(client)}"):
        page = Page(client.get(path).get_data(as_text=True))
        assert page.inline_scripts == []
        for tag, attrs in page.tags:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not str(attrs.get("href", "")).startswith("javascript"), (path, attrs)


def test_the_alert_queue_and_page_show_level_reasons_and_history(client, alerted):
    queue = client.get("/alerts").get_data(as_text=True)
    assert "Palmyra" in queue and "critical" in queue
    html = client.get(f"/alerts/{_palmyra_alert(client)}").get_data(as_text=True)
    assert "opened</strong> by monitor" in html
    assert "inside the core zone" in html


def test_a_sensitive_site_page_withholds_its_events(client, alerted):
    html = client.get("/sites/hidden").get_data(as_text=True)
    assert "Withheld" in html and "km" not in html.split("Risk now")[1].split("Alerts")[0]


def test_unknown_site_or_alert_is_a_404_page(client, alerted):
    assert client.get("/sites/nowhere").status_code == 404
    assert client.get("/alerts/999").status_code == 404


def _palmyra_alert(client) -> int:
    [alert] = client.get("/api/v1/alerts?site=palmyra").get_json()["alerts"]
    return alert["id"]


def test_analysts_see_a_sensitive_sites_events_viewers_do_not(client, runner, alerted):
    from test_accounts import _login, _user

    _user(runner, "vera", "viewer")
    _login(client, "vera")
    assert "Withheld" in client.get("/sites/hidden").get_data(as_text=True)
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    html = client.get("/sites/hidden").get_data(as_text=True)
    assert "Withheld" not in html and "Shelling" in html


def test_messages_about_a_sensitive_site_leave_its_location_out(app, runner, tmp_path, clock):
    from heritage.domain import Channel, Scope, Subscription
    from heritage.pipeline.subscriptions import subscribe
    from heritage.store import deliveries

    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        subscribe(
            session,
            runtime.settings,
            Subscription(None, Channel.EMAIL, "duty@example.org", Scope(sites=())),
            now=clock(),
            confirmed=True,
        )
    alerted_now(app, runner, tmp_path, clock)
    with runtime.session() as session:
        rows = {d.subject: d.body for d in deliveries.list_deliveries(session)}
    hidden = next(body for subject, body in rows.items() if "Hidden tell" in subject)
    palmyra = next(body for subject, body in rows.items() if "Palmyra" in subject)
    assert "Why:" in palmyra["text"] and "Why:" not in hidden["text"]
    assert " km" not in hidden["text"] and "zone" not in hidden["text"]
    assert "sensitive site" in hidden["text"] and "sensitive site" in hidden["html"]
