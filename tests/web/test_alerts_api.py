"""Alerts, the scheduler status and the subscription links, through the Flask test client.

Alerts come from the real pipeline: the shipped registry, events posted near Palmyra and in
the sensitive Tadrart Acacus, match-and-assess, then the alert rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from conftest import REPO

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.domain import Channel, Scope, Subscription, SubscriptionStatus
from heritage.jobs import JOB_TABLE, JOBS, poll_job, run_once
from heritage.pipeline.alerts import raise_alerts
from heritage.pipeline.subscriptions import subscribe
from heritage.pipeline.tokens import confirm_url, unsubscribe_url
from heritage.store import deliveries
from heritage.store import scheduler as scheduler_store
from heritage.store import subscriptions as subscription_store
from heritage.store.session import migrate
from heritage.web import create_app
from heritage.web.api import WITHHELD_REASON

EMAIL = "duty@example.org"
WEBHOOK = "https://hooks.example.net/private-path/3f9c"


@pytest.fixture
def app(database_url, clock):
    """The conftest app, with a secret key to sign the subscription links."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, "SECRET_KEY": "test-key"}
    )
    migrate(app.extensions["heritage"].engine)
    yield app
    app.extensions["heritage"].engine.dispose()


@pytest.fixture
def app_runtime(app):
    return app.extensions["heritage"]


def _point(event_id: str, lon: float, lat: float, event_type: str) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": event_id, "date": "2026-11-20", "type": event_type},
    }


@pytest.fixture
def alerts(app_runtime) -> dict[str, int]:
    """Open alerts on Palmyra (told to an email and a webhook) and on the sensitive Tadrart
    Acacus; their ids by site."""
    settings, now = app_runtime.settings, app_runtime.clock()
    with app_runtime.session() as session:
        pipeline.import_site_files(session, REPO / "sites", settings, now=now)
        for channel, target in ((Channel.EMAIL, EMAIL), (Channel.WEBHOOK, WEBHOOK)):
            wanted = Subscription(None, channel, target, Scope(sites=("palmyra",)))
            subscribe(session, settings, wanted, now=now, confirmed=True)
        events = [
            _point("P1", 38.26, 34.55, "airstrike"),
            _point("P2", 38.27, 34.56, "shelling"),
            _point("T1", 10.33, 24.83, "airstrike"),
        ]
        data = {"type": "FeatureCollection", "features": events}
        pipeline.ingest_event_json(session, data, source="field-team", now=now)
        pipeline.match_and_assess(session, RISK_MODEL, now=now)
        result = raise_alerts(session, settings, now=now)
    return {c.alert.site_id: c.alert.id for c in result.changes}


@pytest.fixture
def key(app_runtime) -> str:
    with app_runtime.session() as session:
        return pipeline.create_api_key(session, "duty-desk", now=app_runtime.clock())


def _auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def _field(response) -> str:
    return response.get_json()["error"]["details"][0]["field"]


# --- reading alerts ------------------------------------------------------------------------


def test_the_pipeline_raises_alerts_the_api_lists_most_recently_changed_first(client, alerts):
    assert set(alerts) == {"palmyra", "tadrart-acacus"}
    body = client.get("/api/v1/alerts").get_json()

    assert (body["numberMatched"], body["numberReturned"]) == (2, 2)
    assert [a["id"] for a in body["alerts"]] == sorted(alerts.values(), reverse=True)
    palmyra = next(a for a in body["alerts"] if a["site_id"] == "palmyra")
    assert palmyra["status"] == "open" and palmyra["trigger"] == "level"
    assert palmyra["events"] == ["field-team:P1", "field-team:P2"]
    assert any("0.3 km away" in reason for reason in palmyra["reasons"])
    assert palmyra["url"] == f"http://127.0.0.1:5000/alerts/{alerts['palmyra']}"
    assert (palmyra["version"], palmyra["disposition"], palmyra["snoozed_until"]) == (1, None, None)


