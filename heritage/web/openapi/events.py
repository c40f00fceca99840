"""The OpenAPI description of the events, the reports, the sources and the quarantine."""

from __future__ import annotations

from heritage.web.openapi.objects import (
    BBOX,
    DATE,
    EVENT_TYPES,
    LINK,
    PAGE,
    ROW_ID,
    error_response,
    geojson_response,
    json_response,
    param,
)

__all__ = ["paths", "schemas"]

_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def paths() -> dict:
    return {
        "/api/v1/events": {
            "get": {
                "operationId": "listEvents",
                "summary": "Events as GeoJSON points, newest first, paged",
                "parameters": [
                    param("bbox", "min_lon,min_lat,max_lon,max_lat (WGS84)", BBOX),
                    param("since", "Events ending on or after this ISO date", DATE),
                    param("until", "Events starting on or before this ISO date", DATE),
                    param("type", "Event type", {"type": "string", "enum": EVENT_TYPES}),
                    param(
                        "source",
                        "Source (acled, ucdp-ged, gdelt, a partner...)",
                        {"type": "string"},
                    ),
                    param("site", "Only events matched to this site", {"type": "string"}),
                    param(
                        "include_retracted",
                        "Include events their source withdrew",
                        {"type": "string", "enum": ["true", "false", "1", "0"]},
                    ),
                    *PAGE,
                ],
                "responses": {
                    "200": geojson_response("A page of events", "EventCollection"),
                    "400": error_response("A parameter is malformed or unknown"),
                    "403": error_response("Withheld: site= names a sensitive site"),
                    "404": error_response("site= names no site"),
                    "503": error_response("The database has not been initialised"),
                },
            },
            "post": {
                "operationId": "postEvents",
                "summary": "Events from a partner: a GeoJSON Feature or FeatureCollection",
                "security": [{"apiKey": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": json_response(
                        "No new events (updated or unchanged ones only)", "IngestCounts"
                    ),
                    "201": json_response("Events stored", "IngestCounts"),
                    "400": error_response("An event is invalid; nothing was stored"),
                    "401": error_response("No or an unknown API key"),
                },
            },
        },
        "/api/v1/events/{ref}": {
            "get": {
                "operationId": "getEvent",
                "summary": "One event, 'source:source_id', with its revision history",
                "parameters": [
                    {"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": geojson_response("The event", "Event"),
                    "404": error_response("No event with that id"),
                },
            }
        },
        **_report_paths(),
        "/api/v1/sources": {
            "get": {
                "operationId": "listSources",
                "summary": "Every source with its last good ingest, last error and counts",
                "responses": {"200": json_response("The sources", "Sources")},
            }
        },
        "/api/v1/quarantine": {
            "get": {
                "operationId": "listQuarantine",
                "summary": "Rejected rows with file, row, column and reason",
                "parameters": [
                    param("source", "A source's location as ingested", {"type": "string"}),
                    *PAGE,
                ],
                "responses": {
                    "200": json_response("A page of rejected rows", "Quarantine"),
                    "400": error_response("A parameter is malformed or unknown"),
                },
            }
        },
    }


def _report_paths() -> dict:
    report = {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1},
            "published": {"type": "string", "format": "date"},
            "url": {"type": "string", "format": "uri"},
            "source": {"type": "string"},
        },
    }
    return {
        "/api/v1/reports": {
            "post": {
                "operationId": "postReport",
                "summary": "A free-text report: geoparsed into located, typed events",
                "description": "JSON {text, published (YYYY-MM-DD), url, source}. The "
                "response is the extraction: a GeoJSON FeatureCollection of the events "
                "found (place, event_type, precision, precision_m, confidence, casualties, "
                "sites, evidence) with the other places under `mentions`. With "
                "dry_run=true nothing is stored. The same text twice is stored once.",
                "security": [{"apiKey": []}],
                "parameters": [
                    param(
                        "dry_run",
                        "true: show the extraction, store nothing",
                        {"type": "boolean", "default": False},
                    )
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": report}},
                },
                "responses": {
                    "200": json_response(
                        "The extraction (a dry run, or a report stored before)",
                        "ReportExtraction",
                    ),
                    "201": json_response("Report and its events stored", "ReportExtraction"),
                    "400": error_response("The body is invalid; nothing was stored"),
                    "401": error_response("No or an unknown API key"),
                },
            }
        },
        "/api/v1/reports/{report_id}": {
            "get": {
                "operationId": "getReport",
                "summary": "A stored report: its text, source and extraction",
                "parameters": [
                    {"name": "report_id", "in": "path", "required": True, "schema": ROW_ID}
                ],
                "responses": {
                    "200": json_response("The report", "Report"),
                    "404": error_response("No report with that id"),
                },
            }
        },
    }


