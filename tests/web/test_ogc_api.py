"""OGC API - Features under /ogc, as QGIS reads it: landing page, conformance, collections,
paged items with bbox and datetime, single features. Data comes in through the pipeline."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from shapely.geometry import shape
from test_exports import EVENTS, HIDDEN_CORE, REGISTRY, load

from heritage.store.session import migrate
from heritage.web import create_app
from heritage.web.ogc_api import CONFORMANCE

GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CURRENT_EVENTS = {f"field-team:{e['properties']['id']}" for e in EVENTS} - {"field-team:R1"}


@pytest.fixture
def app(database_url, clock):
    """Small pages (default 2, at most 3), so paging shows on a small registry."""
    config = {"PAGE_LIMIT_DEFAULT": 2, "PAGE_LIMIT_MAX": 3}
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, **config})
    migrate(app.extensions["heritage"].engine)
    yield app
    app.extensions["heritage"].engine.dispose()


@pytest.fixture
def loaded(app, tmp_path):
    load(app, tmp_path)


def links_of(body: dict) -> dict[str, dict]:
    found = {}
    for link in body["links"]:
        assert link["rel"] not in found, body["links"]
        found[link["rel"]] = link
    return found


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def ids_of(client, url: str) -> list[str]:
    body = client.get(url).get_json()
    return [f["id"] for f in body["features"]]


def all_items(client, url: str) -> tuple[list[str], int]:
    """Follow the next links to the end: (every feature id, pages read)."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == GEOJSON
        body = response.get_json()
        assert body["numberReturned"] == len(body["features"]) <= 3
        seen += [f["id"] for f in body["features"]]
        pages += 1
        url = path_of(links_of(body)["next"]["href"]) if "next" in links_of(body) else None
    return seen, pages


# --- landing page, conformance, collections -------------------------------------------------


def test_the_landing_page_links_itself_the_api_description_conformance_and_data(client):
    for url in ("/ogc", "/ogc/", "/ogc?f=json"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json"
        links = links_of(response.get_json())
        assert set(links) == {"self", "service-desc", "conformance", "data"}
    assert path_of(links["service-desc"]["href"]) == "/api/v1/openapi.json"
    assert client.get(path_of(links["service-desc"]["href"])).status_code == 200
    assert client.get(path_of(links["conformance"]["href"])).get_json() == {
        "conformsTo": CONFORMANCE
    }
    assert path_of(links["data"]["href"]) == "/ogc/collections"


def test_conformance_claims_core_and_geojson_only(client):
    assert client.get("/ogc/conformance").get_json()["conformsTo"] == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ]


def test_collections_describe_sites_and_events_with_extent_crs_and_links(client, loaded):
    body = client.get("/ogc/collections").get_json()

    assert [c["id"] for c in body["collections"]] == ["sites", "events"]
    for item in body["collections"]:
        assert item == client.get(f"/ogc/collections/{item['id']}").get_json()
        assert (item["itemType"], item["crs"]) == ("feature", [CRS84])
        assert item["title"] and item["description"]
        assert item["extent"]["spatial"] == {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}
        links = links_of(item)
        assert links["items"]["type"] == GEOJSON
        assert path_of(links["items"]["href"]) == f"/ogc/collections/{item['id']}/items"
    sites, events = body["collections"]
    assert "temporal" not in sites["extent"]  # sites have no time
    assert events["extent"]["temporal"]["interval"] == [
        ["2026-09-01T00:00:00Z", "2026-11-20T23:59:59Z"]  # R1, on 2026-08-01, was retracted
    ]


def test_an_empty_events_collection_has_an_open_interval(client):
    extent = client.get("/ogc/collections/events").get_json()["extent"]
    assert extent["temporal"]["interval"] == [[None, None]]


# --- items ------------------------------------------------------------------------------------


def test_paging_through_the_sites_with_next_links_returns_each_site_once(client, loaded, clock):
    first = client.get("/ogc/collections/sites/items").get_json()
    seen, pages = all_items(client, "/ogc/collections/sites/items?limit=3")

    assert first["numberMatched"] == len(REGISTRY) and first["numberReturned"] == 2  # default
    assert first["timeStamp"] == clock.now.isoformat()
    links = links_of(first)
    assert {"self", "next", "collection"} <= set(links) and "prev" not in links
    assert path_of(links["collection"]["href"]) == "/ogc/collections/sites"
    assert sorted(seen) == sorted(f["id"] for f in REGISTRY) and pages == 2