@pytest.mark.parametrize(
    "query, sites",
    [
        ("status=open", {"palmyra", "tadrart-acacus"}),
        ("status=resolved", set()),
        ("level=critical", {"tadrart-acacus"}),
        ("site=palmyra", {"palmyra"}),
        ("since=2026-11-24", {"palmyra", "tadrart-acacus"}),
        ("since=2026-11-25", set()),
        ("since=2026-11-24T12:00:01Z", set()),
        ("since=2026-11-24T13:59:00%2B02:00", {"palmyra", "tadrart-acacus"}),
    ],
)
def test_alert_filters(client, alerts, query, sites):
    body = client.get(f"/api/v1/alerts?{query}").get_json()
    assert {a["site_id"] for a in body["alerts"]} == sites


def test_alert_pages_link_to_the_next_page_and_keep_the_filters(client, alerts):
    body = client.get("/api/v1/alerts?status=open&limit=1").get_json()

    assert (body["numberMatched"], body["numberReturned"]) == (2, 1)
    (following,) = [link for link in body["links"] if link["rel"] == "next"]
    assert "status=open" in following["href"] and "offset=1" in following["href"]
    path = urlsplit(following["href"])
    assert client.get(f"{path.path}?{path.query}").get_json()["numberReturned"] == 1


@pytest.mark.parametrize(
    "query, name",
    [
        ("status=closed", "status"),
        ("level=severe", "level"),
        ("since=yesterday", "since"),
        ("since=2026-11-24T08:00:00", "since"),  # no timezone
        ("colour=red", "colour"),
        ("limit=0", "limit"),
    ],
)
def test_bad_alert_parameters_are_named(client, query, name):
    response = client.get(f"/api/v1/alerts?{query}")

    assert response.status_code == 400
    assert _field(response) == name


def test_alerts_of_an_unknown_site_or_id_are_404_json(client, alerts):
    for path in ("/api/v1/alerts?site=atlantis", "/api/v1/alerts/999"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] == "not_found"


def test_a_sensitive_sites_alert_withholds_its_events_reasons_and_summaries(client, alerts):
    alert_id = alerts["tadrart-acacus"]
    listed = client.get("/api/v1/alerts?site=tadrart-acacus").get_json()["alerts"][0]
    detail = client.get(f"/api/v1/alerts/{alert_id}").get_json()

    for alert in (listed, detail):
        assert alert["events"] == [] and alert["reasons"] == [WITHHELD_REASON]
        assert alert["level"] == "critical"  # the level itself is public, as on the site
    (opened,) = detail["history"]
    assert opened["summary"] == WITHHELD_REASON
    assert "field-team:T1" not in str(detail) and " km" not in str(detail)


def test_an_alerts_history_says_who_was_told_with_targets_masked_without_a_key(client, alerts):
    body = client.get(f"/api/v1/alerts/{alerts['palmyra']}").get_json()

    (opened,) = body["history"]
    assert (opened["version"], opened["actor"], opened["action"]) == (1, "monitor", "opened")
    assert opened["status"] == "open" and opened["level"] == "low"
    assert opened["summary"].startswith("Level low")
    assert opened["events"] == {"added": [], "removed": [], "revised": []}
    told = {d["channel"]: d for d in opened["deliveries"]}
    assert told["email"]["target"] == "d***@example.org"
    assert told["webhook"]["target"] == "https://hooks.example.net/…"
    assert told["email"]["status"] == "pending" and told["email"]["attempts"] == 0
    assert EMAIL not in str(body) and "private-path" not in str(body)


def test_a_partner_key_shows_delivery_targets_and_errors_in_full(client, alerts, key, app_runtime):
    with app_runtime.session() as session:
        (email,) = [d for d in deliveries.list_deliveries(session) if d.target == EMAIL]
        deliveries.mark_failed(
            session, email.id, error=f"550 <{EMAIL}>: mailbox unknown", retry_at=None
        )
        session.commit()
    path = f"/api/v1/alerts/{alerts['palmyra']}"

    public = client.get(path).get_json()["history"][0]["deliveries"]
    trusted = client.get(path, headers=_auth(key)).get_json()["history"][0]["deliveries"]

    assert {d["target"] for d in trusted} == {EMAIL, WEBHOOK}
    failed = next(d for d in public if d["channel"] == "email")
    assert (
        failed["status"] == "failed"
        and failed["last_error"] == "550 <d***@example.org>: mailbox unknown"
    )
    assert client.get(path, headers=_auth("not-a-key")).status_code == 401


# --- acting on alerts ----------------------------------------------------------------------


