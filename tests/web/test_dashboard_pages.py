"""The dashboard's home, site and alert pages: ranking, filters, and what the page scripts read."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import test_site_pages
from shapely.geometry import box
from test_dashboard import Page, feature, import_sites

from heritage.config import RISK_MODEL
from heritage.risk import Assessment
from heritage.store import risk as risk_store
from heritage.store.session import migrate
from heritage.web import create_app

HOSTILE = test_site_pages.HOSTILE
alerted = test_site_pages.alerted  # Palmyra, hit and alerted, beside a sensitive site (a fixture)
REPO = Path(__file__).resolve().parents[2]
CHART_JS = REPO / "node_modules" / "chart.js" / "dist" / "chart.umd.js"

# id, name, country, score, level, trend (None: never assessed)
SITES = [
    ("bosra", "Bosra", "SY", 1.0, "elevated", "steady"),
    ("aleppo", "Ancient City of Aleppo", "SY", 7.1, "critical", "rising"),
    ("nimrud", "Nimrud", "IQ", None, None, None),
    ("hatra", "Hatra", "IQ", 2.5, "high", "falling"),
    ("apamea", "Apamea", "SY", 1.0, "elevated", "new"),
    ("ashur", "Ashur", "IQ", 0.05, "low", "steady"),
]
# By score (highest first), then by name; never assessed last.
RANKED = ["aleppo", "hatra", "apamea", "bosra", "ashur", "nimrud"]


@pytest.fixture
def ranked(app, runner, tmp_path, clock):
    """Six sites in Syria and Iraq, five of them assessed today with set scores and trends."""
    import_sites(
        runner,
        tmp_path,
        [
            feature(i, name, box(36 + n, 33, 36.01 + n, 33.01), countries=[country])
            for n, (i, name, country, *_) in enumerate(SITES)
        ],
    )
    today = clock().date()
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        risk_store.save_assessments(
            session,
            [
                Assessment(i, today, score, level, trend, None, (), (f"{name} is {level}",))
                for i, name, _, score, level, trend in SITES
                if score is not None
            ],
            now=clock(),
        )
        session.commit()


class RankedTable(HTMLParser):
    """The rows of table.ranked in order: id, level, and the trend's symbol and label."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self._in_table = self._in_trend = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "ranked" in a.get("class", "").split():
            self._in_table = True
        elif self._in_table and tag == "tr" and "data-site-id" in a:
            self.rows.append({"id": a["data-site-id"], "level": a["data-level"], "trend": None})
        elif self._in_table and tag == "span" and "trend" in a.get("class", "").split():
            self.rows[-1]["trend"] = {
                "label": a.get("aria-label"),
                "role": a.get("role"),
                "text": "",
            }
            self._in_trend = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "span":
            self._in_trend = False

    def handle_data(self, data):
        if self._in_trend:
            self.rows[-1]["trend"]["text"] += data


def attrs_of(page: Page, element_id: str) -> dict:
    return next(a for _, a in page.tags if a.get("id") == element_id)


def html_page(client, path: str):
    response = client.get(path)
    return response, Page(response.get_data(as_text=True))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# --- the home page's ranked table ----------------------------------------------------------


def test_the_home_table_ranks_sites_by_score_then_name_with_trend_arrows(client, ranked):
    table = RankedTable(client.get("/").get_data(as_text=True))

    assert [r["id"] for r in table.rows] == RANKED
    assert [r["level"] for r in table.rows] == [
        "critical", "high", "elevated", "elevated", "low", "none"
    ]  # fmt: skip
    trends = {r["id"]: r["trend"] for r in table.rows}
    assert trends["aleppo"] == {"label": "rising", "role": "img", "text": "▲"}
    assert trends["hatra"] == {"label": "falling", "role": "img", "text": "▼"}
    assert trends["bosra"] == {"label": "steady", "role": "img", "text": "▶"}
    assert trends["apamea"] == {"label": "new", "role": "img", "text": "●"}
    assert trends["nimrud"] is None  # never assessed: no trend to show