def test_paging_through_the_events_keeps_the_filters_and_ends_without_next(client, loaded):
    seen, pages = all_items(client, "/ogc/collections/events/items?limit=1&datetime=2026-09-01/..")

    assert len(seen) == len(set(seen)) == 6 and pages == 6
    last = client.get("/ogc/collections/events/items?limit=1&offset=5&datetime=2026-09-01/..")
    links = links_of(last.get_json())
    assert "next" not in links
    assert parse_qs(urlsplit(links["prev"]["href"]).query) == {
        "limit": ["1"],
        "offset": ["4"],
        "datetime": ["2026-09-01/.."],
    }


def test_a_limit_above_the_maximum_is_served_as_the_maximum(client, loaded):
    body = client.get("/ogc/collections/sites/items?limit=5000").get_json()

    assert body["numberReturned"] == 3
    assert parse_qs(urlsplit(links_of(body)["next"]["href"]).query)["limit"] == ["3"]
    for bad in ("limit=0", "limit=ten", "offset=-1"):
        assert client.get(f"/ogc/collections/sites/items?{bad}").status_code == 400


@pytest.mark.parametrize(
    "bbox, sites, events",
    [
        ("38,34,39,35", {"palmyra"}, {"field-team:P1", "field-team:P2"}),
        ("179.9,-17,-179.9,-16", {"taveuni"}, {"field-team:F1", "field-team:F2"}),  # across 180
        ("179.9,-17,179.99,-16", {"taveuni"}, {"field-team:F1"}),
        ("-179.99,-17,-179.9,-16", {"taveuni"}, {"field-team:F2"}),
        ("38,34,0,39,35,100", {"palmyra"}, {"field-team:P1", "field-team:P2"}),  # with heights
        ("-10,-10,0,0", set(), set()),
    ],
)
def test_bbox_selects_sites_and_events_across_the_antimeridian(client, loaded, bbox, sites, events):
    assert set(ids_of(client, f"/ogc/collections/sites/items?bbox={bbox}&limit=3")) == sites
    assert set(ids_of(client, f"/ogc/collections/events/items?bbox={bbox}&limit=3")) == events


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-20", {"P1"}),
        ("2026-11-20T23:59:59Z", {"P1"}),
        ("2026-11-21T01:00:00+03:00", {"P1"}),  # 2026-11-20 22:00 UTC
        ("2026-11-18/2026-11-19", {"P2", "H1"}),
        ("2026-11-18T12:00:00Z/2026-11-19T00:00:00Z", {"P2", "H1"}),
        ("2026-11-19/..", {"P1", "H1"}),
        ("../2026-09-01", {"F1"}),
        ("/2026-09-01", {"F1"}),
        ("../..", {"P1", "P2", "H1", "M1", "F1", "F2"}),
        ("2025-01-01/2025-12-31", set()),
    ],
)
def test_datetime_selects_the_events_whose_days_it_touches(client, loaded, value, expected):
    found = set()
    url = f"/ogc/collections/events/items?datetime={value.replace('+', '%2B')}&limit=3"
    while url:
        body = client.get(url).get_json()
        found |= {f["id"].removeprefix("field-team:") for f in body["features"]}
        links = links_of(body)
        url = path_of(links["next"]["href"]) if "next" in links else None
    assert found == expected


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-11-20T10:00:00", "2026-11-20/2026-11-01", "..", "a/b/c", "2026-13-01"],
)
def test_a_bad_datetime_is_a_400_for_both_collections(client, loaded, value):
    for name in ("events", "sites"):
        response = client.get(f"/ogc/collections/{name}/items?datetime={value}")
        assert response.status_code == 400 and response.mimetype == "application/json"
        assert response.get_json()["error"]["details"][0]["field"] == "datetime"


def test_sites_have_no_time_so_a_valid_datetime_is_ignored(client, loaded):
    plain = ids_of(client, "/ogc/collections/sites/items?limit=3&offset=1")
    dated = ids_of(client, "/ogc/collections/sites/items?limit=3&offset=1&datetime=1900-01-01")
    assert plain == dated and plain


# --- single features, errors, sensitive sites -------------------------------------------------


