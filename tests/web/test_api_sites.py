"""The JSON API under /api/v1 and /healthz, through the Flask test client on a real database.

Data goes in through the real CLI (`sites import`), as an operator would load it.
"""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from geometries import ACROSS_ANTIMERIDIAN, PALMYRA_SQUARE
from shapely.geometry import Point, box, mapping, shape

from heritage.pipeline import record_heartbeat
from heritage.store.heartbeats import SCHEDULER
from heritage.web import create_app

REPO = Path(__file__).resolve().parents[2]
GEOJSON = "application/geo+json"
INIT_DB = "flask --app app init-db"


# --- helpers -------------------------------------------------------------------------------


def feature(site_id: str, name: str, geometry, **properties) -> dict:
    return {
        "type": "Feature",
        "id": site_id,
        "geometry": None if geometry is None else mapping(geometry),
        "properties": {"id": site_id, "name": name, **properties},
    }


def write_sites(path: Path, features: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)
    return path


def import_sites(runner, path: Path) -> None:
    result = runner.invoke(args=["sites", "import", str(path)])
    assert result.exit_code == 0, result.output


def ids_of(body: dict) -> set[str]:
    return {f["id"] for f in body["features"]}


def link(body: dict, rel: str) -> dict | None:
    found = [item for item in body["links"] if item["rel"] == rel]
    assert len(found) <= 1, body["links"]
    return found[0] if found else None


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def assert_error(response, status: int, code: str) -> dict:
    """The one error envelope: {"error": {"code", "message", "details"}}, as JSON."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


PALMYRA_NAMES = [
    {"name": "Palmyra", "lang": "en"},
    {"name": "تدمر", "lang": "ar"},
    {"name": "Tadmur", "lang": "ar-Latn"},
]

# A small registry with one site of each kind the filters tell apart.
REGISTRY = [
    feature(
        "palmyra",
        "Site of Palmyra",
        PALMYRA_SQUARE,
        names=PALMYRA_NAMES,
        countries=["SY"],
        designation="world_heritage",
        unesco_id=23,
        inscribed_year=1980,
        in_danger=True,
        in_danger_since=2013,
        vulnerability=1.5,
        geometry_precision="digitised",
        sources={"geometry": "test square around the Temple of Bel"},
    ),
    feature(
        "bosra",
        "Ancient City of Bosra",
        Point(36.4833, 32.5167),
        area_ha=116.2,
        countries=["SY"],
        designation="world_heritage",
        unesco_id=22,
        in_danger=False,
    ),
    feature(
        "hatra",
        "Hatra",
        Point(42.718, 35.588),
        area_ha=323.75,
        countries=["IQ"],
        unesco_id=277,
        in_danger=True,
        in_danger_since=2015,
    ),
    feature(
        "nimrud",
        "Nimrud",
        Point(43.329, 36.098),
        radius_m=2000,
        countries=["IQ"],
        designation="tentative",
    ),
    # Drawn across the antimeridian near 179.9 E / -16.7 (Taveuni, Fiji).
    feature("taveuni", "Taveuni test site", ACROSS_ANTIMERIDIAN, countries=["FJ"]),
]
ALL = {f["id"] for f in REGISTRY}


@pytest.fixture
def registry(runner, tmp_path) -> set[str]:
    import_sites(runner, write_sites(tmp_path / "registry.geojson", REGISTRY))
    return ALL


@pytest.fixture
def unmigrated_app(database_url, clock):
    """The app on a database that `init-db` has never been run on."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock})
    yield app
    app.extensions["heritage"].engine.dispose()


# --- the FeatureCollection -----------------------------------------------------------------


def test_site_list_is_a_geojson_feature_collection_with_counts_and_paging_links(
    client, registry, clock
):
    response = client.get("/api/v1/sites?limit=2")

    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == len(registry)
    assert body["numberReturned"] == 2 == len(body["features"])
    assert body["timeStamp"] == clock.now.isoformat()
    assert query_of(link(body, "self")["href"]) == {"limit": ["2"], "offset": ["0"]}
    assert query_of(link(body, "next")["href"]) == {"limit": ["2"], "offset": ["2"]}
    assert link(body, "prev") is None
    assert all(item["type"] == GEOJSON for item in body["links"])