def schemas() -> dict:
    return {
        "Event": _event(),
        "EventCollection": {
            "type": "object",
            "required": ["type", "numberMatched", "numberReturned", "links", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "timeStamp": {"type": "string", "format": "date-time"},
                "links": {"type": "array", "items": LINK},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            },
        },
        "ReportExtraction": _report_extraction(),
        "Report": {
            "type": "object",
            "required": ["id", "source", "text", "extraction"],
            "properties": {
                "id": {"type": "integer"},
                "source": {"type": "string"},
                "title": {"type": "string"},
                "url": {"type": "string"},
                "published": {"type": ["string", "null"], "format": "date"},
                "ingested_at": {"type": "string", "format": "date-time"},
                "text": {"type": "string"},
                "extraction": {"$ref": "#/components/schemas/ReportExtraction"},
            },
        },
        "IngestCounts": {
            "type": "object",
            "required": ["source", "rows", "stored", "rejected"],
            "properties": {
                k: {"type": "integer"}
                for k in (
                    "rows",
                    "stored",
                    "updated",
                    "unchanged",
                    "retracted",
                    "rejected",
                    "unknown_retractions",
                )
            }
            | {"source": {"type": "string"}},
        },
        "Sources": _sources(),
        "Quarantine": _quarantine(),
    }


def _event() -> dict:
    properties = {
        "id": {"type": "string"},
        "source": {"type": "string"},
        "source_id": {"type": "string"},
        "date_start": DATE,
        "date_end": DATE,
        "date_precision": {"type": "string", "enum": ["day", "week", "month", "year"]},
        "event_type": {"type": "string", "enum": EVENT_TYPES},
        "original_type": {"type": "string"},
        "original_subtype": {"type": "string"},
        "place": {"type": "string"},
        "country": {"type": "string"},
        "admin": {"type": "array", "items": {"type": "string"}},
        "actors": {"type": "array", "items": {"type": "string"}},
        "fatalities": {
            "type": "object",
            "properties": {"best": _NULLABLE_INT, "low": _NULLABLE_INT, "high": _NULLABLE_INT},
        },
        "description": {"type": "string"},
        "url": {"type": "string"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "precision_m": {"type": "number"},
        "location_precision": {"type": "string"},
        "revision": {"type": "string"},
        "version": {"type": "integer"},
        "retracted": {"type": "boolean"},
        "changed_at": {"type": "string", "format": "date-time"},
        "history": {"type": "array", "items": {"type": "object"}},
        "links": {"type": "array", "items": LINK},
    }
    required = [
        "id",
        "source",
        "source_id",
        "date_start",
        "date_end",
        "event_type",
        "precision_m",
        "confidence",
        "retracted",
        "version",
    ]
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": {
                "type": "object",
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}},
                },
            },
            "properties": {"type": "object", "required": required, "properties": properties},
        },
    }


def _report_extraction() -> dict:
    properties = {
        "place": {"type": "string"},
        "place_id": {"type": "string"},
        "place_name": {"type": "string"},
        "country": {"type": ["string", "null"]},
        "event_type": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "precision": {"enum": ["site", "town", "district", "province", "country"]},
        "precision_m": {"type": "number"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "casualties": {"type": "object"},
        "sites": {"type": "array", "items": {"type": "string"}},
        "evidence": {"type": "object"},
    }
    required = [
        "place",
        "event_type",
        "precision",
        "precision_m",
        "confidence",
        "casualties",
        "sites",
        "evidence",
    ]
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": {"type": "object"},
            "properties": {"type": "object", "required": required, "properties": properties},
        },
    }
    return {
        "type": "object",
        "required": ["type", "features", "mentions", "report"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": feature},
            "mentions": {"type": "array", "items": {"type": "object"}},
            "report": {"type": "object"},
            "report_id": {"type": "integer"},
            "duplicate": {"type": "boolean"},
        },
    }


def _sources() -> dict:
    source = {
        "type": "object",
        "required": ["location", "format"],
        "properties": {
            "location": {"type": "string"},
            "format": {"type": "string"},
            "ingests": {"type": "integer"},
            "last_attempt_at": _NULLABLE_TIME,
            "last_success_at": _NULLABLE_TIME,
            "last_error": {"type": ["string", "null"]},
            "last_error_at": _NULLABLE_TIME,
            "last_counts": {"type": ["object", "null"]},
            "quarantined": {"type": "integer"},
        },
    }
    return {
        "type": "object",
        "required": ["sources"],
        "properties": {"sources": {"type": "array", "items": source}},
    }


def _quarantine() -> dict:
    row = {
        "type": "object",
        "required": ["source", "file", "row", "column", "reason"],
        "properties": {
            "id": {"type": "integer"},
            "source": {"type": "string"},
            "file": {"type": "string"},
            "row": {"type": "integer"},
            "column": {"type": ["string", "null"]},
            "reason": {"type": "string"},
            "raw": {"type": "object"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    }
    return {
        "type": "object",
        "required": ["numberMatched", "numberReturned", "rows"],
        "properties": {
            "numberMatched": {"type": "integer"},
            "numberReturned": {"type": "integer"},
            "links": {"type": "array", "items": LINK},
            "rows": {"type": "array", "items": row},
        },
    }
