"""The events API: GeoJSON lists and single events, partner POST with keys, sources, quarantine."""

from datetime import date

import pytest
from event_files import ACLED_COLUMNS, acled_row, write_table

from heritage import pipeline

POINT = {"type": "Point", "coordinates": [38.27, 34.55]}


def _feature(event_id, **properties):
    return {
        "type": "Feature",
        "geometry": POINT,
        "properties": {"id": event_id, "date": "2025-10-01", "type": "armed_clash", **properties},
    }


@pytest.fixture
def key(app):
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        return pipeline.create_api_key(session, "partner-a", now=runtime.clock())


@pytest.fixture
def ingested(app, tmp_path):
    rows = [
        acled_row("SYR1", event_date="2017-01-05", sub_event_type="Air/drone strike"),
        acled_row("SYR2", event_date="2017-03-05"),
        acled_row("SYR3", latitude="north"),
    ]
    path = write_table(tmp_path / "acled.csv", ACLED_COLUMNS, rows)
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        pipeline.ingest_event_file(session, path, runtime.settings, now=runtime.clock())
    return path


def test_events_are_a_paged_geojson_collection_newest_first(client, ingested):
    response = client.get("/api/v1/events?limit=1")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (2, 1)
    (feature,) = body["features"]
    assert feature["id"] == "acled:SYR2" and feature["geometry"]["type"] == "Point"
    props = feature["properties"]
    assert props["event_type"] == "shelling" and props["precision_m"] == 2000
    assert props["original_subtype"] == "Shelling/artillery/missile attack"
    assert any(link["rel"] == "next" for link in body["links"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("type=airstrike", ["acled:SYR1"]),
        ("since=2017-02-01", ["acled:SYR2"]),
        ("until=2017-02-01", ["acled:SYR1"]),
        ("bbox=38,34,39,35", ["acled:SYR2", "acled:SYR1"]),
        ("source=gdelt", []),
    ],
)
def test_event_filters(client, ingested, query, expected):
    body = client.get(f"/api/v1/events?{query}").get_json()
    assert [f["id"] for f in body["features"]] == expected


@pytest.mark.parametrize(
    "query, name",
    [
        ("since=yesterday", "since"),
        ("type=bombing", "type"),
        ("near=palmyra", "near"),
        ("limit=0", "limit"),
    ],
)
def test_bad_event_parameters_are_named(client, query, name):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == name


def test_one_event_with_its_history(client, ingested, app, tmp_path):
    revised = write_table(
        tmp_path / "v2.csv",
        ACLED_COLUMNS,
        [acled_row("SYR1", fatalities="8", timestamp="1700009999")],
    )
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        pipeline.ingest_event_file(session, revised, runtime.settings, now=runtime.clock())
    body = client.get("/api/v1/events/acled:SYR1").get_json()
    assert body["properties"]["fatalities"]["best"] == 8 and body["properties"]["version"] == 2
    assert [h["data"]["fatalities_best"] for h in body["properties"]["history"]] == [3, 8]
    assert client.get("/api/v1/events/acled:NOPE").status_code == 404


def test_partners_post_events_with_their_key(client, key):
    headers = {"Authorization": f"Bearer {key}"}
    collection = {"type": "FeatureCollection", "features": [_feature("p1"), _feature("p2")]}
    response = client.post("/api/v1/events", json=collection, headers=headers)
    assert response.status_code == 201 and response.get_json()["stored"] == 2
    again = client.post("/api/v1/events", json=collection, headers=headers)
    assert again.status_code == 200 and again.get_json()["unchanged"] == 2
    assert client.get("/api/v1/events/partner-a:p1").status_code == 200