def test_sites_are_listed_in_id_order_and_the_last_page_has_no_next_link(client, registry):
    body = client.get("/api/v1/sites?limit=2&offset=4").get_json()

    assert [f["id"] for f in body["features"]] == sorted(registry)[4:]
    assert body["numberReturned"] == 1
    assert link(body, "next") is None
    assert query_of(link(body, "prev")["href"]) == {"limit": ["2"], "offset": ["2"]}


def test_one_site_is_a_feature_with_its_core_zone_buffer_zone_and_facts(client, registry, clock):
    response = client.get("/api/v1/sites/palmyra")

    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    site = response.get_json()
    assert site["type"] == "Feature"
    assert site["id"] == "palmyra"
    assert site["geometry"]["type"] == "MultiPolygon"
    core = shape(site["geometry"])
    assert core.symmetric_difference(PALMYRA_SQUARE).area < 1e-9
    p = site["properties"]
    assert p["id"] == "palmyra"
    assert p["name"] == "Site of Palmyra"
    assert p["names"] == PALMYRA_NAMES
    assert p["countries"] == ["SY"]
    assert p["designation"] == {
        "kind": "world_heritage",
        "unesco_id": 23,
        "inscribed_year": 1980,
        "in_danger": True,
        "in_danger_since": 2013,
    }
    assert p["vulnerability"] == 1.5
    assert p["sensitive"] is False
    assert p["geometry_precision"] == "digitised"
    assert p["geometry_generalised"] is False
    assert p["sources"] == {"geometry": "test square around the Temple of Bel"}
    assert p["version"] == 1
    assert p["updated_at"] == clock.now.isoformat()
    assert p["links"] == [
        {"rel": "self", "type": GEOJSON, "href": "http://localhost/api/v1/sites/palmyra"}
    ]
    # The default 2 km ring around the core zone, not overlapping it.
    assert p["buffer_zone"]["type"] == "MultiPolygon"
    buffer = shape(p["buffer_zone"])
    assert buffer.intersection(core).area < 1e-9
    assert shapely.union(core, buffer).convex_hull.contains(core)
    assert 0.015 < buffer.bounds[2] - core.bounds[2] < 0.03  # about 2 km east of the core


def test_arabic_names_are_sent_as_utf8_text_not_escaped(client, registry):
    raw = client.get("/api/v1/sites/palmyra").get_data()

    assert "تدمر".encode() in raw
    assert b"\\u062a" not in raw.lower()
    listed = client.get("/api/v1/sites?country=SY").get_data()
    assert "تدمر".encode() in listed


def test_a_site_that_a_later_import_changes_is_served_with_its_next_version(
    client, runner, registry, tmp_path, clock
):
    before = client.get("/api/v1/sites/palmyra").get_json()  # the process now holds version 1
    assert client.get("/api/v1/sites?bbox=38,34,39,35").get_json()["features"][0] == before
    renamed = json.loads(json.dumps(REGISTRY[0]))
    renamed["properties"]["name"] = "Site of Palmyra (renamed)"
    renamed["geometry"] = mapping(box(38.2, 34.5, 38.21, 34.51))
    clock.now += timedelta(days=1)
    import_sites(runner, write_sites(tmp_path / "renamed.geojson", [renamed]))

    one = client.get("/api/v1/sites/palmyra").get_json()
    listed = client.get("/api/v1/sites?bbox=38,34,39,35").get_json()["features"]
    p = one["properties"]

    assert listed == [one]
    assert p["name"] == "Site of Palmyra (renamed)"
    assert shape(one["geometry"]).equals(box(38.2, 34.5, 38.21, 34.51))
    assert p["version"] == 2
    assert p["updated_at"] == clock.now.isoformat()


def test_paging_through_every_site_returns_each_site_once(client, runner):
    import_sites(runner, REPO / "sites")
    expected = {
        f["id"]
        for path in sorted((REPO / "sites").glob("*.geojson"))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }

    seen: list[str] = []
    url = "/api/v1/sites?limit=7"
    pages = 0
    while url:
        body = client.get(url).get_json()
        assert body["numberMatched"] == len(expected)
        seen += [f["id"] for f in body["features"]]
        pages += 1
        next_link = link(body, "next")
        url = next_link["href"] if next_link else None

    assert pages == math.ceil(len(expected) / 7)
    assert len(seen) == len(set(seen))
    assert set(seen) == expected