def test_a_partner_acknowledges_an_alert_with_a_disposition_and_a_note(client, alerts, key):
    alert_id = alerts["palmyra"]
    response = client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge",
        json={"disposition": "confirmed", "note": "Seen on the morning imagery."},
        headers=_auth(key),
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["disposition"], body["version"]) == (
        "acknowledged",
        "confirmed",
        2,
    )
    assert body["note"] == "Seen on the morning imagery."
    last = body["history"][-1]
    assert (last["actor"], last["action"], last["status"]) == (
        "duty-desk",
        "acknowledged",
        "acknowledged",
    )
    assert last["summary"] == "Acknowledged by duty-desk as confirmed."
    assert {d["target"] for d in body["history"][0]["deliveries"]} == {EMAIL, WEBHOOK}
    listed = client.get("/api/v1/alerts?status=acknowledged").get_json()["alerts"]
    assert [a["id"] for a in listed] == [alert_id]


def test_acting_on_an_alert_needs_an_api_key(client, alerts):
    path = f"/api/v1/alerts/{alerts['palmyra']}/resolve"
    for headers in ({}, _auth("not-a-key")):
        response = client.post(path, json={}, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"/api/v1/alerts/{alerts['palmyra']}").get_json()["status"] == "open"


def test_resolving_twice_conflicts_and_reopen_opens_it_again(client, alerts, key):
    path = f"/api/v1/alerts/{alerts['palmyra']}"

    assert client.post(f"{path}/resolve", headers=_auth(key)).status_code == 200
    again = client.post(f"{path}/resolve", json={"note": "again"}, headers=_auth(key))
    assert again.status_code == 409
    assert "is resolved: cannot resolve it" in again.get_json()["error"]["message"]
    reopened = client.post(f"{path}/reopen", json={"note": "More shelling."}, headers=_auth(key))
    assert reopened.status_code == 200
    body = reopened.get_json()
    assert (body["status"], body["resolved_at"]) == ("open", None)
    assert [h["action"] for h in body["history"]] == ["opened", "resolved", "reopened"]
    assert body["history"][-1]["note"] == "More shelling."


def test_a_snooze_until_an_aware_time_is_kept_in_utc(client, alerts, key):
    response = client.post(
        f"/api/v1/alerts/{alerts['palmyra']}/snooze",
        json={"until": "2026-12-01T10:00:00+02:00"},
        headers=_auth(key),
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["snoozed_until"]) == ("snoozed", "2026-12-01T08:00:00+00:00")


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("acknowledge", {"disposition": "maybe"}, "disposition"),
        ("acknowledge", {"note": "no disposition"}, "disposition"),
        ("acknowledge", {"disposition": "confirmed", "colour": "red"}, "colour"),
        ("snooze", {"until": "2026-12-01T08:00:00"}, "until"),
        ("snooze", {"until": "next week"}, "until"),
        ("snooze", {"until": 1764576000}, "until"),
        ("resolve", {"disposition": "confirmed"}, "disposition"),
        ("reopen", {"note": 42}, "note"),
        ("resolve", {"note": "a\x00b"}, "note"),  # PostgreSQL cannot store a NUL
    ],
)
def test_a_bad_body_is_refused_naming_the_field(client, alerts, key, action, body, field):
    path = f"/api/v1/alerts/{alerts['palmyra']}"
    response = client.post(f"{path}/{action}", json=body, headers=_auth(key))

    assert response.status_code == 400
    assert _field(response) == field
    assert client.get(path).get_json()["version"] == 1  # nothing changed


@pytest.mark.parametrize(
    "kwargs", [{"json": ["confirmed"]}, {"data": "disposition=confirmed"}, {"json": "confirmed"}]
)
def test_a_body_that_is_not_a_json_object_is_refused(client, alerts, key, kwargs):
    response = client.post(
        f"/api/v1/alerts/{alerts['palmyra']}/acknowledge", headers=_auth(key), **kwargs
    )
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]["message"]


def test_a_snooze_that_ends_in_the_past_is_refused(client, alerts, key, clock):
    past = (clock() - timedelta(hours=1)).isoformat()
    response = client.post(
        f"/api/v1/alerts/{alerts['palmyra']}/snooze", json={"until": past}, headers=_auth(key)
    )
    assert response.status_code == 400 and "not in the future" in response.get_data(as_text=True)


