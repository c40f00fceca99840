"""The OpenAPI 3.1 document of /api/v1: it describes exactly the routes that exist."""

from __future__ import annotations

from heritage.web.openapi_schemas import (
    ALERT_STATUSES,
    DATE,
    DISPOSITIONS,
    EVENT_TYPES,
    LEVELS,
    alert_schemas,
    event_schemas,
    export_schemas,
    site_schemas,
)

__all__ = ["openapi_document"]


def _param(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _geojson_response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/geo+json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _json_response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_ALERT_ID = {"name": "alert_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_NOTE = {"type": "string", "maxLength": 4000, "description": "Why, in a sentence or two"}


def _body(required: list[str], properties: dict) -> dict:
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    return {
        "required": bool(required),
        "content": {"application/json": {"schema": schema | {"required": required}}},
    }


def _alert_action(operation: str, summary: str, body: dict) -> dict:
    return {
        "post": {
            "operationId": operation,
            "summary": summary,
            "security": [{"apiKey": []}],
            "parameters": [_ALERT_ID],
            "requestBody": body,
            "responses": {
                "200": _json_response(
                    "The alert after the change, with its history", "AlertDetail"
                ),
                "400": _error_response("The body is invalid; every bad field is named"),
                "401": _error_response("No or an unknown API key"),
                "404": _error_response("No alert with that id"),
                "409": _error_response("The alert's status does not allow this action"),
            },
        }
    }


def _alert_paths() -> dict:
    page = [
        _param("limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}),
        _param("offset", "Items to skip", {"type": "integer", "minimum": 0}),
    ]
    return {
        "/api/v1/alerts": {
            "get": {
                "operationId": "listAlerts",
                "summary": "Alerts, most recently changed first, paged",
                "description": "A sensitive site's alerts withhold their events and reasons.",
                "parameters": [
                    _param("status", "Status", {"type": "string", "enum": ALERT_STATUSES}),
                    _param("level", "Current level", {"type": "string", "enum": LEVELS}),
                    _param("site", "Only this site's alerts", {"type": "string"}),
                    _param(
                        "since",
                        "Changed at or after: an ISO date (00:00 UTC) or a date-time with "
                        "a timezone",
                        {"type": "string"},
                    ),
                    *page,
                ],
                "responses": {
                    "200": _json_response("A page of alerts", "AlertCollection"),
                    "400": _error_response("A parameter is malformed or unknown"),
                    "404": _error_response("No site with that id"),
                },
            }
        },
        "/api/v1/alerts/{alert_id}": {
            "get": {
                "operationId": "getAlert",
                "summary": "One alert with its history and who was told of each change",
                "description": "Delivery targets are shown in full only with an API key "
                "(optional here); otherwise they are masked.",
                "security": [{}, {"apiKey": []}],
                "parameters": [_ALERT_ID],
                "responses": {
                    "200": _json_response("The alert", "AlertDetail"),
                    "401": _error_response("An unknown API key"),
                    "404": _error_response("No alert with that id"),
                },
            }
        },
        "/api/v1/alerts/{alert_id}/acknowledge": _alert_action(
            "acknowledgeAlert",
            "Acknowledge with a disposition: what the alert is",
            _body(
                ["disposition"],
                {"disposition": {"type": "string", "enum": DISPOSITIONS}, "note": _NOTE},
            ),
        ),
        "/api/v1/alerts/{alert_id}/snooze": _alert_action(
            "snoozeAlert",
            "Quiet until something changes, or until a time",
            _body(
                [],
                {
                    "until": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": "With a timezone (Z or +hh:mm); null or absent: "
                        "until something changes",
                    },
                    "note": _NOTE,
                },
            ),
        ),
        "/api/v1/alerts/{alert_id}/resolve": _alert_action(
            "resolveAlert", "Resolve: closed by a person", _body([], {"note": _NOTE})
        ),
        "/api/v1/alerts/{alert_id}/reopen": _alert_action(
            "reopenAlert", "Reopen a resolved alert", _body([], {"note": _NOTE})
        ),
        "/api/v1/scheduler": {
            "get": {
                "operationId": "getScheduler",
                "summary": "Each job's last and next run, the lock, the heartbeat and the outbox",
                "responses": {"200": _json_response("The scheduler's state", "SchedulerStatus")},
            }
        },
    }


_EXPORTS = {
    "sites": ("Sites", "SiteExportCollection", "by id"),
    "events": ("Events", "EventExportCollection", "newest first"),
    "alerts": ("Alerts", "AlertExportCollection", "most recently changed first"),
}
_CSV_COLUMNS = {
    "sites": "the columns of `sites export` plus version, updated_at, level, score, as_of "
    "(WKT rounded to 6 decimals)",
    "events": "id, source, source_id, dates, type, place, country, actors, fatalities, lon, "
    "lat, precision_m, revision, version, retracted, changed_at",
    "alerts": "id, site_id, site_name, status, trigger, level, peak_level, score, as_of, "
    "opened_at, updated_at, resolved_at, snoozed_until, disposition, note, n_events, url",
}


def _export_paths(paths: dict) -> dict:
    """Each list's filters (not its paging) as a GeoJSON and a CSV download."""
    exports = {}
    for name, (title, schema, order) in _EXPORTS.items():
        filters = [
            p
            for p in paths[f"/api/v1/{name}"]["get"]["parameters"]
            if p["name"] not in ("limit", "offset")
        ]
        media = {
            "geojson": {
                "application/geo+json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
            },
            "csv": {"text/csv": {"schema": {"type": "string", "description": _CSV_COLUMNS[name]}}},
        }
        for fmt, content in media.items():
            exports[f"/api/v1/exports/{name}.{fmt}"] = {
                "get": {
                    "operationId": f"export{title}{fmt.title()}",
                    "summary": f"{title} with the filters of /api/v1/{name}, {order}, as one "
                    f"{'GeoJSON' if fmt == 'geojson' else 'CSV'} download (not paged)",
                    "description": "Streamed. CSV text cells starting with = + - @, a tab or a "
                    "carriage return get a leading ' so spreadsheets do not run them; numbers "
                    "stay numbers. Sensitive sites are generalised as in /api/v1/sites.",
                    "parameters": filters,
                    "responses": {
                        "200": {
                            "description": f"The {name}",
                            "headers": {"Content-Disposition": _ATTACHMENT},
                            "content": content,
                        },
                        "400": _error_response("A parameter is malformed, unknown or a paging one"),
                        "403": _error_response("Withheld: site= names a sensitive site (events)"),
                        "404": _error_response("site= names no site"),
                    },
                }
            }
    return exports


_ATTACHMENT = {
    "description": 'attachment; filename="heritage-<name>-<day>.<format>"',
    "schema": {"type": "string"},
}
_COLLECTION_ID = {
    "name": "collection_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["sites", "events"]},
}
_F = _param("f", "Format: only json (GeoJSON for features)", {"type": "string", "enum": ["json"]})


def _ogc_get(operation: str, summary: str, parameters: list, ok: dict, *errors: str) -> dict:
    responses = {"200": ok, "400": _error_response("A parameter is malformed or unknown")}
    if "404" in errors:
        responses["404"] = _error_response("No such collection or feature")
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "tags": ["OGC API - Features"],
            "parameters": [*parameters, _F],
            "responses": responses,
        }
    }