def test_next_links_keep_the_filters(client, registry):
    body = client.get("/api/v1/sites?country=sy&limit=1").get_json()

    assert query_of(link(body, "next")["href"]) == {
        "country": ["sy"],
        "limit": ["1"],
        "offset": ["1"],
    }
    second = client.get(link(body, "next")["href"]).get_json()
    assert ids_of(body) | ids_of(second) == {"palmyra", "bosra"}


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=SY", {"palmyra", "bosra"}),
        ("country=sy", {"palmyra", "bosra"}),
        ("country=iq", {"hatra", "nimrud"}),
        ("country=FR", set()),
        ("designation=world_heritage", {"palmyra", "bosra", "hatra"}),
        ("designation=tentative", {"nimrud"}),
        ("designation=national", {"taveuni"}),
        ("in_danger=true", {"palmyra", "hatra"}),
        ("in_danger=1", {"palmyra", "hatra"}),
        ("in_danger=false", {"bosra", "nimrud", "taveuni"}),
        ("in_danger=0", {"bosra", "nimrud", "taveuni"}),
        ("bbox=35,32,39,35", {"palmyra", "bosra"}),
        ("bbox=38.27,34.55,38.271,34.551", {"palmyra"}),
        ("bbox=-10,-10,10,10", set()),
        # min_lon > max_lon: the box crosses the antimeridian.
        ("bbox=179.5,-17,-179.5,-16.5", {"taveuni"}),
        ("bbox=170,-90,-170,90", {"taveuni"}),
        # Each half of the site, from its own side of the antimeridian.
        ("bbox=179.85,-16.9,179.95,-16.6", {"taveuni"}),
        ("bbox=-179.95,-16.9,-179.85,-16.6", {"taveuni"}),
        ("country=SY&in_danger=false", {"bosra"}),
        ("country=IQ&designation=tentative", {"nimrud"}),
        ("designation=world_heritage&in_danger=true&bbox=40,30,45,40", {"hatra"}),
        ("country=FJ&bbox=179.5,-17,-179.5,-16.5", {"taveuni"}),
        ("country=SY&bbox=179.5,-17,-179.5,-16.5", set()),
        # q: part of any name, in any language, or the id; Latin letters in any case.
        ("q=PALMYRA", {"palmyra"}),
        ("q=tadmur", {"palmyra"}),
        ("q=تدم", {"palmyra"}),
        ("q=ancient city", {"bosra"}),
        ("q=nimrud&country=SY", set()),
        ("q=%25", set()),  # a % is a character, not a wildcard
        ("q=a_r", set()),  # and so is _
        ("q=+", ALL),  # blank: no filter
    ],
)
def test_filters_select_the_matching_sites(client, registry, query, expected):
    response = client.get(f"/api/v1/sites?{query}")

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert ids_of(body) == expected
    assert body["numberMatched"] == body["numberReturned"] == len(expected)


def test_a_site_drawn_across_the_antimeridian_is_served_split_at_180_degrees(client, registry):
    geometry = client.get("/api/v1/sites/taveuni").get_json()["geometry"]

    assert geometry["type"] == "MultiPolygon"
    assert len(geometry["coordinates"]) == 2
    lons = [x for part in geometry["coordinates"] for ring in part for x, _ in ring]
    assert all(-180 <= x <= 180 for x in lons)
    assert min(lons) == pytest.approx(-180) and max(lons) == pytest.approx(180)


# --- errors --------------------------------------------------------------------------------


def test_unknown_query_parameter_is_rejected_with_its_name(client, registry):
    error = assert_error(client.get("/api/v1/sites?colour=red"), 400, "invalid_input")

    assert "colour" in error["message"]
    assert [d["field"] for d in error["details"]] == ["colour"]
    assert error["details"][0]["value"] == "red"


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "0,0,1,1,2", "a,b,c,d", "", "nan,0,1,1", "0,0,inf,1", "0,50,1,40", "0,0,181,1"],
)
def test_malformed_bbox_is_rejected(client, bbox):
    error = assert_error(client.get(f"/api/v1/sites?bbox={bbox}"), 400, "invalid_input")

    assert error["details"][0]["field"] == "bbox"
    assert "bbox" in error["message"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
        ("country=SYR", "country"),
        ("q=" + "x" * 101, "q"),
        ("country=%C3%89%C3%89", "country"),  # "ÉÉ": letters, but not ISO alpha-2
        ("designation=castle", "designation"),
        ("in_danger=maybe", "in_danger"),
    ],
)
def test_a_bad_parameter_value_is_rejected_naming_the_parameter(client, query, name):
    error = assert_error(client.get(f"/api/v1/sites?{query}"), 400, "invalid_input")

    assert error["details"][0]["field"] == name
    assert name in error["message"]


