"""The OpenAPI 3.1 document of /api/v1: it describes exactly the routes that exist."""

from __future__ import annotations

__all__ = ["openapi_document"]

_GEOMETRY = {
    "oneOf": [
        {"type": "null"},
        {"$ref": "#/components/schemas/MultiPolygon"},
        {"$ref": "#/components/schemas/Polygon"},
    ]
}
_LINK = {
    "type": "object",
    "required": ["rel", "href"],
    "properties": {
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "href": {"type": "string"},
    },
}


def _param(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict:
    return {
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
        "components": {"schemas": _schemas()},
    }


def _schemas() -> dict:
    position = {"type": "array", "items": {"type": "number"}, "minItems": 2}
    ring = {"type": "array", "items": position, "minItems": 4}
    return {
        "Polygon": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "Polygon"},
                "coordinates": {"type": "array", "items": ring},
            },
        },
        "MultiPolygon": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "MultiPolygon"},
                "coordinates": {"type": "array", "items": {"type": "array", "items": ring}},
            },
        },
        "Site": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "string"},
                "geometry": _GEOMETRY,
                "properties": {
                    "type": "object",
                    "required": [
                        "id",
                        "name",
                        "names",
                        "countries",
                        "designation",
                        "vulnerability",
                        "sensitive",
                        "geometry_precision",
                        "geometry_generalised",
                        "sources",
                        "buffer_zone",
                    ],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "names": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "lang"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "lang": {"type": "string"},
                                },
                            },
                        },
                        "countries": {"type": "array", "items": {"type": "string"}},
                        "designation": {
                            "type": "object",
                            "properties": {
                                "kind": {
                                    "type": "string",
                                    "enum": ["world_heritage", "tentative", "national"],
                                },
                                "unesco_id": {"type": ["integer", "null"]},
                                "inscribed_year": {"type": ["integer", "null"]},
                                "in_danger": {"type": "boolean"},
                                "in_danger_since": {"type": ["integer", "null"]},
                            },
                        },
                        "vulnerability": {"type": "number"},
                        "sensitive": {"type": "boolean"},
                        "geometry_precision": {
                            "type": "string",
                            "enum": [
                                "surveyed",
                                "digitised",
                                "approximate-area-circle",
                                "approximate-radius-circle",
                                "unlocated",
                            ],
                        },
                        "geometry_generalised": {"type": "boolean"},
                        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
                        "buffer_zone": _GEOMETRY,
                        "version": {"type": "integer"},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "links": {"type": "array", "items": _LINK},
                    },
                },
            },
        },
        "SiteCollection": {
            "type": "object",
            "required": ["type", "numberMatched", "numberReturned", "links", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "timeStamp": {"type": "string", "format": "date-time"},
                "links": {"type": "array", "items": _LINK},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}},
            },
        },
        "Health": {
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
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {},
                    },
                }
            },
        },
    }