def test_posting_without_or_with_a_wrong_key_is_refused(client, key):
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": f"Basic {key}"}):
        response = client.post("/api/v1/events", json=_feature("p1"), headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/events").get_json()["numberMatched"] == 0


def test_a_bad_posted_event_stores_nothing_and_says_which(client, key):
    headers = {"Authorization": f"Bearer {key}"}
    collection = {
        "type": "FeatureCollection",
        "features": [_feature("ok"), _feature("bad", date="someday")],
    }
    response = client.post("/api/v1/events", json=collection, headers=headers)
    assert response.status_code == 400
    detail = response.get_json()["error"]["details"][0]
    assert (detail["location"], detail["field"]) == ("row 2", "date")
    assert client.get("/api/v1/events").get_json()["numberMatched"] == 0
    assert client.post("/api/v1/events", data="not json", headers=headers).status_code == 400


def test_sources_and_quarantine_tell_silence_from_failure(client, ingested):
    (source,) = client.get("/api/v1/sources").get_json()["sources"]
    assert source["location"] == str(ingested.resolve()) and source["format"] == "acled"
    assert source["last_success_at"] and source["last_error"] is None
    assert source["last_counts"]["rejected"] == 1 and source["quarantined"] == 1
    body = client.get("/api/v1/quarantine").get_json()
    (row,) = body["rows"]
    assert (row["file"], row["row"], row["column"]) == ("acled.csv", 4, "latitude")
    assert row["raw"]["event_id_cnty"] == "SYR3"


def test_event_responses_match_the_openapi_document(client, ingested):
    import jsonschema

    doc = client.get("/api/v1/openapi.json").get_json()
    resolver_root = {"components": doc["components"]}

    def check(body, schema_name):
        schema = {"$ref": f"#/components/schemas/{schema_name}", **resolver_root}
        jsonschema.validate(body, schema)

    check(client.get("/api/v1/events").get_json(), "EventCollection")
    check(client.get("/api/v1/events/acled:SYR1").get_json(), "Event")
    check(client.get("/api/v1/sources").get_json(), "Sources")
    check(client.get("/api/v1/quarantine").get_json(), "Quarantine")


def test_posted_values_a_database_cannot_hold_are_refused_by_name(client, key):
    headers = {"Authorization": f"Bearer {key}"}
    for bad, field in (
        (_feature("nul\x00id"), "id"),
        (_feature("x" * 200), "id"),
        (_feature("ok", place={"nested": 1}), "place"),
    ):
        response = client.post("/api/v1/events", json=bad, headers=headers)
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["error"]["details"][0]["field"] == field


def test_api_key_names_are_short_slugs(runner):
    result = runner.invoke(args=["api-keys", "create", "Partner A with a long name"])
    assert result.exit_code == 1 and "must be 1-64 lower-case" in result.output


def test_site_risk_endpoints_explain_the_level(client, app, tmp_path):
    import json

    from shapely.geometry import box, mapping

    from heritage.config import RISK_MODEL

    registry = tmp_path / "sites.geojson"
    registry.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": mapping(box(38.2, 34.5, 38.34, 34.6)),
                        "properties": {"id": "palmyra", "name": "Site of Palmyra"},
                    },
                    {
                        "type": "Feature",
                        "geometry": mapping(box(10.0, 20.0, 10.1, 20.1)),
                        "properties": {"id": "hidden", "name": "Hidden", "sensitive": True},
                    },
                ],
            }
        )
    )
    rows = [
        acled_row(
            f"S{i}",
            event_date=f"2017-03-0{i + 1}",
            latitude="34.5500",
            longitude="38.2700",
            sub_event_type="Air/drone strike",
        )
        for i in range(3)
    ]
    rows.append(acled_row("H1", event_date="2017-03-05", latitude="20.0500", longitude="10.0500"))
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        pipeline.import_site_files(session, registry, runtime.settings, now=runtime.clock())
        pipeline.ingest_event_file(
            session,
            write_table(tmp_path / "a.csv", ACLED_COLUMNS, rows),
            runtime.settings,
            now=runtime.clock(),
        )
        pipeline.match_and_assess(
            session, RISK_MODEL, now=runtime.clock(), as_of=date(2017, 3, 6), reassess_all=True
        )
    site = client.get("/api/v1/sites/palmyra").get_json()["properties"]["risk"]
    assert site["level"] == "critical" and site["as_of"] == "2017-03-06"
    assert site["top_events"][0]["zone"] == "core" and site["reasons"]
    listed = {f["id"]: f for f in client.get("/api/v1/sites").get_json()["features"]}
    assert len(site["top_events"]) == min(5, site["n_events"])
    assert listed["palmyra"]["properties"]["risk"]["top_events"] == site["top_events"]
    critical = client.get("/api/v1/sites?level=critical").get_json()["features"]
    assert [f["id"] for f in critical] == ["hidden", "palmyra"]
    series = client.get("/api/v1/sites/palmyra/risk?from=2017-01-01&to=2017-12-31").get_json()
    assert [a["as_of"] for a in series["assessments"]] == ["2017-03-06"]
    matched = client.get("/api/v1/events?site=palmyra").get_json()
    assert sorted(f["id"] for f in matched["features"]) == ["acled:S0", "acled:S1", "acled:S2"]
    assert client.get("/api/v1/events?site=atlantis").status_code == 404
    events = client.get("/api/v1/sites/palmyra/events").get_json()
    assert events["numberMatched"] == 3 and events["events"][0]["zone"] == "core"
    assert events["events"][0]["distance_m"] == 0.0
    # A sensitive site's events, distances, zones and terms would locate it: all withheld.
    assert client.get("/api/v1/sites/hidden/events").status_code == 403
    assert client.get("/api/v1/events?site=hidden").status_code == 403
    hidden_risk = client.get("/api/v1/sites/hidden").get_json()["properties"]["risk"]
    assert hidden_risk["level"] == "critical" and hidden_risk["top_events"] == []
    assert "withheld" in hidden_risk["reasons"][0]
    series = client.get("/api/v1/sites/hidden/risk").get_json()["assessments"]
    assert series[0]["contributions"] == [] and "km" not in " ".join(series[0]["reasons"])


