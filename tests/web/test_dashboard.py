"""The dashboard pages: the list of sites, HTML escaping, right-to-left names, error pages."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from geometries import PALMYRA_SQUARE
from shapely.geometry import Point, mapping

from heritage.web import create_app

REPO = Path(__file__).resolve().parents[2]


def feature(site_id: str, name: str, geometry, **properties) -> dict:
    return {
        "type": "Feature",
        "id": site_id,
        "geometry": mapping(geometry),
        "properties": {"id": site_id, "name": name, **properties},
    }


def import_sites(runner, tmp_path: Path, features: list[dict]) -> None:
    path = tmp_path / "dashboard-sites.geojson"
    with path.open("w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)
    result = runner.invoke(args=["sites", "import", str(path)])
    assert result.exit_code == 0, result.output


def shipped_registry() -> dict[str, str]:
    """id -> name of every site in sites/."""
    return {
        f["id"]: f["properties"]["name"]
        for path in sorted((REPO / "sites").glob("*.geojson"))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }


class Page(HTMLParser):
    """What a browser would make of the page: site rows, right-to-left spans, scripts, styles."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.rows: dict[str, str] = {}  # data-site-id -> text of the site link
        self.rtl: list[dict] = []  # {"lang", "text"} of each dir="rtl" element
        self.inline_scripts: list[str] = []
        self._row: str | None = None
        self._in_link = False
        self._in_rtl: dict | None = None
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "tr" and "data-site-id" in a:
            self._row = a["data-site-id"]
            self.rows[self._row] = ""
        elif tag == "a" and self._row is not None and self.rows[self._row] == "":
            self._in_link = True
        elif a.get("dir") == "rtl":
            self._in_rtl = {"lang": a.get("lang"), "text": ""}
            self.rtl.append(self._in_rtl)
        elif tag == "script" and not a.get("src"):
            self._in_script = True
            self.inline_scripts.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_link = False
        elif tag == "tr":
            self._row = None
        elif tag == "span":
            self._in_rtl = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_link:
            self.rows[self._row] += data
        if self._in_rtl is not None:
            self._in_rtl["text"] += data
        if self._in_script:
            self.inline_scripts[-1] += data


def get_page(client, path: str = "/"):
    response = client.get(path)
    return response, Page(response.get_data(as_text=True))


# --- the site list -------------------------------------------------------------------------


def test_the_dashboard_of_an_empty_registry_says_it_has_no_sites(client):
    response, page = get_page(client)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert page.rows == {}
    assert "0 site(s)" in response.get_data(as_text=True)


def test_the_dashboard_lists_every_registered_site_by_name(client, runner):
    result = runner.invoke(args=["sites", "import", str(REPO / "sites")])
    assert result.exit_code == 0, result.output
    expected = shipped_registry()

    response, page = get_page(client)

    assert response.status_code == 200
    assert page.rows == expected
    assert f"{len(expected)} site(s)" in response.get_data(as_text=True)


def test_a_site_name_with_markup_is_shown_as_text_never_as_a_tag(client, runner, tmp_path):
    name = "<script>alert(1)</script>"
    import_sites(
        runner,
        tmp_path,
        [feature("xss", name, PALMYRA_SQUARE, names=[{"name": name, "lang": "en"}])],
    )

    response, page = get_page(client)

    html = response.get_data(as_text=True)
    assert page.rows == {"xss": name}
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert page.inline_scripts == []


def test_arabic_names_are_shown_right_to_left_and_transliterations_are_not(
    client, runner, tmp_path
):
    import_sites(
        runner,
        tmp_path,
        [
            feature(
                "palmyra",
                "Site of Palmyra",
                PALMYRA_SQUARE,
                names=[
                    {"name": "Palmyra", "lang": "en"},
                    {"name": "تدمر", "lang": "ar"},
                    {"name": "Tadmur", "lang": "ar-Latn"},
                ],
            ),
            feature("bosra", "Ancient City of Bosra", Point(36.4833, 32.5167), area_ha=116.2),
        ],
    )

    response, page = get_page(client)

    assert page.rows == {"palmyra": "Site of Palmyra", "bosra": "Ancient City of Bosra"}
    assert page.rtl == [{"lang": "ar", "text": "تدمر"}]
    assert "تدمر" in response.get_data(as_text=True)  # as text, not as character references


