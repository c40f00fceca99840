"""OGC API - Features under /ogc: the sites and the events as layers for QGIS and other GIS.

Conformance classes: Part 1 ``core`` and ``geojson``. Not ``oas30`` (our API description is
OpenAPI 3.1), not ``html``, and not Part 2 ``crs``: every geometry is CRS84 longitude/latitude.
Paging is ``limit`` and ``offset`` with ``next``/``prev`` links; a ``limit`` above the maximum
is served as the maximum (17-069r4, requirement 22 C), and unknown parameters are a 400.
``datetime`` (an RFC 3339 instant or interval, ``..`` for an open end) selects events whose
days it touches; sites have no time, so for them it is checked and then ignored, as the
collection's missing temporal extent says. Sensitive sites are generalised as in the API.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Blueprint, Response, url_for

from heritage.errors import NotFoundError
from heritage.store import events as event_store
from heritage.store import sites as site_store
from heritage.web import params
from heritage.web.db import get_runtime, get_session
from heritage.web.exports_api import dumps, event_features, site_features
from heritage.web.params import GEOJSON

__all__ = ["CONFORMANCE", "bp"]

bp = Blueprint("ogc_api", __name__, url_prefix="/ogc")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_JSON = "application/json"
_OPENAPI = "application/vnd.oai.openapi+json;version=3.1"
_WORLD = [-180.0, -90.0, 180.0, 90.0]
_COLLECTIONS = {
    "sites": (
        "Heritage sites",
        "Core zones of the registry's heritage sites, with the latest risk level. Sensitive "
        "sites are generalised to a coarse grid. Sites have no time: datetime is ignored.",
    ),
    "events": (
        "Conflict events",
        "Conflict events as points with their location precision (precision_m), newest first; "
        "retracted events are left out. datetime selects the events whose days it touches.",
    ),
}


@bp.get("", strict_slashes=False)
def landing():
    """The landing page: where the API description, the conformance and the data are."""
    _plain_args()
    return _json(
        {
            "title": "Heritage Risk Monitor",
            "description": "Heritage sites and the conflict events near them (OGC API - Features).",
            "links": [
                _link("self", url_for(".landing", _external=True), _JSON, "This document"),
                _link(
                    "service-desc",
                    url_for("api.openapi", _external=True),
                    _OPENAPI,
                    "The API description",
                ),
                _link("conformance", url_for(".conformance", _external=True), _JSON),
                _link("data", url_for(".collections", _external=True), _JSON),
            ],
        }
    )


@bp.get("/conformance")
def conformance():
    _plain_args()
    return _json({"conformsTo": CONFORMANCE})


@bp.get("/collections")
def collections():
    _plain_args()
    return _json(
        {
            "links": [_link("self", url_for(".collections", _external=True), _JSON)],
            "collections": [_collection(name) for name in _COLLECTIONS],
        }
    )


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    _known(collection_id)
    _plain_args()
    return _json(_collection(collection_id))


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """One page of a collection's features as a GeoJSON FeatureCollection."""
    _known(collection_id)
    args = params.known_args({"bbox", "datetime", "limit", "offset", "f"})
    _check_format(args)
    bbox, interval = _bbox(args.get("bbox")), _interval(args.get("datetime"))
    settings = get_runtime().settings
    limit = params.integer(args, "limit", settings.page_limit_default, 1, 10**18)
    limit = min(limit, settings.page_limit_max)
    offset = params.integer(args, "offset", 0, 0, 10**9)
    features, total = _read(collection_id, bbox, interval, limit, offset)
    collection_link = _collection_link(collection_id)
    page = params.page_links(".items", args, limit, offset, total, collection_id=collection_id)
    body = {
        "type": "FeatureCollection",
        "numberMatched": total,
        "numberReturned": len(features),
        "timeStamp": get_runtime().clock().isoformat(),
        "links": [*page, collection_link],
        "features": features,
    }
    return _json(body, GEOJSON)