def test_one_feature_of_each_collection_with_links(client, loaded):
    site = client.get("/ogc/collections/sites/items/palmyra")
    event = client.get("/ogc/collections/events/items/field-team:M1")

    assert site.status_code == event.status_code == 200
    assert site.mimetype == event.mimetype == GEOJSON
    body = event.get_json()
    assert body["geometry"] == {"type": "Point", "coordinates": [-3.7, 40.4]}
    assert path_of(links_of(body)["self"]["href"]) == "/ogc/collections/events/items/field-team:M1"
    assert path_of(links_of(body)["collection"]["href"]) == "/ogc/collections/events"
    assert site.get_json()["properties"]["name"] == "Site of Palmyra"


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/alerts",
        "/ogc/collections/alerts/items",
        "/ogc/collections/alerts/items/1",
        "/ogc/collections/sites/items/atlantis",
        "/ogc/collections/events/items/field-team:NOPE",
    ],
)
def test_an_unknown_collection_or_feature_is_a_json_404(client, loaded, url):
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/ogc?service=WFS",
        "/ogc/conformance?limit=1",
        "/ogc/collections?f=html",
        "/ogc/collections/sites?bbox=1,2,3,4",
        "/ogc/collections/sites/items?bbox-crs=EPSG:4326",
        "/ogc/collections/sites/items?country=SY",
        "/ogc/collections/events/items?bbox=1,2",
        "/ogc/collections/events/items/field-team:M1?limit=1",
    ],
)
def test_unknown_parameters_and_bad_values_are_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/json"


def test_a_sensitive_site_is_published_generalised_as_in_the_api(client, loaded):
    api = shape(client.get("/api/v1/sites/hidden-panels").get_json()["geometry"])
    one = client.get("/ogc/collections/sites/items/hidden-panels").get_json()
    listed = client.get("/ogc/collections/sites/items?bbox=9,19,11,21").get_json()["features"]

    assert [f["id"] for f in listed] == ["hidden-panels"]
    for feature in (one, listed[0]):
        assert feature["properties"]["geometry_generalised"] is True
        assert shape(feature["geometry"]).symmetric_difference(api).area < 1e-12
        published = {v for xy in shapely.get_coordinates(shape(feature["geometry"])) for v in xy}
        assert not published & {v for xy in HIDDEN_CORE.exterior.coords for v in xy}
    # A bbox probe inside the generalised area but off the exact core still finds it: the
    # answer says no more than the published area does.
    probe = "10.03,20.03,10.04,20.04"
    assert ids_of(client, f"/ogc/collections/sites/items?bbox={probe}") == ["hidden-panels"]


# --- the OpenAPI document ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, path, media",
    [
        ("/ogc", "/ogc", "application/json"),
        ("/ogc/conformance", "/ogc/conformance", "application/json"),
        ("/ogc/collections", "/ogc/collections", "application/json"),
        ("/ogc/collections/events", "/ogc/collections/{collection_id}", "application/json"),
        ("/ogc/collections/sites/items", "/ogc/collections/{collection_id}/items", GEOJSON),
        ("/ogc/collections/events/items", "/ogc/collections/{collection_id}/items", GEOJSON),
        (
            "/ogc/collections/sites/items/hidden-panels",
            "/ogc/collections/{collection_id}/items/{feature_id}",
            GEOJSON,
        ),
        (
            "/ogc/collections/events/items/field-team:P1",
            "/ogc/collections/{collection_id}/items/{feature_id}",
            GEOJSON,
        ),
    ],
)
def test_responses_validate_against_the_openapi_document(client, loaded, url, path, media):
    jsonschema = pytest.importorskip("jsonschema")
    doc = client.get("/api/v1/openapi.json").get_json()
    content = doc["paths"][path]["get"]["responses"]["200"]["content"]
    schema = {**content[media]["schema"], "components": doc["components"]}

    response = client.get(url)

    assert response.status_code == 200 and response.mimetype == media
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(response.json)]
    assert errors == []


def test_every_documented_items_parameter_is_accepted(client, loaded):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/ogc/collections/{collection_id}/items"]["get"]
    samples = {"bbox": "30,30,40,40", "datetime": "2026-01-01/..", "limit": "2", "offset": "1"}
    samples["f"] = "json"

    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}

    assert names == set(samples)
    for name, value in samples.items():
        assert client.get(f"/ogc/collections/events/items?{name}={value}").status_code == 200
