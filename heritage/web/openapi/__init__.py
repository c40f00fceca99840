"""The OpenAPI 3.1 document of /api/v1 and /ogc: it describes exactly the routes that exist.

One module per concept holds its paths and its schemas; this one assembles the document and
describes the service itself (this document and the health check).
"""

from __future__ import annotations

from heritage.web.auth import WRITE_LIMIT
from heritage.web.openapi import alerts, events, exports, ogc, sites
from heritage.web.openapi.objects import ERROR, error_response

__all__ = ["openapi_document"]

_HEALTH = {
    "type": "object",
    "required": ["status", "database", "scheduler"],
    "properties": {
        "status": {"type": "string"},
        "database": {"type": "object"},
        "scheduler": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["ok", "stale", "never_seen"]},
                "last_seen_at": {"type": ["string", "null"]},
            },
        },
    },
}


_HEADER = {"schema": {"type": "string"}}
_CACHED = {
    "ETag": {**_HEADER, "required": True, "description": "Send it back in If-None-Match"},
    "Cache-Control": {
        **_HEADER,
        "required": True,
        "description": "public, max-age=60; private when logged in to the dashboard",
    },
}
_ANY_ORIGIN = {
    "Access-Control-Allow-Origin": {**_HEADER, "required": True, "description": "*: reads only"}
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an earlier answer: 304 if it has not changed",
    "schema": {"type": "string"},
}
_NO_DATABASE = {"getOpenAPI", "ogcLandingPage", "ogcConformance"}


def openapi_document() -> dict:
    paths = {
        **sites.paths(),
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
        **events.paths(),
        **alerts.paths(),
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness: database schema and scheduler heartbeat",
                "responses": {
                    "200": {
                        "description": "Serving",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                        },
                    },
                    "503": error_response("The database is missing or not migrated"),
                },
            }
        },
    }
    schemas = (
        sites.schemas()
        | {"Health": _HEALTH, "Error": ERROR}
        | events.schemas()
        | alerts.schemas()
        | exports.schemas()
        | ogc.schemas()
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Heritage Risk Monitor API",
            "version": "1.0.0",
            "description": "Heritage sites (GeoJSON, WGS84 lon/lat). Sensitive sites are published "
            "with a generalised geometry (geometry_generalised: true).",
        },
        "paths": _with_common_responses(paths | exports.paths(paths) | ogc.paths()),
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "flask --app app api-keys create NAME",
                }
            },
        },
    }


def _with_common_responses(paths: dict) -> dict:
    """What operations answer besides their own responses (heritage.web.security, .auth, .db).

    Reads under /api/v1/ and /ogc allow any origin; unless streamed, they carry an ETag and
    Cache-Control and answer 304 to a matching If-None-Match. Writes are rate limited. A key
    the server does not know is met with WWW-Authenticate, and a database that init-db has
    not yet migrated with 503.
    """
    for path, item in paths.items():
        for method, operation in item.items():
            responses = operation["responses"]
            if method == "get" and path.startswith(("/api/v1/", "/ogc")):
                ok = responses["200"]
                if path.startswith("/api/v1/exports/"):
                    ok["headers"] = ok.get("headers", {}) | _ANY_ORIGIN
                else:
                    ok["headers"] = ok.get("headers", {}) | _CACHED | _ANY_ORIGIN
                    operation["parameters"] = [*operation.get("parameters", []), _IF_NONE_MATCH]
                    responses["304"] = {"description": "Not modified since the If-None-Match"}
            if method == "post":
                responses["429"] = error_response(
                    f"Over the write limit ({WRITE_LIMIT} per address)"
                )
            if "401" in responses:
                responses["401"]["headers"] = {
                    "WWW-Authenticate": {**_HEADER, "required": True, "description": "Bearer"}
                }
            if operation["operationId"] not in _NO_DATABASE:
                responses.setdefault("503", error_response("The database is not initialised"))
            operation["responses"] = dict(sorted(responses.items()))
    return paths
