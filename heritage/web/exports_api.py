"""Exports under /api/v1/exports: sites, events and alerts as GeoJSON or CSV downloads.

The format is the route's extension (``sites.geojson``, ``sites.csv``), so a download keeps a
meaningful name and ``curl -O`` just works. Each export takes the filters of its list endpoint
(parsed by the same functions), is not paged, and is streamed: the store is read in chunks and
each chunk is serialised with orjson (coordinates as numpy arrays). Sensitive sites are
generalised exactly as in /api/v1/sites, and ``site=`` of a sensitive site is refused as in
/api/v1/events: event positions are never tied to one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson
from flask import Blueprint, Response, stream_with_context

from heritage import export
from heritage.gc_pause import paused_gc
from heritage.pipeline.alerts import links
from heritage.store import alerts as alert_store
from heritage.store import events as event_store
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.web import api, params
from heritage.web.alerts_api import ALERT_FILTERS, alert_query
from heritage.web.db import get_published_sites, get_runtime, get_session
from heritage.web.events_api import EVENT_FILTERS, event_query
from heritage.web.params import GEOJSON
from heritage.web.published_sites import with_properties

__all__ = ["CHUNK", "bp", "dumps", "event_features", "site_features"]

bp = Blueprint("exports_api", __name__)

CHUNK = 5000  # items per store call: well below the bound-parameter limits of SQLite and PostgreSQL
_MEDIA = {"geojson": GEOJSON, "csv": "text/csv"}


@bp.get("/api/v1/exports/sites.geojson")
def export_sites_geojson():
    return _export_sites("geojson")


@bp.get("/api/v1/exports/sites.csv")
def export_sites_csv():
    return _export_sites("csv")


@bp.get("/api/v1/exports/events.geojson")
def export_events_geojson():
    return _export_events("geojson")


@bp.get("/api/v1/exports/events.csv")
def export_events_csv():
    return _export_events("csv")


@bp.get("/api/v1/exports/alerts.geojson")
def export_alerts_geojson():
    return _export_alerts("geojson")


@bp.get("/api/v1/exports/alerts.csv")
def export_alerts_csv():
    return _export_alerts("csv")


def _export_sites(fmt: str) -> Response:
    """Every site the filters of /api/v1/sites select, by id."""
    query = api.site_query(params.known_args(api.SITE_FILTERS))
    grid = get_runtime().settings.sensitive_grid_deg
    lister = site_store.list_sites if fmt == "csv" else site_store.list_site_keys
    pages = _pages(
        lambda limit, offset: lister(
            get_session(), query, limit=limit, offset=offset, sensitive_grid_deg=grid
        )
    )
    if fmt == "csv":
        columns = (*export.CSV_COLUMNS, "version", "updated_at", *export.RISK_COLUMNS)
        return _download("sites", fmt, _csv(columns, pages, _site_rows))
    return _download("sites", fmt, _geojson(pages, site_features))


def _export_events(fmt: str) -> Response:
    """Every event the filters of /api/v1/events select, newest first."""
    query = event_query(params.known_args(EVENT_FILTERS))
    pages = _pages(
        lambda limit, offset: event_store.list_events(
            get_session(), query, limit=limit, offset=offset
        )
    )
    if fmt == "csv":
        return _download("events", fmt, _csv(export.EVENT_CSV_COLUMNS, pages, _event_rows))
    return _download("events", fmt, _geojson(pages, event_features))


def _export_alerts(fmt: str) -> Response:
    """Every alert the filters of /api/v1/alerts select, most recently changed first."""
    query = alert_query(params.known_args(ALERT_FILTERS))
    pages = _pages(
        lambda limit, offset: alert_store.list_alerts(
            get_session(), query, limit=limit, offset=offset
        )
    )
    if fmt == "csv":
        return _download("alerts", fmt, _csv(export.ALERT_CSV_COLUMNS, pages, _alert_rows))
    return _download("alerts", fmt, _geojson(pages, _alert_features))


def site_features(keys: list[site_store.SiteKey]) -> list[dict]:
    """Sites as the API's features (generalised when sensitive) with their latest level."""
    risks = risk_store.latest_assessments(get_session(), [key.id for key in keys], top=0)
    by_id = {key.id: key for key in keys}
    return [
        with_properties(feature, _site_extra(by_id[feature["id"]], risks.get(feature["id"])))
        for feature in get_published_sites().features(get_session(), keys)
    ]


