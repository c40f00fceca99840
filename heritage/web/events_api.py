"""Events, sources and the quarantine under /api/v1; trusted partners post events with a key."""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request, url_for

from heritage import pipeline
from heritage.domain import EventType
from heritage.errors import HeritageError, InvalidInputError
from heritage.export import event_feature
from heritage.store import api_keys, feeds
from heritage.store import events as event_store
from heritage.store import sites as site_store
from heritage.web import params
from heritage.web.api import geojson_response
from heritage.web.db import get_runtime, get_session
from heritage.web.params import GEOJSON
from heritage.web.risk_api import refuse_sensitive

__all__ = ["EVENT_FILTERS", "bp", "event_query"]

bp = Blueprint("events_api", __name__)

EVENT_FILTERS = {"bbox", "since", "until", "type", "source", "site", "include_retracted"}


class UnauthorizedError(HeritageError):
    code = "unauthorized"
    http_status = 401


@bp.get("/api/v1/events")
def list_events():
    """Events as a GeoJSON FeatureCollection, newest first, filtered and paged."""
    args = params.known_args(EVENT_FILTERS | {"limit", "offset"})
    query = event_query(args)
    limit, offset = params.page(args, get_runtime().settings)
    stored, total = event_store.list_events(get_session(), query, limit=limit, offset=offset)
    features = [_feature(item) for item in stored]
    return geojson_response(
        {
            "type": "FeatureCollection",
            "numberMatched": total,
            "numberReturned": len(features),
            "timeStamp": get_runtime().clock().isoformat(),
            "links": params.page_links("events_api.list_events", args, limit, offset, total),
            "features": features,
        }
    )


def event_query(args: dict) -> event_store.EventQuery:
    """The event filters of a request (shared by the list and the exports)."""
    return event_store.EventQuery(
        bbox=params.bbox(args.get("bbox")),
        since=params.day(args, "since"),
        until=params.day(args, "until"),
        event_type=params.choice(args, "type", [t.value for t in EventType]),
        source=args.get("source"),
        site_id=_site(args.get("site")),
        include_retracted=bool(params.boolean(args, "include_retracted")),
    )


@bp.get("/api/v1/events/<path:ref>")
def get_event(ref: str):
    """One event ('source:source_id') with every earlier version of it."""
    stored, history = event_store.get_event(get_session(), ref)
    feature = _feature(stored)
    feature["properties"]["history"] = [
        {
            "version": h.version,
            "revision": h.revision,
            "retracted": h.retracted,
            "valid_from": h.valid_from.isoformat(),
            "valid_until": h.valid_until.isoformat() if h.valid_until else None,
            "data": h.data,
        }
        for h in history
    ]
    return geojson_response(feature)


@bp.post("/api/v1/events")
def post_events():
    """One GeoJSON Feature or a FeatureCollection from a partner holding an API key."""
    partner = partner_name()
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidInputError(
            "the body must be GeoJSON (a Feature or a FeatureCollection)", source="request body"
        )
    result = pipeline.ingest_event_json(
        get_session(), data, source=partner, now=get_runtime().clock()
    )
    status = 201 if result.stored else 200
    return jsonify({"source": partner, **result.counts()}), status


@bp.get("/api/v1/sources")
def list_sources():
    """Each source with its last good ingest, last error and counts: silence or a broken feed?"""
    params.known_args(set())
    return jsonify(
        {
            "sources": [
                {
                    "location": s.location,
                    "format": s.format,
                    "ingests": s.ingests,
                    "last_attempt_at": _iso(s.last_attempt_at),
                    "last_success_at": _iso(s.last_success_at),
                    "last_error": s.last_error,
                    "last_error_at": _iso(s.last_error_at),
                    "last_counts": s.last_counts,
                    "quarantined": s.quarantined,
                }
                for s in feeds.list_sources(get_session())
            ]
        }
    )


@bp.get("/api/v1/quarantine")
def list_quarantine():
    """Rows that could not become events, newest first, with file, row, column and reason."""
    args = params.known_args({"source", "limit", "offset"})
    limit, offset = params.page(args, get_runtime().settings)
    rows, total = feeds.list_quarantine(
        get_session(), source=args.get("source"), limit=limit, offset=offset
    )
    return jsonify(
        {
            "numberMatched": total,
            "numberReturned": len(rows),
            "links": params.page_links("events_api.list_quarantine", args, limit, offset, total),
            "rows": [
                {
                    "id": r.id,
                    "source": r.source,
                    "file": r.file,
                    "row": r.row,
                    "column": r.column,
                    "reason": r.reason,
                    "raw": r.raw,
                    "created_at": r.created_at.isoformat(),
                }
                for r in rows
            ],
        }
    )


def _site(site_id: str | None) -> str | None:
    if site_id is not None:  # 404 for an unknown site, 403 for a sensitive one
        refuse_sensitive(site_store.get_site(get_session(), site_id).site)
    return site_id


def partner_name() -> str:
    """The partner named by the request's API key (401 without a valid one)."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if not hmac.compare_digest(scheme.lower(), "bearer") or not key.strip():
        raise UnauthorizedError(
            "send an API key as 'Authorization: Bearer KEY' (flask --app app api-keys create NAME)"
        )
    name = api_keys.find_api_key(get_session(), key.strip())
    if name is None:
        raise UnauthorizedError("unknown or revoked API key")
    return name


def _feature(item: event_store.StoredEvent) -> dict:
    feature = event_feature(
        item.ref,
        item.event,
        version=item.version,
        retracted=item.retracted,
        changed_at=item.changed_at,
        decimals=None,
    )
    href = url_for("events_api.get_event", ref=item.ref, _external=True)
    feature["properties"]["links"] = [{"rel": "self", "type": GEOJSON, "href": href}]
    return feature


def _iso(value) -> str | None:
    return value.isoformat() if value else None