def test_the_largest_allowed_page_size_is_accepted(client, settings):
    assert client.get(f"/api/v1/sites?limit={settings.page_limit_max}").status_code == 200
    response = client.get(f"/api/v1/sites?limit={settings.page_limit_max + 1}")
    assert_error(response, 400, "invalid_input")


def test_unknown_site_is_a_404_in_the_error_envelope(client, registry):
    error = assert_error(client.get("/api/v1/sites/atlantis"), 404, "not_found")

    assert "atlantis" in error["message"]


def test_unknown_api_path_is_a_404_in_the_error_envelope(client):
    assert_error(client.get("/api/v1/monuments"), 404, "not_found")


def test_a_method_the_api_does_not_allow_is_a_405_in_the_error_envelope(client):
    response = client.post("/api/v1/sites", json={})

    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/sites", "/api/v1/sites/palmyra", "/healthz"])
def test_a_database_that_was_never_initialised_gives_503_saying_to_run_init_db(
    unmigrated_app, path
):
    error = assert_error(unmigrated_app.test_client().get(path), 503, "database_not_ready")

    assert INIT_DB in error["message"]


# --- sensitive sites -----------------------------------------------------------------------

HIDDEN_CORE = box(10.013, 20.013, 10.018, 20.018)


@pytest.fixture
def hidden(runner, tmp_path):
    """A sensitive site (rock-art panels): (its exact core plus buffer, as `sites show` has it)."""
    site = feature(
        "hidden-panels",
        "Hidden rock-art panels",
        HIDDEN_CORE,
        countries=["LY"],
        sensitive=True,
    )
    import_sites(runner, write_sites(tmp_path / "sensitive.geojson", [site]))
    shown = runner.invoke(args=["sites", "show", "hidden-panels"])
    assert shown.exit_code == 0, shown.output
    exact = json.loads(shown.output)
    return shapely.union(shape(exact["geometry"]), shape(exact["properties"]["buffer_zone"]))


def _on_grid(value: float, grid: float) -> bool:
    return abs(value / grid - round(value / grid)) < 1e-6


def test_a_sensitive_site_is_published_only_as_a_coarse_grid_area_covering_it(
    client, hidden, settings
):
    site = client.get("/api/v1/sites/hidden-panels").get_json()
    listed = client.get("/api/v1/sites").get_json()["features"]

    p = site["properties"]
    assert p["sensitive"] is True
    assert p["geometry_generalised"] is True
    assert p["buffer_zone"] is None
    published = shape(site["geometry"])
    assert published.covers(hidden)
    assert published.area > hidden.area
    coordinates = shapely.get_coordinates(published)
    assert all(_on_grid(v, settings.sensitive_grid_deg) for v in coordinates.ravel())
    assert not any(
        shapely.equals_exact(Point(xy), Point(v), 1e-6)
        for xy in shapely.get_coordinates(hidden)
        for v in coordinates
    )
    assert [f for f in listed if f["id"] == "hidden-panels"] == [site]


def test_a_bbox_outside_the_published_area_of_a_sensitive_site_does_not_find_it(client, hidden):
    published = shape(client.get("/api/v1/sites/hidden-panels").get_json()["geometry"])
    min_lon, min_lat, max_lon, max_lat = published.bounds

    for probe in [
        (min_lon - 0.03, min_lat, min_lon - 0.01, max_lat),
        (max_lon + 0.01, min_lat, max_lon + 0.03, max_lat),
        (min_lon, min_lat - 0.03, max_lon, min_lat - 0.01),
        (min_lon, max_lat + 0.01, max_lon, max_lat + 0.03),
    ]:
        body = client.get("/api/v1/sites?bbox=" + ",".join(f"{v:.4f}" for v in probe)).get_json()
        assert body["features"] == [], probe