def test_acting_on_an_unknown_alert_is_404(client, key):
    response = client.post("/api/v1/alerts/999/resolve", headers=_auth(key))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# --- the scheduler -------------------------------------------------------------------------


def test_the_scheduler_status_before_any_run_is_all_nulls(client):
    body = client.get("/api/v1/scheduler").get_json()

    assert [j["job"] for j in body["jobs"]] == list(JOBS)
    assert all(j["last_run"] is None and j["next_run"] is None for j in body["jobs"])
    assert body["lock"] is None
    assert body["heartbeat"] == {"status": "never_seen", "last_seen_at": None}
    assert body["outbox"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 0}


def test_the_scheduler_status_after_run_once_shows_each_jobs_run(client, app_runtime, clock):
    assert all(run_once(app_runtime).values())
    clock.now += timedelta(minutes=1)

    body = client.get("/api/v1/scheduler").get_json()
    runs = {j["job"]: j["last_run"] for j in body["jobs"]}
    assert set(runs) == set(JOBS) and all(r["status"] == "ok" for r in runs.values())
    assert runs["heartbeat"]["summary"] == "alive"
    assert runs["poll"]["started_at"] == (clock.now - timedelta(minutes=1)).isoformat()
    assert body["heartbeat"]["status"] == "ok"
    assert body["lock"] is None  # run-once released it
    assert body["heartbeat"] == client.get("/healthz").get_json()["scheduler"]


def test_the_scheduler_status_shows_the_lock_the_next_runs_and_the_outbox(
    client, app_runtime, alerts, clock
):
    with app_runtime.session() as session:
        scheduler_store.acquire_lock(session, "scheduler-host:4242", now=clock(), lease_s=180)
    # APScheduler runs on the real clock: a far-off next run is never due while it stores it.
    next_poll = datetime(2100, 1, 1, 6, 0, tzinfo=UTC)
    scheduler = BackgroundScheduler(
        timezone="UTC",
        jobstores={"default": SQLAlchemyJobStore(engine=app_runtime.engine, tablename=JOB_TABLE)},
    )
    scheduler.start(paused=True)  # stores the job; paused, it runs nothing
    scheduler.add_job(poll_job, IntervalTrigger(seconds=300), id="poll", next_run_time=next_poll)
    scheduler.shutdown(wait=True)

    body = client.get("/api/v1/scheduler").get_json()
    assert body["lock"] == {
        "holder": "scheduler-host:4242",
        "expires_at": (clock() + timedelta(seconds=180)).isoformat(),
    }
    upcoming = {j["job"]: j["next_run"] for j in body["jobs"]}
    assert upcoming["poll"] == next_poll.isoformat() and upcoming["deliver"] is None
    assert body["outbox"] == {"pending": 2, "sending": 0, "sent": 0, "failed": 0}


# --- the OpenAPI document ------------------------------------------------------------------


