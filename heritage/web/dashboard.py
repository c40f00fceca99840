"""Dashboard pages (server-rendered; light JavaScript in static/)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

from heritage.store import sites as site_store
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("dashboard", __name__)

# Leaflet is installed from npm by `make` (package.json); it is never copied into the repo.
_VENDOR = {"leaflet": Path(__file__).resolve().parents[2] / "node_modules" / "leaflet" / "dist"}


@bp.get("/")
def index():
    """The registry on a map, and the list of sites."""
    stored, total = site_store.list_sites(
        get_session(), site_store.SiteQuery(), limit=10**6, offset=0
    )
    return render_template(
        "index.html",
        sites=[item.site for item in stored],
        total=total,
        tile_url=get_runtime().settings.tile_url,
        has_leaflet=(_VENDOR["leaflet"] / "leaflet.js").is_file(),
    )


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    folder = _VENDOR.get(package)
    if folder is None or not folder.is_dir():
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