# Regression: at f9940b2..ed2d730 the SQL prefilter used the exact zone's bounds before the
# generalised test, so probes inside the published area but outside the true extent missed.
def test_a_bbox_anywhere_in_the_published_area_of_a_sensitive_site_finds_it(client, hidden):
    published = shape(client.get("/api/v1/sites/hidden-panels").get_json()["geometry"])
    min_lon, min_lat, max_lon, max_lat = published.bounds
    step = 0.02

    answers = {}
    lon = min_lon + 0.001
    while lon + step < max_lon:
        lat = min_lat + 0.001
        while lat + step < max_lat:
            probe = (lon, lat, lon + step / 2, lat + step / 2)
            body = client.get("/api/v1/sites?bbox=" + ",".join(f"{v:.4f}" for v in probe))
            answers[probe] = ids_of(body.get_json())
            lat += step
        lon += step

    # Every probe lies inside what is published, so each one must get the same answer;
    # otherwise the answers trace the exact zone.
    missed = [probe for probe, found in answers.items() if found != {"hidden-panels"}]
    assert missed == []


# --- OpenAPI -------------------------------------------------------------------------------


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _api_rules(app):
    return [
        r
        for r in app.url_map.iter_rules()
        if r.rule.startswith(("/api/v1/", "/ogc")) or r.rule == "/healthz"
    ]