@bp.get("/collections/<collection_id>/items/<path:feature_id>")
def item(collection_id: str, feature_id: str):
    """One feature, with links to itself and its collection."""
    _known(collection_id)
    _plain_args()
    if collection_id == "sites":
        feature = site_features([site_store.get_site_key(get_session(), feature_id)])[0]
    else:
        feature = event_features([event_store.get_event(get_session(), feature_id)[0]])[0]
    href = url_for(".item", collection_id=collection_id, feature_id=feature_id, _external=True)
    feature["links"] = [_link("self", href, GEOJSON), _collection_link(collection_id)]
    return _json(feature, GEOJSON)


def _read(name: str, bbox, interval, limit: int, offset: int) -> tuple[list[dict], int]:
    session = get_session()
    if name == "sites":  # no time: the interval was checked and is ignored
        grid = get_runtime().settings.sensitive_grid_deg
        query = site_store.SiteQuery(bbox=bbox)
        keys, total = site_store.list_site_keys(
            session, query, limit=limit, offset=offset, sensitive_grid_deg=grid
        )
        return site_features(keys), total
    since, until = interval or (None, None)
    query = event_store.EventQuery(bbox=bbox, since=since, until=until)
    stored, total = event_store.list_events(session, query, limit=limit, offset=offset)
    return event_features(stored), total


def _collection(name: str) -> dict:
    title, description = _COLLECTIONS[name]
    extent: dict = {"spatial": {"bbox": [_WORLD], "crs": CRS84}}
    if name == "events":
        extent["temporal"] = {"interval": [_event_interval()]}
    return {
        "id": name,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            _link("self", url_for(".collection", collection_id=name, _external=True), _JSON),
            _link(
                "items",
                url_for(".items", collection_id=name, _external=True),
                GEOJSON,
                title,
            ),
        ],
    }


def _event_interval() -> list[str | None]:
    """First and last day of the stored events, from the newest and the oldest one.

    The store has no extent query; two one-row reads of the date-ordered list stand in.
    """
    session, query = get_session(), event_store.EventQuery()
    newest, total = event_store.list_events(session, query, limit=1, offset=0)
    if not newest:
        return [None, None]
    oldest, _ = event_store.list_events(session, query, limit=1, offset=total - 1)
    first, last = oldest[0].event.date_start, newest[0].event.date_end
    return [f"{first.isoformat()}T00:00:00Z", f"{last.isoformat()}T23:59:59Z"]


def _interval(raw: str | None) -> tuple[date | None, date | None] | None:
    """The UTC days of an RFC 3339 instant or interval (``..`` or empty for an open end)."""
    if raw is None:
        return None
    parts = raw.split("/")
    if len(parts) > 2 or (len(parts) == 1 and parts[0] in ("", "..")):
        raise params.bad("datetime", raw, "must be an instant, or an interval start/end")
    ends = [None if part in ("", "..") else _instant(part, raw) for part in parts]
    start, end = ends[0], ends[-1]
    if start is not None and end is not None and start > end:
        raise params.bad("datetime", raw, "the interval ends before it starts")
    return (start.date() if start else None, end.date() if end else None)


def _instant(text: str, raw: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        value = datetime.fromisoformat(text.upper())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise params.bad(
            "datetime",
            raw,
            "must be RFC 3339: a date (2017-03-05) or a date-time with a timezone "
            "(2017-03-05T10:00:00Z), or an interval of them such as 2017-03-01/..",
        )
    return value.astimezone(UTC)


def _bbox(raw: str | None):
    """Four numbers, or six with heights (which are dropped: the data has none)."""
    if raw is not None and raw.count(",") == 5:
        values = raw.split(",")
        raw = ",".join([values[0], values[1], values[3], values[4]])
    return params.bbox(raw)


def _known(collection_id: str) -> None:
    if collection_id not in _COLLECTIONS:
        raise NotFoundError("collection", collection_id)


def _plain_args() -> None:
    _check_format(params.known_args({"f"}))


def _check_format(args: dict) -> None:
    params.choice(args, "f", ["json"])


def _collection_link(name: str) -> dict:
    href = url_for(".collection", collection_id=name, _external=True)
    return _link("collection", href, _JSON, _COLLECTIONS[name][0])


def _link(rel: str, href: str, media_type: str, title: str | None = None) -> dict:
    link = {"rel": rel, "type": media_type, "href": href}
    return link | {"title": title} if title else link


def _json(body: dict, media_type: str = _JSON) -> Response:
    return Response(dumps(body), mimetype=media_type)
