"""Dashboard pages (server-rendered; light JavaScript in static/)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

from heritage.countries import BASEMAP
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("dashboard", __name__)

# Primary language subtags written right to left (Arabic, Persian, Pashto, Sorani, Hebrew, ...).
_RTL_LANGUAGES = {"ar", "fa", "ps", "ckb", "he", "ur", "yi", "syr", "dv"}
# Leaflet is installed from npm by `make` (package.json); it is never copied into the repo.
_VENDOR = {"leaflet": Path(__file__).resolve().parents[2] / "node_modules" / "leaflet" / "dist"}


@bp.get("/")
def index():
    """The registry on a map, and the list of sites."""
    stored, total = site_store.list_sites(
        get_session(), site_store.SiteQuery(), limit=10**6, offset=0
    )
    risks = risk_store.latest_assessments(get_session())
    return render_template(
        "index.html",
        sites=[item.site for item in stored],
        risks=risks,
        total=total,
        tile_url=get_runtime().settings.tile_url,
        page_limit=get_runtime().settings.page_limit_max,
        has_leaflet=(_VENDOR["leaflet"] / "leaflet.js").is_file(),
    )


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