def test_openapi_document_is_version_3_1_and_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1.")
    rules = _api_rules(app)
    assert rules
    for rule in rules:
        path = _openapi_path(rule.rule)
        assert path in doc["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], (path, method)
            params = doc["paths"][path][method.lower()].get("parameters", [])
            for name in rule.arguments:  # every operation declares its path parameters
                assert {"name": name, "in": "path"}.items() <= next(
                    p for p in params if p["name"] == name
                ).items()
    # and nothing that does not exist
    assert set(doc["paths"]) == {_openapi_path(r.rule) for r in rules}


SAMPLE_VALUES = {
    "bbox": "35,32,39,35",
    "country": "SY",
    "designation": "world_heritage",
    "in_danger": "true",
    "level": "high",
    "limit": "10",
    "offset": "0",
    "q": "palmyra",
}


def test_every_documented_query_parameter_is_accepted_and_limit_bounds_match(client, settings):
    doc = client.get("/api/v1/openapi.json").get_json()
    parameters = doc["paths"]["/api/v1/sites"]["get"]["parameters"]
    params = [p for p in parameters if p["in"] == "query"]

    assert {p["name"] for p in params} == set(SAMPLE_VALUES)
    for p in params:
        response = client.get(f"/api/v1/sites?{p['name']}={SAMPLE_VALUES[p['name']]}")
        assert response.status_code == 200, (p["name"], response.get_data(as_text=True))
    limit = next(p for p in params if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, settings.page_limit_max)


def test_responses_carry_every_property_the_openapi_document_requires(client, registry):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    listed = client.get("/api/v1/sites").get_json()
    one = client.get("/api/v1/sites/palmyra").get_json()
    error = client.get("/api/v1/sites/atlantis").get_json()

    assert set(schemas["SiteCollection"]["required"]) <= set(listed)
    for site in [one, *listed["features"]]:
        assert set(schemas["Site"]["required"]) <= set(site)
        assert set(schemas["Site"]["properties"]["properties"]["required"]) <= set(
            site["properties"]
        )
        assert set(site["properties"]) <= set(
            schemas["Site"]["properties"]["properties"]["properties"]
        )
    assert set(schemas["Error"]["properties"]["error"]["required"]) <= set(error["error"])


def _validator(doc: dict, media_schema: dict):
    jsonschema = pytest.importorskip("jsonschema")
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; refs point into #/components.
    schema = {**media_schema, "components": doc["components"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("url", "path", "status"),
    [
        ("/api/v1/sites", "/api/v1/sites", "200"),
        ("/api/v1/sites?limit=2&offset=1&country=SY", "/api/v1/sites", "200"),
        ("/api/v1/sites/palmyra", "/api/v1/sites/{site_id}", "200"),
        ("/api/v1/sites/taveuni", "/api/v1/sites/{site_id}", "200"),
        ("/api/v1/sites?bbox=1,2", "/api/v1/sites", "400"),
        ("/api/v1/sites/atlantis", "/api/v1/sites/{site_id}", "404"),
        ("/healthz", "/healthz", "200"),
    ],
)
def test_responses_validate_against_the_openapi_schemas(client, registry, url, path, status):
    doc = client.get("/api/v1/openapi.json").get_json()
    response = client.get(url)

    assert str(response.status_code) == status
    content = doc["paths"][path]["get"]["responses"][status]["content"]
    assert response.mimetype in content
    validator = _validator(doc, content[response.mimetype]["schema"])
    errors = [e.message for e in validator.iter_errors(response.get_json())]
    assert errors == []


def test_a_sensitive_site_validates_against_the_openapi_schema(client, hidden):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"]["/api/v1/sites/{site_id}"]["get"]["responses"]["200"]["content"]
    validator = _validator(doc, schema[GEOJSON]["schema"])

    body = client.get("/api/v1/sites/hidden-panels").get_json()
    assert [e.message for e in validator.iter_errors(body)] == []


# --- healthz -------------------------------------------------------------------------------


def _beat(app, at) -> None:
    with app.extensions["heritage"].session() as session:
        record_heartbeat(
            session, name=SCHEDULER, host="scheduler-host", pid=4242, started_at=at, now=at
        )


def test_healthz_reports_a_scheduler_never_seen_before_its_first_heartbeat(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["schema"]
    assert body["scheduler"] == {"status": "never_seen", "last_seen_at": None}


def test_healthz_reports_the_scheduler_ok_then_stale_as_its_heartbeat_ages(
    app, client, clock, settings
):
    beat_at = clock.now
    _beat(app, beat_at)

    assert client.get("/healthz").get_json()["scheduler"] == {
        "status": "ok",
        "last_seen_at": beat_at.isoformat(),
    }
    clock.now = beat_at + timedelta(seconds=settings.scheduler_stale_s)
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "ok"
    clock.now = beat_at + timedelta(seconds=settings.scheduler_stale_s + 1)
    body = client.get("/healthz").get_json()
    assert body["scheduler"] == {"status": "stale", "last_seen_at": beat_at.isoformat()}
    assert body["status"] == "ok"  # the web app itself still serves

    _beat(app, clock.now)  # the scheduler comes back
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "ok"


# --- security headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites",
        "/api/v1/sites/atlantis",
        "/api/v1/sites?bbox=oops",
        "/api/v1/openapi.json",
        "/healthz",
    ],
)
def test_api_responses_carry_a_strict_content_security_policy_and_nosniff(client, path):
    response = client.get(path)

    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_sensitive_sites_geometry_citation_is_withheld_too(client, runner, tmp_path):
    citation = "survey 2019: centre at 20.0155 N, 10.0155 E"
    site = feature(
        "cited-panels",
        "Cited panels",
        HIDDEN_CORE,
        sensitive=True,
        sources={"geometry": citation, "designation": "national list"},
    )
    import_sites(runner, write_sites(tmp_path / "cited.geojson", [site]))
    published = client.get("/api/v1/sites/cited-panels").get_json()["properties"]["sources"]
    assert citation not in json.dumps(published)
    assert published["designation"] == "national list" and "withheld" in published["geometry"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites/%00",
        "/api/v1/events/acled:%00",
        "/api/v1/events?source=%00",
        "/api/v1/sites?country=S%00",
    ],
)
def test_a_nul_character_in_a_request_is_a_clear_400_on_every_database(client, path):
    assert_error(client.get(path), 400, "invalid_input")


def test_a_new_server_process_builds_the_published_sites_ahead_up_to_its_capacity(app, registry):
    from heritage.web.published_sites import PublishedSites

    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        assert PublishedSites(generalise_deg=0.05).warm(session) == len(registry)
        assert PublishedSites(generalise_deg=0.05, capacity=2).warm(session) == 2


def test_features_kept_ahead_carry_the_base_url_each_request_names(app, client, registry):
    from heritage.web.api import warm_published_sites

    with app.app_context():
        assert warm_published_sites() == len(registry)
    one = client.get("/api/v1/sites/palmyra", base_url="https://heritage.example").get_json()
    listed = client.get("/api/v1/sites?limit=50", base_url="http://127.0.0.1:8080").get_json()
    assert one["properties"]["links"][0]["href"] == "https://heritage.example/api/v1/sites/palmyra"
    assert sorted(f["properties"]["links"][0]["href"] for f in listed["features"]) == [
        f"http://127.0.0.1:8080/api/v1/sites/{site_id}" for site_id in sorted(registry)
    ]
    assert "urn:x-heritage-base" not in json.dumps(listed)