@pytest.mark.parametrize(
    "query, expected",
    [
        ("level=elevated", ["apamea", "bosra"]),
        ("level=none", ["nimrud"]),
        ("country=IQ", ["hatra", "ashur", "nimrud"]),
        ("country=sy&level=critical", ["aleppo"]),
        ("level=&country=&type=&since=&until=", RANKED),  # an empty field means any
        ("q=ancient", ["aleppo"]),  # the search box: part of a name
        ("q=a&country=IQ", ["hatra", "ashur"]),
    ],
)
def test_the_filters_narrow_the_table_and_the_map_alike(client, ranked, query, expected):
    response, page = html_page(client, "/?" + query)
    table = RankedTable(response.get_data(as_text=True))
    sites_url = attrs_of(page, "map")["data-sites-url"]
    on_map = [f["id"] for f in client.get(sites_url).get_json()["features"]]

    assert [r["id"] for r in table.rows] == expected
    assert sorted(on_map) == sorted(expected)


def test_the_filter_form_keeps_the_chosen_values(client, ranked):
    _, page = html_page(client, "/?q=hat&level=high&country=iq&type=shelling&since=2026-01-02")

    filters = {"class": "filters", "method": "get", "action": "/", "role": "search"}
    assert ("form", filters) in page.tags
    selected = {a["value"] for tag, a in page.tags if tag == "option" and "selected" in a}
    assert selected == {"high", "IQ", "shelling"}
    inputs = {a["name"]: a.get("value") for tag, a in page.tags if tag == "input"}
    assert inputs["since"] == "2026-01-02" and inputs["until"] == ""
    assert inputs["q"] == "hat"


def test_a_bad_filter_is_a_400_page_that_names_it(client, ranked):
    response = client.get("/?level=purple")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "level" in response.get_data(as_text=True)


# --- what map.js reads ---------------------------------------------------------------------


def test_the_map_reads_recent_events_by_default_and_the_chosen_ones_otherwise(
    client, ranked, clock
):
    _, page = html_page(client, "/")
    default = attrs_of(page, "map")
    _, page = html_page(client, "/?type=airstrike&since=2026-01-01&until=2026-02-01")
    chosen = attrs_of(page, "map")

    since = (clock().date() - timedelta(days=90)).isoformat()
    assert query_of(default["data-events-url"]) == {"since": since, "limit": "1000"}
    assert query_of(chosen["data-events-url"]) == {
        "type": "airstrike",
        "since": "2026-01-01",
        "until": "2026-02-01",
        "limit": "1000",
    }
    for attrs in (default, chosen):
        assert client.get(attrs["data-events-url"]).status_code == 200
        basemap = client.get(attrs["data-basemap-url"])
        assert basemap.status_code == 200
        basemap.close()
        assert int(attrs["data-events-max"]) > 0 and int(attrs["data-precise-m"]) > 0
        assert attrs["data-site-page"] == "/sites/SITE_ID"


def test_the_map_data_attributes_carry_hostile_settings_as_text(database_url, clock):
    tiles = 'https://t.example.org/{z}/{x}/{y}.png?k="><script>alert(1)</script>'
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, "TILE_URL": tiles}
    )
    migrate(app.extensions["heritage"].engine)
    try:
        response = app.test_client().get("/?since=2026-01-01%22%3E%3Cscript%3E")
    finally:
        app.extensions["heritage"].engine.dispose()

    page = Page(response.get_data(as_text=True))
    assert attrs_of(page, "map")["data-tile-url"] == tiles
    assert query_of(attrs_of(page, "map")["data-events-url"])["since"] == "2026-01-01"
    assert page.inline_scripts == []
    assert "<script>alert(1)" not in response.get_data(as_text=True)


# --- the site page -------------------------------------------------------------------------