def _check(doc: dict, path: str, method: str, response) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    content = doc["paths"][path][method]["responses"][str(response.status_code)]["content"]
    schema = {**content[response.mimetype]["schema"], "components": doc["components"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [
        e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(response.get_json())
    ]
    assert errors == [], (path, response.status_code)


def test_alert_and_scheduler_responses_validate_against_the_openapi_schemas(client, alerts, key):
    doc = client.get("/api/v1/openapi.json").get_json()
    one = "/api/v1/alerts/{alert_id}"
    palmyra, hidden = alerts["palmyra"], alerts["tadrart-acacus"]
    checks = [
        ("/api/v1/alerts", "get", client.get("/api/v1/alerts")),
        ("/api/v1/alerts", "get", client.get("/api/v1/alerts?since=never")),
        ("/api/v1/alerts", "get", client.get("/api/v1/alerts?site=atlantis")),
        (one, "get", client.get(f"/api/v1/alerts/{palmyra}")),
        (one, "get", client.get(f"/api/v1/alerts/{hidden}", headers=_auth(key))),
        (one, "get", client.get("/api/v1/alerts/999")),
        (one, "get", client.get(f"/api/v1/alerts/{palmyra}", headers=_auth("nope"))),
        ("/api/v1/scheduler", "get", client.get("/api/v1/scheduler")),
    ]
    for action, body in (
        ("acknowledge", {"disposition": "duplicate"}),
        ("snooze", {"until": None, "note": "until something changes"}),
        ("resolve", {}),
        ("resolve", {}),
        ("reopen", {"note": "x"}),
        ("acknowledge", {"disposition": "no"}),
    ):
        response = client.post(f"/api/v1/alerts/{palmyra}/{action}", json=body, headers=_auth(key))
        checks.append((f"{one}/{action}", "post", response))
    checks.append((f"{one}/resolve", "post", client.post(f"/api/v1/alerts/{palmyra}/resolve")))

    assert {r.status_code for _, _, r in checks} == {200, 400, 401, 404, 409}
    for path, method, response in checks:
        _check(doc, path, method, response)


def test_every_documented_alert_parameter_is_accepted(client, alerts):
    doc = client.get("/api/v1/openapi.json").get_json()
    samples = {"status": "open", "level": "low", "site": "palmyra", "since": "2026-11-01"}
    samples |= {"limit": "10", "offset": "0"}
    parameters = doc["paths"]["/api/v1/alerts"]["get"]["parameters"]
    names = [p["name"] for p in parameters if p["in"] == "query"]

    assert set(names) == set(samples)
    for name in names:
        assert client.get(f"/api/v1/alerts?{name}={samples[name]}").status_code == 200, name


# --- subscription links --------------------------------------------------------------------


@pytest.fixture
def pending(app_runtime) -> int:
    """An email subscription waiting for its address to confirm."""
    with app_runtime.session() as session:
        wanted = Subscription(None, Channel.EMAIL, "new@example.org", Scope(sites=("palmyra",)))
        pipeline.import_site_files(
            session, REPO / "sites", app_runtime.settings, now=app_runtime.clock()
        )
        return subscribe(session, app_runtime.settings, wanted, now=app_runtime.clock()).id


def _path(url: str) -> str:
    return urlsplit(url).path


def _status(app_runtime, subscription_id: int) -> SubscriptionStatus:
    with app_runtime.session() as session:
        return subscription_store.get_subscription(session, subscription_id).subscription.status


def test_a_confirm_link_shows_a_button_and_only_its_post_confirms(client, app_runtime, pending):
    path = _path(confirm_url(app_runtime.settings, pending))

    page = client.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<form method="post">' in html and "Confirm</button>" in html
    assert _status(app_runtime, pending) is SubscriptionStatus.PENDING  # a mail scanner's GET

    done = client.post(path)
    assert done.status_code == 200 and "Subscription confirmed" in done.get_data(as_text=True)
    assert _status(app_runtime, pending) is SubscriptionStatus.ACTIVE
    assert client.post(path).status_code == 200  # twice is harmless


def test_an_unsubscribe_link_shows_a_button_and_its_post_unsubscribes(client, app_runtime, pending):
    path = _path(unsubscribe_url(app_runtime.settings, pending))

    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe</button>" in page.get_data(as_text=True)
    assert _status(app_runtime, pending) is SubscriptionStatus.PENDING
    assert client.post(path).status_code == 200
    assert _status(app_runtime, pending) is SubscriptionStatus.UNSUBSCRIBED


def test_a_mail_providers_one_click_unsubscribe_works_without_cookies(app, app_runtime, pending):
    path = _path(unsubscribe_url(app_runtime.settings, pending))
    client = app.test_client(use_cookies=False)

    response = client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert _status(app_runtime, pending) is SubscriptionStatus.UNSUBSCRIBED


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_misused_link_is_a_400_page_saying_so(
    client, app_runtime, pending, kind, method
):
    other = {"confirm": unsubscribe_url, "unsubscribe": confirm_url}[kind]
    misused = other(app_runtime.settings, pending).rsplit("/", 1)[1]  # signed for the other purpose
    for token in ("eyJpZCI6IDF9.forged", misused):
        response = getattr(client, method)(f"/subscriptions/{kind}/{token}")
        assert response.status_code == 400 and response.mimetype == "text/html"
        assert "this link is not valid" in response.get_data(as_text=True)
    assert _status(app_runtime, pending) is SubscriptionStatus.PENDING
