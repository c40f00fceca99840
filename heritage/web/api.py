"""JSON API under /api/v1: parse the request, call the store, serialise. GeoJSON where spatial."""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

from flask import Blueprint, jsonify, request, url_for

from heritage.domain import DesignationKind
from heritage.errors import InvalidInputError, Problem
from heritage.export import site_feature
from heritage.store import sites as site_store
from heritage.store.heartbeats import SCHEDULER, latest_heartbeat
from heritage.store.session import require_current_schema, schema_revisions
from heritage.web.db import get_runtime, get_session
from heritage.web.openapi import openapi_document

__all__ = ["bp"]

bp = Blueprint("api", __name__)

_ALPHA2 = re.compile(r"[A-Za-z]{2}")
_SITE_FILTERS = {"bbox", "country", "designation", "in_danger", "limit", "offset"}
GEOJSON = "application/geo+json"


@bp.get("/api/v1/sites")
def list_sites():
    """Sites as a GeoJSON FeatureCollection, filtered and paged."""
    settings = get_runtime().settings
    args = _known_args(_SITE_FILTERS)
    query = site_store.SiteQuery(
        bbox=_bbox(args.get("bbox")),
        country=_country(args.get("country")),
        designation=_choice(args, "designation", [k.value for k in DesignationKind]),
        in_danger=_boolean(args, "in_danger"),
    )
    limit = _integer(args, "limit", settings.page_limit_default, 1, settings.page_limit_max)
    offset = _integer(args, "offset", 0, 0, 10**9)
    stored, total = site_store.list_sites(
        get_session(),
        query,
        limit=limit,
        offset=offset,
        sensitive_grid_deg=settings.sensitive_grid_deg,
    )
    features = [_feature(item) for item in stored]
    body = {
        "type": "FeatureCollection",
        "numberMatched": total,
        "numberReturned": len(features),
        "timeStamp": get_runtime().clock().isoformat(),
        "links": _page_links(args, limit, offset, total),
        "features": features,
    }
    return _geojson(body)


@bp.get("/api/v1/sites/<site_id>")
def get_site(site_id: str):
    """One site as a GeoJSON Feature."""
    return _geojson(_feature(site_store.get_site(get_session(), site_id)))


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    """Liveness plus what an operator needs first: is the database ready, is the scheduler alive."""
    runtime = get_runtime()
    current, head = schema_revisions(runtime.engine)
    if current != head:
        require_current_schema(runtime.engine)  # raises the 503 that says to run init-db
    beat = latest_heartbeat(get_session(), SCHEDULER)
    now = runtime.clock()
    scheduler = {"status": "never_seen", "last_seen_at": None}
    if beat is not None:
        age_s = (now - beat.last_seen_at).total_seconds()
        stale = age_s > runtime.settings.scheduler_stale_s
        scheduler = {
            "status": "stale" if stale else "ok",
            "last_seen_at": beat.last_seen_at.isoformat(),
        }
    return jsonify(
        {"status": "ok", "database": {"status": "ok", "schema": current}, "scheduler": scheduler}
    )


def _feature(item: site_store.StoredSite) -> dict:
    grid = get_runtime().settings.sensitive_grid_deg
    links = [
        {
            "rel": "self",
            "type": GEOJSON,
            "href": url_for("api.get_site", site_id=item.site.id, _external=True),
        }
    ]
    return site_feature(
        item.site,
        generalise_deg=grid,
        extra={
            "version": item.version,
            "updated_at": item.updated_at.isoformat(),
            "links": links,
        },
    )


def _geojson(body: dict):
    response = jsonify(body)
    response.mimetype = GEOJSON
    return response


def _known_args(allowed: set[str]) -> dict[str, str]:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise InvalidInputError(
            [
                Problem(
                    "query",
                    "",
                    name,
                    request.args.get(name),
                    f"unknown parameter (allowed: {', '.join(sorted(allowed))})",
                )
                for name in unknown
            ]
        )
    return {k: v for k, v in request.args.items()}


def _bad(name: str, value: object, reason: str) -> InvalidInputError:
    return InvalidInputError([Problem("query", "", name, value, reason)])


def _bbox(raw: str | None):
    if raw is None:
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        raise _bad(
            "bbox", raw, "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat"
        ) from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise _bad("bbox", raw, "bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise _bad(
            "bbox",
            raw,
            "bbox out of range or min_lat > max_lat "
            "(min_lon > max_lon is allowed and crosses the antimeridian)",
        )
    return min_lon, min_lat, max_lon, max_lat


def _country(raw: str | None) -> str | None:
    if raw is None:
        return None
    if not _ALPHA2.fullmatch(raw):
        raise _bad("country", raw, "country must be an ISO 3166-1 alpha-2 code such as SY")
    return raw.upper()


def _choice(args: dict, name: str, allowed: list[str]) -> str | None:
    raw = args.get(name)
    if raw is not None and raw not in allowed:
        raise _bad(name, raw, f"must be one of {', '.join(allowed)}")
    return raw


def _boolean(args: dict, name: str) -> bool | None:
    raw = args.get(name)
    if raw is None:
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise _bad(name, raw, "must be true or false")


def _integer(args: dict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, raw, "must be a whole number") from None
    if not low <= value <= high:
        raise _bad(name, raw, f"must be between {low} and {high}")
    return value


def _page_links(args: dict, limit: int, offset: int, total: int) -> list[dict]:
    def href(new_offset: int) -> str:
        params = {**args, "limit": limit, "offset": new_offset}
        return url_for("api.list_sites", _external=True) + "?" + urlencode(params)

    links = [{"rel": "self", "type": GEOJSON, "href": href(offset)}]
    if offset + limit < total:
        links.append({"rel": "next", "type": GEOJSON, "href": href(offset + limit)})
    if offset > 0:
        links.append({"rel": "prev", "type": GEOJSON, "href": href(max(0, offset - limit))})
    return links