def event_features(stored: list[event_store.StoredEvent]) -> list[dict]:
    return [
        export.event_feature(
            item.ref,
            item.event,
            version=item.version,
            retracted=item.retracted,
            changed_at=item.changed_at,
        )
        for item in stored
    ]


def dumps(body: object) -> bytes:
    """JSON bytes; numpy coordinate arrays are written as nested lists."""
    return orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)


def _pages(read: Callable[[int, int], tuple[list, int]]) -> tuple[int, Iterator[list]]:
    """(how many match, the matching items chunk by chunk).

    The first chunk is read now, so a bad filter or a missing database is a clean error
    before anything is sent.
    """
    with paused_gc():
        first, total = read(CHUNK, 0)

    def rest() -> Iterator[list]:
        yield first
        offset = CHUNK
        while offset < total:
            with paused_gc():
                items, _ = read(CHUNK, offset)
            if not items:
                return
            yield items
            offset += CHUNK

    return total, rest()


def _geojson(pages: tuple[int, Iterator[list]], encode: Callable[[list], list[dict]]):
    total, chunks = pages
    head = {
        "type": "FeatureCollection",
        "numberMatched": total,
        "timeStamp": get_runtime().clock().isoformat(),
        "features": [],
    }
    yield dumps(head)[: -len(b"]}")]  # ... "features":[
    separator = b""
    for items in chunks:
        with paused_gc():
            body = dumps(encode(items))[1:-1]
        if body:
            yield separator + body
            separator = b","
    yield b"]}"


def _csv(columns: tuple[str, ...], pages, rows: Callable[[list], Iterator[list]]):
    _, chunks = pages
    every_row = (row for items in chunks for row in rows(items))
    for text in export.csv_chunks(columns, every_row):
        yield text.encode("utf-8")


def _download(name: str, fmt: str, body: Iterator[bytes]) -> Response:
    day = get_runtime().clock().date().isoformat()
    response = Response(stream_with_context(body), mimetype=_MEDIA[fmt])
    if fmt == "csv":
        response.mimetype_params["charset"] = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="heritage-{name}-{day}.{fmt}"'
    return response


def _site_extra(key: site_store.SiteKey, risk: dict | None) -> dict:
    return {
        "version": key.version,
        "updated_at": key.updated_at.isoformat(),
        "level": risk["level"] if risk else "none",
        "score": risk["score"] if risk else None,
        "as_of": risk["as_of"] if risk else None,
    }


def _site_rows(stored: list[site_store.StoredSite]) -> Iterator[list]:
    grid = get_runtime().settings.sensitive_grid_deg
    risks = risk_store.latest_assessments(get_session(), [item.site.id for item in stored], top=0)
    keys = [site_store.SiteKey(item.site.id, item.version, item.updated_at) for item in stored]
    extras = [list(_site_extra(key, risks.get(key.id)).values()) for key in keys]
    return export.site_rows(
        [item.site for item in stored],
        generalise_deg=grid,
        decimals=export.EXPORT_DECIMALS,
        extras=extras,
    )


def _event_rows(stored: list[event_store.StoredEvent]) -> Iterator[list]:
    for item in stored:
        yield export.event_row(
            item.ref,
            item.event,
            version=item.version,
            retracted=item.retracted,
            changed_at=item.changed_at,
        )


def _alert_features(alerts: list) -> list[dict]:
    sites, urls = _alert_context(alerts)
    grid = get_runtime().settings.sensitive_grid_deg
    return export.alert_features(alerts, sites, urls, generalise_deg=grid)


def _alert_rows(alerts: list) -> Iterator[list]:
    sites, urls = _alert_context(alerts)
    for alert, url in zip(alerts, urls, strict=True):
        site = sites.get(alert.site_id)
        properties = export.alert_properties(alert, site_name=site.name if site else "", url=url)
        yield [properties[column] for column in export.ALERT_CSV_COLUMNS]


def _alert_context(alerts: list) -> tuple[dict, list[str]]:
    """The alerts' sites by id, and each alert's dashboard link."""
    stored = site_store.get_sites(get_session(), [a.site_id for a in alerts])
    settings = get_runtime().settings
    urls = [links(settings, site_id=a.site_id, alert_id=a.id)[1] for a in alerts]
    return {item.site.id: item.site for item in stored}, urls