def test_the_site_page_carries_the_level_thresholds_for_the_chart(client, ranked):
    _, page = html_page(client, "/sites/hatra")
    chart = attrs_of(page, "risk-chart")

    assert json.loads(chart["data-thresholds"]) == dict(RISK_MODEL.levels)
    series = client.get(chart["data-risk-url"]).get_json()["assessments"]
    assert [(a["score"], a["level"]) for a in series] == [(2.5, "high")]


def test_the_site_map_reads_the_site_and_the_events_that_touch_it(client, alerted):
    _, page = html_page(client, "/sites/palmyra")
    site_map = attrs_of(page, "site-map")

    site = client.get(site_map["data-site-url"]).get_json()
    events = client.get(site_map["data-events-url"]).get_json()["features"]
    touching = client.get(site_map["data-exposures-url"]).get_json()["events"]
    assert site["id"] == "palmyra" and site["properties"]["risk"]["level"] == "critical"
    assert [e["id"] for e in events] == [e["event"] for e in touching] == ["partner-a:x1"]


def test_a_sensitive_site_map_asks_only_for_its_coarse_area(client, alerted):
    _, page = html_page(client, "/sites/hidden")
    site_map = attrs_of(page, "site-map")

    assert "data-events-url" not in site_map and "data-exposures-url" not in site_map
    site = client.get(site_map["data-site-url"]).get_json()
    assert site["properties"]["geometry_generalised"] is True


# --- the alert queue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, is_listed",
    [("", True), ("level=critical", True), ("level=low", False), ("status=resolved", False)],
)
def test_the_alert_queue_filters_by_status_and_level(client, alerted, query, is_listed):
    response, page = html_page(client, "/alerts?" + query)

    assert response.status_code == 200
    assert ("form", {"class": "filters", "method": "get", "action": "/alerts"}) in page.tags
    html = response.get_data(as_text=True)
    assert ('href="/sites/palmyra"' in html) is is_listed


def test_an_unknown_alert_filter_value_is_ignored(client, alerted):
    assert 'href="/sites/palmyra"' in client.get("/alerts?level=purple").get_data(as_text=True)


# --- the pages keep to the Content-Security-Policy -----------------------------------------


def test_no_page_needs_an_inline_script_style_or_event_handler(client, runner, tmp_path, alerted):
    import_sites(runner, tmp_path, [feature("xss", HOSTILE, box(38, 34, 38.01, 34.01))])
    paths = ["/", "/?level=critical", "/sites/palmyra", "/sites/hidden", "/sites/xss"]
    paths += ["/alerts", "/alerts?status=open", "/login"]
    for path in paths:
        response, page = html_page(client, path)
        assert response.status_code == 200, path
        assert page.inline_scripts == [], path
        assert not [t for t, _ in page.tags if t == "style"], path
        assert not [(t, n) for t, a in page.tags for n in a if n == "style" or n.startswith("on")]
        assert all(a["src"].startswith("/") for t, a in page.tags if t == "script"), path


# --- the front-end libraries ---------------------------------------------------------------


def test_the_vendor_route_serves_the_chart_library(client, ranked):
    if not CHART_JS.is_file():
        pytest.skip("Chart.js is not installed: run `make install` (npm ci)")

    response = client.get("/vendor/chart.js/chart.umd.js")
    _, page = html_page(client, "/sites/hatra")

    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert b"Chart.js v4" in response.get_data()[:200]
    response.close()
    scripts = [a["src"] for tag, a in page.tags if tag == "script"]
    assert "/vendor/chart.js/chart.umd.js" in scripts


def test_without_the_libraries_the_pages_say_how_to_install_them(client, ranked, monkeypatch):
    from heritage.web import dashboard

    for package in ("leaflet", "chart.js"):
        monkeypatch.setitem(dashboard._VENDOR, package, Path("/nonexistent") / package)

    for path in ("/", "/sites/hatra"):
        response, page = html_page(client, path)
        assert response.status_code == 200
        assert "make install" in response.get_data(as_text=True)
        assert not [a for t, a in page.tags if t == "script" and "/vendor/" in a["src"]]