def test_a_sites_risk_is_served_anew_after_every_assessment_even_at_the_same_instant(
    client, app, tmp_path
):
    from shapely.geometry import box
    from site_files_zoo import write_geojson

    from heritage.config import RISK_MODEL
    from heritage.domain import Retraction
    from heritage.store import events as event_store

    registry = write_geojson(
        tmp_path / "sites.geojson",
        [({"id": "palmyra", "name": "Palmyra"}, box(38.2, 34.5, 38.3, 34.6))],
    )
    rows = [
        acled_row(f"S{i}", event_date="2017-03-05", latitude="34.55", longitude="38.25")
        for i in range(4)
    ]
    runtime = app.extensions["heritage"]

    def assess(as_of):  # the clock never moves: the stored risk changes, its time does not
        with runtime.session() as session:
            pipeline.match_and_assess(
                session, RISK_MODEL, now=runtime.clock(), as_of=as_of, reassess_all=True
            )

    def risk():
        one = client.get("/api/v1/sites/palmyra").get_json()["properties"]["risk"]
        listed = client.get("/api/v1/sites?bbox=38,34,39,35").get_json()["features"]
        assert listed[0]["properties"]["risk"] == one
        return one

    with runtime.session() as session:
        pipeline.import_site_files(session, registry, runtime.settings, now=runtime.clock())
        table = write_table(tmp_path / "a.csv", ACLED_COLUMNS, rows)
        pipeline.ingest_event_file(session, table, runtime.settings, now=runtime.clock())
    assert risk() is None
    assess(date(2017, 3, 6))
    first = risk()
    assert first["n_events"] == 4
    with runtime.session() as session:
        retracted = [Retraction("acled", ref) for ref in ("S1", "S2", "S3")]
        event_store.retract_events(session, retracted, now=runtime.clock())
        session.commit()
    assess(date(2017, 3, 6))  # the same day again
    assert risk()["n_events"] == 1
    assess(date(2019, 3, 6))  # two years on: the level has decayed
    later = risk()
    assert later["as_of"] == "2019-03-06" and later["level"] == "none"