def _ogc_paths() -> dict:
    """OGC API - Features, Part 1 (core, geojson)."""
    feature_id = {
        "name": "feature_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    items = [
        _param(
            "bbox",
            "min_lon,min_lat,max_lon,max_lat (CRS84; six numbers with heights are accepted); "
            "min_lon > max_lon crosses the antimeridian",
            {"type": "string"},
        ),
        _param(
            "datetime",
            "RFC 3339 instant or interval, '..' for an open end (2017-03-01T00:00:00Z/..): "
            "events whose days it touches; ignored for sites, which have no time",
            {"type": "string"},
        ),
        _param(
            "limit",
            "Page size; a larger value is served as the maximum",
            {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
        ),
        _param(
            "offset", "Items to skip (the next link carries it)", {"type": "integer", "minimum": 0}
        ),
    ]
    return {
        "/ogc": _ogc_get(
            "ogcLandingPage", "Landing page", [], _json_response("Links", "OgcLandingPage")
        ),
        "/ogc/conformance": _ogc_get(
            "ogcConformance",
            "Conformance classes: core and geojson",
            [],
            _json_response("The classes", "OgcConformance"),
        ),
        "/ogc/collections": _ogc_get(
            "ogcCollections",
            "The collections: sites and events",
            [],
            _json_response("The collections", "OgcCollections"),
        ),
        "/ogc/collections/{collection_id}": _ogc_get(
            "ogcCollection",
            "One collection with its extent",
            [_COLLECTION_ID],
            _json_response("The collection", "OgcCollection"),
            "404",
        ),
        "/ogc/collections/{collection_id}/items": _ogc_get(
            "ogcItems",
            "A page of features with numberMatched, numberReturned and next/prev links",
            [_COLLECTION_ID, *items],
            _geojson_response("A page of features", "OgcFeatureCollection"),
            "404",
        ),
        "/ogc/collections/{collection_id}/items/{feature_id}": _ogc_get(
            "ogcItem",
            "One feature (a site id, or an event's source:source_id)",
            [_COLLECTION_ID, feature_id],
            _geojson_response("The feature", "OgcFeature"),
            "404",
        ),
    }


def openapi_document() -> dict:
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Heritage Risk Monitor API",
            "version": "1.0.0",
            "description": "Heritage sites (GeoJSON, WGS84 lon/lat). Sensitive sites are published "
            "with a generalised geometry (geometry_generalised: true).",
        },
        "paths": {
            "/api/v1/sites": {
                "get": {
                    "operationId": "listSites",
                    "summary": "Sites as a GeoJSON FeatureCollection, ordered by id and paged",
                    "parameters": [
                        _param(
                            "bbox",
                            "min_lon,min_lat,max_lon,max_lat (WGS84); min_lon > max_lon "
                            "crosses the antimeridian",
                            {"type": "string"},
                        ),
                        _param(
                            "country",
                            "ISO 3166-1 alpha-2 code",
                            {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                        ),
                        _param(
                            "designation",
                            "Kind of designation",
                            {"type": "string", "enum": ["world_heritage", "tentative", "national"]},
                        ),
                        _param(
                            "in_danger",
                            "Only sites on (true) or off (false) the In-Danger list",
                            {"type": "string", "enum": ["true", "false", "1", "0"]},
                        ),
                        _param(
                            "level",
                            "Level of the latest assessment",
                            {
                                "type": "string",
                                "enum": ["none", "low", "elevated", "high", "critical"],
                            },
                        ),
                        _param(
                            "limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}
                        ),
                        _param("offset", "Items to skip", {"type": "integer", "minimum": 0}),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of sites",
                            "content": {
                                "application/geo+json": {
                                    "schema": {"$ref": "#/components/schemas/SiteCollection"}
                                }
                            },
                        },
                        "400": _error_response("A parameter is malformed or unknown"),
                        "503": _error_response("The database has not been initialised"),
                    },
                }
            },
            "/api/v1/sites/{site_id}": {
                "get": {
                    "operationId": "getSite",
                    "summary": "One site as a GeoJSON Feature",
                    "parameters": [
                        {
                            "name": "site_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The site",
                            "content": {
                                "application/geo+json": {
                                    "schema": {"$ref": "#/components/schemas/Site"}
                                }
                            },
                        },
                        "404": _error_response("No site with that id"),
                        "503": _error_response("The database has not been initialised"),
                    },
                }
            },
            "/api/v1/sites/{site_id}/risk": {
                "get": {
                    "operationId": "getSiteRisk",
                    "summary": "The site's assessments by day with their reasons",
                    "parameters": [
                        {
                            "name": "site_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _param("from", "First day (ISO date)", DATE),
                        _param("to", "Last day (ISO date)", DATE),
                    ],
                    "responses": {
                        "200": {
                            "description": "The time series",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["site_id", "assessments"],
                                    }
                                }
                            },
                        },
                        "400": _error_response("A parameter is malformed or unknown"),
                        "404": _error_response("No site with that id"),
                    },
                }
            },
            "/api/v1/sites/{site_id}/events": {
                "get": {
                    "operationId": "getSiteEvents",
                    "summary": "Events that touch the site, with distance, zone and their terms",
                    "parameters": [
                        {
                            "name": "site_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _param(
                            "limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}
                        ),
                        _param("offset", "Items to skip", {"type": "integer", "minimum": 0}),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of events",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["site_id", "events"]}
                                }
                            },
                        },
                        "400": _error_response("A parameter is malformed or unknown"),
                        "403": _error_response("Withheld: the site is sensitive"),
                        "404": _error_response("No site with that id"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/api/v1/events": {
                "get": {
                    "operationId": "listEvents",
                    "summary": "Events as GeoJSON points, newest first, paged",
                    "parameters": [
                        _param(
                            "bbox", "min_lon,min_lat,max_lon,max_lat (WGS84)", {"type": "string"}
                        ),
                        _param("since", "Events ending on or after this ISO date", DATE),
                        _param("until", "Events starting on or before this ISO date", DATE),
                        _param("type", "Event type", {"type": "string", "enum": EVENT_TYPES}),
                        _param(
                            "source",
                            "Source (acled, ucdp-ged, gdelt, a partner...)",
                            {"type": "string"},
                        ),
                        _param("site", "Only events matched to this site", {"type": "string"}),
                        _param(
                            "include_retracted",
                            "Include events their source withdrew",
                            {"type": "string", "enum": ["true", "false", "1", "0"]},
                        ),
                        _param(
                            "limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}
                        ),
                        _param("offset", "Items to skip", {"type": "integer", "minimum": 0}),
                    ],
                    "responses": {
                        "200": _geojson_response("A page of events", "EventCollection"),
                        "400": _error_response("A parameter is malformed or unknown"),
                        "503": _error_response("The database has not been initialised"),
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
                        "200": _json_response(
                            "No new events (updated or unchanged ones only)", "IngestCounts"
                        ),
                        "201": _json_response("Events stored", "IngestCounts"),
                        "400": _error_response("An event is invalid; nothing was stored"),
                        "401": _error_response("No or an unknown API key"),
                    },
                },
            },
            "/api/v1/events/{ref}": {
                "get": {
                    "operationId": "getEvent",
                    "summary": "One event, 'source:source_id', with its revision history",
                    "parameters": [
                        {
                            "name": "ref",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _geojson_response("The event", "Event"),
                        "404": _error_response("No event with that id"),
                    },
                }
            },
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
                        _param(
                            "dry_run",
                            "true: show the extraction, store nothing",
                            {"type": "boolean", "default": False},
                        )
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {
                                        "text": {"type": "string", "minLength": 1},
                                        "published": {"type": "string", "format": "date"},
                                        "url": {"type": "string", "format": "uri"},
                                        "source": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json_response(
                            "The extraction (a dry run, or a report stored before)",
                            "ReportExtraction",
                        ),
                        "201": _json_response("Report and its events stored", "ReportExtraction"),
                        "400": _error_response("The body is invalid; nothing was stored"),
                        "401": _error_response("No or an unknown API key"),
                    },
                }
            },
            "/api/v1/reports/{report_id}": {
                "get": {
                    "operationId": "getReport",
                    "summary": "A stored report: its text, source and extraction",
                    "parameters": [
                        {
                            "name": "report_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json_response("The report", "Report"),
                        "404": _error_response("No report with that id"),
                    },
                }
            },
            "/api/v1/sources": {
                "get": {
                    "operationId": "listSources",
                    "summary": "Every source with its last good ingest, last error and counts",
                    "responses": {"200": _json_response("The sources", "Sources")},
                }
            },
            "/api/v1/quarantine": {
                "get": {
                    "operationId": "listQuarantine",
                    "summary": "Rejected rows with file, row, column and reason",
                    "parameters": [
                        _param("source", "A source's location as ingested", {"type": "string"}),
                        _param(
                            "limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}
                        ),
                        _param("offset", "Items to skip", {"type": "integer", "minimum": 0}),
                    ],
                    "responses": {
                        "200": _json_response("A page of rejected rows", "Quarantine"),
                        "400": _error_response("A parameter is malformed or unknown"),
                    },
                }
            },
            **_alert_paths(),
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness: database schema and scheduler heartbeat",
                    "responses": {
                        "200": {
                            "description": "Serving",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Health"}
                                }
                            },
                        },
                        "503": _error_response("The database is missing or not migrated"),
                    },
                }
            },
        },
        "components": {
            "schemas": site_schemas() | event_schemas() | alert_schemas() | export_schemas(),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "flask --app app api-keys create NAME",
                }
            },
        },
    }
    doc["paths"] |= _export_paths(doc["paths"]) | _ogc_paths()
    return doc
