"""Exports of sites, events and alerts as GeoJSON and CSV, through the Flask test client.

Data goes in through the real pipeline (site files, posted events, match-and-assess, the alert
rules); sites with names a spreadsheet would run go straight to the store, since an import
trims the leading tab or carriage return they need.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import shapely
from geometries import ACROSS_ANTIMERIDIAN, PALMYRA_SQUARE
from shapely.geometry import box, mapping, shape

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.domain import (
    Designation,
    DesignationKind,
    Disposition,
    GeometryPrecision,
    Provenance,
    Retraction,
    Site,
)
from heritage.export import ALERT_CSV_COLUMNS, EVENT_CSV_COLUMNS, csv_chunks
from heritage.pipeline.alerts import act_on_alert, raise_alerts
from heritage.store import events as event_store
from heritage.store import sites as site_store
from heritage.web import exports_api

GEOJSON = "application/geo+json"
HIDDEN_CORE = box(10.013, 20.013, 10.018, 20.018)
HOSTILE_NAMES = ['=HYPERLINK("https://evil.invalid","open")', "@SUM(1)", "-2+3", "\t=1", "\r=1"]


def _site(site_id: str, name: str, geometry, **properties) -> dict:
    return {
        "type": "Feature",
        "id": site_id,
        "geometry": mapping(geometry),
        "properties": {"id": site_id, "name": name, **properties},
    }


REGISTRY = [
    _site(
        "palmyra",
        "Site of Palmyra",
        PALMYRA_SQUARE,
        countries=["SY"],
        designation="world_heritage",
        unesco_id=23,
        in_danger=True,
    ),
    _site("bosra", "Ancient City of Bosra", box(36.47, 32.51, 36.49, 32.52), countries=["SY"]),
    _site("hidden-panels", "Hidden panels", HIDDEN_CORE, countries=["LY"], sensitive=True),
    _site("taveuni", "Taveuni test site", ACROSS_ANTIMERIDIAN, countries=["FJ"]),
]


def _event(event_id: str, lon: float, lat: float, day: str, kind: str, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": event_id, "date": day, "type": kind, **properties},
    }


EVENTS = [
    _event("P1", 38.27, 34.55, "2026-11-20", "airstrike", place="=cmd|' /C calc'!A0"),
    _event("P2", 38.272, 34.551, "2026-11-18", "shelling", description="-2+3 killed"),
    _event("H1", 10.015, 20.015, "2026-11-19", "airstrike", place="the panels"),
    _event("M1", -3.7, 40.4, "2026-10-01", "unrest", place="@Madrid"),
    _event("F1", 179.95, -16.75, "2026-09-01", "armed_clash"),
    _event("F2", -179.95, -16.75, "2026-09-02", "armed_clash"),
    _event("R1", 38.0, 34.0, "2026-08-01", "looting"),
]


def load(app, tmp_path) -> None:
    """The registry, the events (R1 then retracted), an assessment and the alerts it raises."""
    runtime = app.extensions["heritage"]
    path = tmp_path / "registry.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": REGISTRY}))
    now = runtime.clock()
    with runtime.session() as session:
        pipeline.import_site_files(session, path, runtime.settings, now=now)
        data = {"type": "FeatureCollection", "features": EVENTS}
        pipeline.ingest_event_json(session, data, source="field-team", now=now)
        event_store.retract_events(session, [Retraction("field-team", "R1")], now=now)
        session.commit()
        pipeline.match_and_assess(session, RISK_MODEL, now=now)
        raise_alerts(session, runtime.settings, now=now)


def save_hostile_sites(app) -> None:
    """Sites named like spreadsheet formulas, one at a negative longitude (Madrid)."""
    runtime = app.extensions["heritage"]
    sites = [
        Site(
            f"hostile-{i}",
            name,
            shapely.MultiPolygon([box(-3.71 + i / 100, 40.41, -3.70 + i / 100, 40.42)]),
            shapely.MultiPolygon(),
            Designation(DesignationKind.NATIONAL),
            Provenance(GeometryPrecision.DIGITISED, {"geometry": name}),
            countries=("ES",),
        )
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    with runtime.session() as session:
        site_store.save_sites(session, sites, now=runtime.clock())
        session.commit()


@pytest.fixture
def loaded(app, tmp_path):
    load(app, tmp_path)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def collection(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == GEOJSON
    return json.loads(response.get_data())


def listed(client, url: str, key: str = "features") -> list:
    separator = "&" if "?" in url else "?"
    body = client.get(f"{url}{separator}limit=1000").get_json()
    assert body["numberMatched"] == body["numberReturned"]
    return body[key]


# --- the same filters as the lists -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=SY",
        "designation=world_heritage",
        "in_danger=false",
        "level=none",
        "level=critical",
        "bbox=35,32,39,35",
        "bbox=179.5,-17,-179.5,-16.5",  # across the antimeridian
        "bbox=9,19,11,21",  # the sensitive site's generalised area
    ],
)
def test_site_exports_select_what_the_list_selects(client, loaded, query):
    expected = [f["id"] for f in listed(client, f"/api/v1/sites?{query}")]

    exported = collection(client.get(f"/api/v1/exports/sites.geojson?{query}"))
    rows = csv_rows(client.get(f"/api/v1/exports/sites.csv?{query}"))

    assert [f["id"] for f in exported["features"]] == expected
    assert exported["numberMatched"] == len(expected)
    assert [row["id"] for row in rows] == expected


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=airstrike",
        "since=2026-11-19",
        "until=2026-09-30",
        "bbox=38,34,39,35",
        "bbox=179.9,-17,-179.9,-16",  # across the antimeridian
        "source=field-team",
        "source=gdelt",
        "include_retracted=true",
        "site=palmyra",
    ],
)
def test_event_exports_select_what_the_list_selects_in_its_order(client, loaded, query):
    expected = [f["id"] for f in listed(client, f"/api/v1/events?{query}")]

    exported = collection(client.get(f"/api/v1/exports/events.geojson?{query}"))
    rows = csv_rows(client.get(f"/api/v1/exports/events.csv?{query}"))

    assert [f["id"] for f in exported["features"]] == expected
    assert [row["id"] for row in rows] == expected


@pytest.mark.parametrize(
    "query",
    ["", "status=open", "status=resolved", "level=critical", "site=palmyra", "since=2026-11-25"],
)
def test_alert_exports_select_what_the_list_selects(client, loaded, query):
    expected = [a["id"] for a in listed(client, f"/api/v1/alerts?{query}", "alerts")]

    exported = collection(client.get(f"/api/v1/exports/alerts.geojson?{query}"))
    rows = csv_rows(client.get(f"/api/v1/exports/alerts.csv?{query}"))

    assert [f["id"] for f in exported["features"]] == expected
    assert [int(row["id"]) for row in rows] == expected


def test_exported_features_are_the_api_features_with_the_latest_level(client, loaded):
    api = {f["id"]: f for f in listed(client, "/api/v1/sites")}
    exported = collection(client.get("/api/v1/exports/sites.geojson"))["features"]
    events = {f["id"]: f for f in listed(client, "/api/v1/events")}

    for feature in exported:
        mine, theirs = feature["properties"], api[feature["id"]]["properties"]
        assert (
            shape(feature["geometry"])
            .symmetric_difference(shape(api[feature["id"]]["geometry"]))
            .area
            < 1e-9
        )
        assert mine["level"] == (theirs["risk"]["level"] if theirs["risk"] else "none")
        for key in ("name", "designation", "sensitive", "geometry_generalised", "sources"):
            assert mine[key] == theirs[key], key
    for feature in collection(client.get("/api/v1/exports/events.geojson"))["features"]:
        theirs = dict(events[feature["id"]]["properties"])
        theirs.pop("links")
        assert feature["properties"] == theirs
        assert feature["geometry"] == events[feature["id"]]["geometry"]


def test_exports_are_attachments_with_a_dated_file_name(client, loaded):
    for name in ("sites", "events", "alerts"):
        for fmt in ("geojson", "csv"):
            response = client.get(f"/api/v1/exports/{name}.{fmt}")
            assert response.status_code == 200
            assert response.headers["Content-Disposition"] == (
                f'attachment; filename="heritage-{name}-2026-11-24.{fmt}"'
            )
            response.close()


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/exports/sites.geojson?limit=10", "limit"),
        ("/api/v1/exports/sites.csv?offset=10", "offset"),
        ("/api/v1/exports/sites.csv?bbox=1,2", "bbox"),
        ("/api/v1/exports/events.csv?since=yesterday", "since"),
        ("/api/v1/exports/alerts.geojson?status=closed", "status"),
        ("/api/v1/exports/alerts.csv?format=xlsx", "format"),
    ],
)
def test_a_bad_or_paging_parameter_is_a_400_naming_it(client, url, field):
    response = client.get(url)

    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"]["details"][0]["field"] == field


def test_exports_of_nothing_are_an_empty_collection_and_a_header_row(client):
    body = collection(client.get("/api/v1/exports/sites.geojson"))
    assert (body["type"], body["numberMatched"], body["features"]) == ("FeatureCollection", 0, [])
    text = client.get("/api/v1/exports/events.csv").get_data(as_text=True)
    assert text == ",".join(EVENT_CSV_COLUMNS) + "\r\n"


def test_exports_read_the_store_in_chunks_and_join_them(client, loaded, app, monkeypatch):
    save_hostile_sites(app)
    whole = [f["id"] for f in listed(client, "/api/v1/sites")]
    monkeypatch.setattr(exports_api, "CHUNK", 2)

    exported = collection(client.get("/api/v1/exports/sites.geojson"))
    rows = csv_rows(client.get("/api/v1/exports/sites.csv"))

    assert len(whole) == 9
    assert [f["id"] for f in exported["features"]] == whole == [row["id"] for row in rows]


# --- CSV cells a spreadsheet would run -------------------------------------------------------


def test_csv_cells_that_start_like_formulas_are_neutralised_and_numbers_stay_numbers(
    client, loaded, app
):
    save_hostile_sites(app)

    sites = {row["id"]: row for row in csv_rows(client.get("/api/v1/exports/sites.csv"))}
    events = {row["id"]: row for row in csv_rows(client.get("/api/v1/exports/events.csv"))}

    for i, name in enumerate(HOSTILE_NAMES):
        row = sites[f"hostile-{i}"]
        assert row["name"] == "'" + name
        assert json.loads(row["sources"]) == {"geometry": name}  # JSON text starts with {
        assert shapely.from_wkt(row["wkt"]).bounds[0] == pytest.approx(-3.71 + i / 100)
    assert events["field-team:P1"]["place"] == "'=cmd|' /C calc'!A0"
    assert events["field-team:P2"]["description"] == "'-2+3 killed"
    assert events["field-team:M1"]["place"] == "'@Madrid"
    madrid = events["field-team:M1"]
    assert (madrid["lon"], madrid["lat"]) == ("-3.7", "40.4")  # numbers, not neutralised text
    assert float(madrid["lon"]) == -3.7
    assert events["field-team:F2"]["lon"] == "-179.95"


def test_no_exported_csv_line_starts_a_formula(client, loaded, app):
    save_hostile_sites(app)
    for name in ("sites", "events", "alerts"):
        text = client.get(f"/api/v1/exports/{name}.csv").get_data(as_text=True)
        for row in csv.reader(io.StringIO(text, newline="")):
            text_cells = [cell for cell in row if not _is_number(cell)]
            assert not [c for c in text_cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_chunks_neutralise_text_cells_only():
    rows = [["=1+1", -3.7, "\t=1", "\r=1", "-2+3", "@SUM(1)", "+1", "plain", None, True]]

    text = "".join(csv_chunks(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], rows))

    (row,) = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert row == [
        "'=1+1",
        "-3.7",
        "'\t=1",
        "'\r=1",
        "'-2+3",
        "'@SUM(1)",
        "'+1",
        "plain",
        "",
        "True",
    ]


# --- sensitive sites -------------------------------------------------------------------------


def test_a_sensitive_site_is_exported_generalised_as_the_api_publishes_it(client, loaded):
    api = client.get("/api/v1/sites/hidden-panels").get_json()
    (feature,) = [
        f
        for f in collection(client.get("/api/v1/exports/sites.geojson"))["features"]
        if f["id"] == "hidden-panels"
    ]
    (row,) = [
        r for r in csv_rows(client.get("/api/v1/exports/sites.csv")) if r["id"] == "hidden-panels"
    ]

    published = shape(api["geometry"])
    assert feature["properties"]["geometry_generalised"] is True
    assert shape(feature["geometry"]).symmetric_difference(published).area < 1e-12
    assert shapely.from_wkt(row["wkt"]).symmetric_difference(published).area < 1e-12
    assert (row["geometry_generalised"], row["buffer_wkt"]) == ("True", "")
    assert feature["properties"]["buffer_zone"] is None
    exact = {round(v, 3) for xy in HIDDEN_CORE.exterior.coords for v in xy}
    vertices = {v for xy in shapely.get_coordinates(published).tolist() for v in xy}
    assert not exact & vertices  # no exact vertex is published


def test_alerts_of_a_sensitive_site_count_their_events_and_never_name_or_place_them(client, loaded):
    body = collection(client.get("/api/v1/exports/alerts.geojson?site=hidden-panels"))
    text = client.get("/api/v1/exports/alerts.csv?site=hidden-panels").get_data(as_text=True)

    (feature,) = body["features"]
    assert feature["properties"]["n_events"] == 1 and feature["properties"]["status"] == "open"
    assert "field-team:H1" not in json.dumps(body) and "field-team:H1" not in text
    area = shape(client.get("/api/v1/sites/hidden-panels").get_json()["geometry"])
    point = shape(feature["geometry"])
    assert area.contains(point) and not HIDDEN_CORE.buffer(0.01).contains(point)
    assert list(csv.reader(io.StringIO(text)))[0] == list(ALERT_CSV_COLUMNS)


def test_events_of_a_sensitive_site_are_refused_as_in_the_list(client, loaded):
    for url in (
        "/api/v1/events?site=hidden-panels",
        "/api/v1/exports/events.csv?site=hidden-panels",
    ):
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/exports/events.geojson?site=atlantis").status_code == 404
    assert client.get("/api/v1/exports/alerts.geojson?site=atlantis").status_code == 404


# --- the OpenAPI document --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exports/sites.geojson",
        "/api/v1/exports/events.geojson",
        "/api/v1/exports/alerts.geojson",
    ],
)
def test_geojson_exports_validate_against_the_openapi_document(client, loaded, path):
    jsonschema = pytest.importorskip("jsonschema")
    doc = client.get("/api/v1/openapi.json").get_json()
    content = doc["paths"][path]["get"]["responses"]["200"]["content"]
    schema = {**content[GEOJSON]["schema"], "components": doc["components"]}

    body = collection(client.get(path))

    assert body["features"]
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(body)]
    assert errors == []


def test_the_openapi_document_gives_each_export_its_lists_filters(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for name in ("sites", "events", "alerts"):
        parameters = paths[f"/api/v1/{name}"]["get"]["parameters"]
        filters = {p["name"] for p in parameters if p["in"] == "query"}
        for fmt, media in (("geojson", GEOJSON), ("csv", "text/csv")):
            operation = paths[f"/api/v1/exports/{name}.{fmt}"]["get"]
            assert {p["name"] for p in operation["parameters"]} == filters - {"limit", "offset"}
            assert list(operation["responses"]["200"]["content"]) == [media]


def test_an_alert_acted_on_later_is_exported_with_its_new_state(client, loaded, app, clock):
    clock.now += timedelta(hours=1)
    runtime = app.extensions["heritage"]
    alert_id = listed(client, "/api/v1/alerts?site=palmyra", "alerts")[0]["id"]
    with runtime.session() as session:
        act_on_alert(
            session,
            alert_id,
            "acknowledge",
            actor="duty",
            now=clock.now,
            disposition=Disposition.FALSE_POSITIVE,
            note="=1+1",
        )

    (row,) = csv_rows(client.get("/api/v1/exports/alerts.csv?site=palmyra"))

    assert (row["status"], row["disposition"], row["note"]) == (
        "acknowledged",
        "false_positive",
        "'=1+1",
    )
    assert (row["updated_at"], row["resolved_at"]) == (clock.now.isoformat(), "")