def test_a_transliteration_tagged_in_lower_case_is_not_shown_right_to_left(
    client, runner, tmp_path
):
    import_sites(
        runner,
        tmp_path,
        [
            feature(
                "palmyra",
                "Site of Palmyra",
                PALMYRA_SQUARE,
                names=[{"name": "تدمر", "lang": "ar"}, {"name": "Tadmur", "lang": "ar-latn"}],
            )
        ],
    )

    _, page = get_page(client)

    assert [span["text"] for span in page.rtl] == ["تدمر"]


# --- the map -------------------------------------------------------------------------------


def _map_data(client, page: Page) -> dict:
    """What map.js loads: the map's data URL, following 'next' links as map.js does."""
    url = next(a["data-sites-url"] for tag, a in page.tags if a.get("id") == "map")
    features, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        features += body["features"]
        pages += 1
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    return {"features": features, "numberReturned": len(features), "pages": pages}


def test_the_map_data_url_serves_every_site_the_table_lists(client, runner):
    result = runner.invoke(args=["sites", "import", str(REPO / "sites")])
    assert result.exit_code == 0, result.output

    _, page = get_page(client)
    collection = _map_data(client, page)

    assert {f["id"] for f in collection["features"]} == set(page.rows)


def test_the_map_data_url_serves_every_site_after_the_world_heritage_list_import(
    client, runner, shared_data
):
    for args in (
        ["sites", "import", str(REPO / "sites")],
        ["sites", "import-whc", str(shared_data / "heritage" / "whc-sites-2023.csv")],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output

    _, page = get_page(client)
    collection = _map_data(client, page)

    assert len(page.rows) == 1200
    assert collection["numberReturned"] == len(page.rows)


# --- error pages ---------------------------------------------------------------------------


def test_an_unknown_page_is_an_html_404_page_not_json(client):
    response, page = get_page(client, "/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "404" in html
    assert ("h1", {}) in page.tags
    with pytest.raises(json.JSONDecodeError):
        json.loads(html)


def test_an_unknown_vendored_library_is_an_html_404_page(client):
    response = client.get("/vendor/jquery/jquery.js")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_dashboard_on_a_database_never_initialised_is_a_503_page_saying_to_run_init_db(
    database_url, clock
):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock})
    try:
        response = app.test_client().get("/")
    finally:
        app.extensions["heritage"].engine.dispose()

    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "flask --app app init-db" in response.get_data(as_text=True)


# --- security headers ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/monitor.css", "/static/map.js"])
def test_pages_carry_a_strict_content_security_policy_and_nosniff(client, path):
    response = client.get(path)

    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_the_dashboard_needs_no_inline_script_or_style_that_the_policy_would_block(client, runner):
    result = runner.invoke(args=["sites", "import", str(REPO / "sites")])
    assert result.exit_code == 0, result.output

    _, page = get_page(client)

    assert page.inline_scripts == []
    assert not [tag for tag, _ in page.tags if tag == "style"]
    assert not [
        (tag, name)
        for tag, a in page.tags
        for name in a
        if name == "style" or name.startswith("on")
    ]
    scripts = [a["src"] for tag, a in page.tags if tag == "script"]
    assert scripts and all(src.startswith("/") for src in scripts)  # same origin


def test_the_site_table_shows_each_sites_current_risk(client, app, runner):
    from datetime import date

    from heritage import pipeline
    from heritage.config import RISK_MODEL

    runner.invoke(args=["sites", "import", str(REPO / "sites")])
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        pipeline.match_and_assess(
            session, RISK_MODEL, now=runtime.clock(), as_of=date(2017, 1, 1), reassess_all=True
        )
    html = client.get("/").get_data(as_text=True)
    assert "none (0.00, new, 2017-01-01)" in html and 'class="level level-none"' in html
