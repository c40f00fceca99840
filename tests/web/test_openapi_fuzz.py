"""Schemathesis against the real app: every operation of the OpenAPI document, fuzzed.

The database holds realistic data, built once per module through the real parts (the shipped
registry imported with `sites import`, hand-written ACLED rows ingested with `reports ingest`,
match-and-assess, the alert rules, an API key), on SQLite and on PostgreSQL when configured
(PostgreSQL refuses values SQLite stores, such as NUL characters and ids past 4 bytes).

Every operation is fuzzed, the streamed exports and /ogc included: the data is small enough.
Each request carries the API key, so writes get past authentication to their real checks.
Deterministic (derandomized Hypothesis, no example database) and bounded: at most
MAX_EXAMPLES generated cases per operation, plus Schemathesis's examples and coverage cases.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import FIXED_NOW, REPO, Clock, postgres_schema
from event_files import ACLED_COLUMNS, acled_row, write_table
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.pipeline.alerts import raise_alerts
from heritage.store.session import migrate
from heritage.web import create_app
from heritage.web.openapi import openapi_document

MAX_EXAMPLES = 25
REPORT = REPO / "seeds" / "palmyra-joint-attack-report.txt"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
KNOWN_ALERTS = {"palmyra": 1, "tadrart-acacus": 2}
KNOWN_IDS = {
    "site_id": ["palmyra", "tadrart-acacus"],
    "ref": ["acled:SYR1", "acled:LBY1"],
    "alert_id": list(KNOWN_ALERTS.values()),
    "report_id": [1],
    "collection_id": ["sites", "events"],
    "feature_id": ["palmyra", "acled:SYR2"],
}
# Near Palmyra (two recent strikes raise its alert), in the sensitive Tadrart Acacus, and one
# row with an impossible latitude for the quarantine.
ACLED_ROWS = [
    acled_row("SYR1", event_date="2026-11-20", latitude="34.5500", longitude="38.2600"),
    acled_row(
        "SYR2",
        event_date="2026-11-19",
        sub_event_type="Air/drone strike",
        latitude="34.5600",
        longitude="38.2700",
    ),
    acled_row(
        "LBY1",
        event_date="2026-11-21",
        iso="434",
        country="Libya",
        admin1="Ghat",
        admin2="Ghat",
        admin3="Ghat",
        location="Tadrart Acacus",
        latitude="24.8300",
        longitude="10.3300",
    ),
    acled_row("SYR3", event_date="2026-11-18", latitude="134.56"),
]


def _make_app(database_url: str):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "CLOCK": Clock(FIXED_NOW),
            "SECRET_KEY": "fuzz-key",
        }
    )


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def loaded_database(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(URL, API key) of a database with the registry, events, assessments and alerts."""
    folder = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'heritage.sqlite3'}"
        yield _load(url, folder), url
        return
    with postgres_schema() as url:
        yield _load(url, folder), url


def _load(url: str, folder: Path) -> str:
    """The data, through the CLI and the pipeline as in production; the API key."""
    app = _make_app(url)
    runtime = app.extensions["heritage"]
    migrate(runtime.engine)
    runner = app.test_cli_runner()
    for args in (
        ["sites", "import", str(REPO / "sites")],
        ["reports", "ingest", str(write_table(folder / "acled.csv", ACLED_COLUMNS, ACLED_ROWS))],
        ["reports", "ingest", str(REPORT), "--published", "2026-11-20"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    now = runtime.clock()
    with runtime.session() as session:
        pipeline.match_and_assess(session, RISK_MODEL, now=now)
        alerts = raise_alerts(session, runtime.settings, now=now).changes
        key = pipeline.create_api_key(session, "fuzz-desk", now=now)
    runtime.engine.dispose()
    assert {c.alert.site_id: c.alert.id for c in alerts} == KNOWN_ALERTS
    return key


@pytest.fixture
def fuzzed_app(loaded_database, tmp_path):
    """The app on the loaded database; on SQLite on a copy of it, so that no operation sees
    another's writes. A PostgreSQL schema cannot be copied cheaply: there the operations
    share one, in their fixed order."""
    url = loaded_database[1]
    if url.startswith("sqlite:"):
        copy = tmp_path / "heritage.sqlite3"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    app = _make_app(url)
    yield app
    app.extensions["heritage"].engine.dispose()


# Built from the document the app serves (test_the_fuzzed_document_is_the_served_one), not
# loaded from the app: Schemathesis's fixture-based loader does not run under pytest 9.
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.hook
def flatmap_path_parameters(ctx, path_parameters):
    """Half the time, ids that exist: a random id only ever finds a 404."""
    strategies = {
        name: st.sampled_from([value, *KNOWN_IDS[name]]) if name in KNOWN_IDS else st.just(value)
        for name, value in (path_parameters or {}).items()
    }
    return st.fixed_dictionaries(strategies)


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/v1/alerts/2147483648"),
        ("POST", "/api/v1/alerts/9223372036854775808/resolve"),
        ("GET", "/api/v1/reports/99999999999999999999999"),
        ("GET", "/alerts/2147483648"),
    ],
)
def test_an_id_larger_than_any_row_id_is_not_found(client, method, path):
    """Found by the fuzzer: the database could not even compare such a number (a 500)."""
    assert client.open(path, method=method).status_code == 404


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # One database per operation, shared by its examples: writes accumulate on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case, fuzzed_app, loaded_database):
    headers = {"Authorization": f"Bearer {loaded_database[0]}"}
    case.call_and_validate(app=fuzzed_app, headers=headers, checks=CHECKS)
