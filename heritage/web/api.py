"""JSON API under /api/v1: parse the request, call the store, serialise. GeoJSON where spatial."""

from __future__ import annotations

import orjson
from flask import Blueprint, current_app, jsonify, url_for

from heritage.domain import DesignationKind
from heritage.risk import LEVELS
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.store.heartbeats import SCHEDULER, latest_heartbeat
from heritage.store.session import require_current_schema, schema_revisions
from heritage.web import params
from heritage.web.db import get_published_sites, get_runtime, get_session
from heritage.web.openapi import openapi_document
from heritage.web.params import GEOJSON
from heritage.web.published_sites import BASE_PLACEHOLDER, with_properties

__all__ = ["SITE_FILTERS", "bp", "site_query", "warm_published_sites"]

bp = Blueprint("api", __name__)

SITE_FILTERS = {"bbox", "country", "designation", "in_danger", "level", "q"}
TOP_EVENTS = 5  # the contributions a site's risk summary lists


def site_query(args: dict) -> site_store.SiteQuery:
    """The site filters of a request (shared by the list and the exports)."""
    return site_store.SiteQuery(
        bbox=params.bbox(args.get("bbox")),
        country=params.country(args.get("country")),
        designation=params.choice(args, "designation", [k.value for k in DesignationKind]),
        in_danger=params.boolean(args, "in_danger"),
        level=params.choice(args, "level", list(LEVELS)),
        name=params.search_text(args, "q"),
    )


@bp.get("/api/v1/sites")
def list_sites():
    """Sites as a GeoJSON FeatureCollection, filtered and paged."""
    settings = get_runtime().settings
    args = params.known_args(SITE_FILTERS | {"limit", "offset"})
    query = site_query(args)
    limit, offset = params.page(args, settings)
    keys, total = site_store.list_site_keys(
        get_session(),
        query,
        limit=limit,
        offset=offset,
        sensitive_grid_deg=settings.sensitive_grid_deg,
    )
    features = _written_features(keys)
    body = {
        "type": "FeatureCollection",
        "numberMatched": total,
        "numberReturned": len(features),
        "timeStamp": get_runtime().clock().isoformat(),
        "links": params.page_links("api.list_sites", args, limit, offset, total),
        "features": features,
    }
    return geojson_response(body)


@bp.get("/api/v1/sites/<site_id>")
def get_site(site_id: str):
    """One site as a GeoJSON Feature, with its current risk."""
    key = site_store.get_site_key(get_session(), site_id)
    return geojson_response(_written_features([key])[0])


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
    return jsonify(
        {
            "status": "ok",
            "database": {"status": "ok", "schema": current},
            "scheduler": scheduler_health(),
        }
    )


def scheduler_health() -> dict:
    """Is the scheduler alive: ``ok``, ``stale`` (no heartbeat for a while) or ``never_seen``."""
    runtime = get_runtime()
    beat = latest_heartbeat(get_session(), SCHEDULER)
    if beat is None:
        return {"status": "never_seen", "last_seen_at": None}
    age_s = (runtime.clock() - beat.last_seen_at).total_seconds()
    is_stale = age_s > runtime.settings.scheduler_stale_s
    return {"status": "stale" if is_stale else "ok", "last_seen_at": beat.last_seen_at.isoformat()}


def _written_features(keys: list[site_store.SiteKey]) -> list[orjson.Fragment]:
    """The sites' published features with their risk and links, written as JSON; kept by the
    process until the site or its risk changes (``published_sites``)."""
    base = url_for("api.list_sites", _external=True)
    return get_published_sites().written(keys, base, _build_written)


def _build_written(keys: list[site_store.SiteKey]) -> list[dict]:
    ids = [key.id for key in keys]
    risks = risk_store.latest_assessments(get_session(), ids, top=TOP_EVENTS)
    return _features(keys, risks, BASE_PLACEHOLDER)


def warm_published_sites() -> int:
    """Build the published sites and the API's written features ahead (in an app context):
    what a new server worker does in the background."""
    return get_published_sites().warm(get_session(), build=_build_written)


def _features(keys: list[site_store.SiteKey], risks: dict[str, dict], base: str) -> list[dict]:
    """The sites' published features (cached by version) with their risk and links."""
    by_id = {key.id: key for key in keys}
    return [
        with_properties(feature, _extra(by_id[feature["id"]], feature, risks, base))
        for feature in get_published_sites().features(get_session(), keys)
    ]


def _extra(key: site_store.SiteKey, feature: dict, risks: dict[str, dict], base: str) -> dict:
    sensitive = feature["properties"]["sensitive"]
    return {
        "version": key.version,
        "updated_at": key.updated_at.isoformat(),
        "risk": risk_summary(risks.get(key.id), is_public_generalised=sensitive),
        "links": [{"rel": "self", "type": GEOJSON, "href": f"{base}/{key.id}"}],
    }


def risk_summary(risk: dict | None, *, is_public_generalised: bool) -> dict | None:
    """The current risk of a site: score, level, day, trend and the top contributing events.

    For a sensitive site only the level, score and trend are published: with the events' own
    positions public, their distances, zones or proximity terms would give the site away.
    """
    if risk is None:
        return None
    summary = {
        k: risk[k] for k in ("score", "level", "as_of", "trend", "previous_score", "n_events")
    }
    if is_public_generalised:
        return summary | {"top_events": [], "reasons": [WITHHELD_REASON]}
    return summary | {
        "top_events": risk["contributions"][:TOP_EVENTS],
        "reasons": risk["reasons"],
    }


WITHHELD_REASON = (
    "The events behind this level are withheld: this is a sensitive site, and their distances "
    "would reveal where it is."
)


def geojson_response(body: dict):
    """GeoJSON through orjson: it writes the numpy coordinate arrays of ``site_features``
    directly, ten times faster than the json module for a page of sites."""
    data = orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
    return current_app.response_class(data, mimetype=GEOJSON)
