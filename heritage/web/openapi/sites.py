"""The OpenAPI description of the sites: their list, one site, its risk and its events."""

from __future__ import annotations

from heritage.web.openapi.objects import BBOX, DATE, LINK, PAGE, error_response, param

__all__ = ["paths", "schemas"]

_SITE_ID = {"name": "site_id", "in": "path", "required": True, "schema": {"type": "string"}}
_GEOMETRY = {
    "oneOf": [
        {"type": "null"},
        {"$ref": "#/components/schemas/MultiPolygon"},
        {"$ref": "#/components/schemas/Polygon"},
    ]
}


def paths() -> dict:
    return {
        "/api/v1/sites": {
            "get": {
                "operationId": "listSites",
                "summary": "Sites as a GeoJSON FeatureCollection, ordered by id and paged",
                "parameters": [
                    param(
                        "bbox",
                        "min_lon,min_lat,max_lon,max_lat (WGS84); min_lon > max_lon "
                        "crosses the antimeridian",
                        BBOX,
                    ),
                    param(
                        "country",
                        "ISO 3166-1 alpha-2 code",
                        {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                    ),
                    param(
                        "designation",
                        "Kind of designation",
                        {"type": "string", "enum": ["world_heritage", "tentative", "national"]},
                    ),
                    param(
                        "in_danger",
                        "Only sites on (true) or off (false) the In-Danger list",
                        {"type": "string", "enum": ["true", "false", "1", "0"]},
                    ),
                    param(
                        "level",
                        "Level of the latest assessment",
                        {"type": "string", "enum": ["none", "low", "elevated", "high", "critical"]},
                    ),
                    param(
                        "q",
                        "Part of any of the site's names in any language, or its id (Latin "
                        "letters in any case)",
                        {"type": "string", "maxLength": 100},
                    ),
                    *PAGE,
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
                    "400": error_response("A parameter is malformed or unknown"),
                    "503": error_response("The database has not been initialised"),
                },
            }
        },
        "/api/v1/sites/{site_id}": {
            "get": {
                "operationId": "getSite",
                "summary": "One site as a GeoJSON Feature",
                "parameters": [_SITE_ID],
                "responses": {
                    "200": {
                        "description": "The site",
                        "content": {
                            "application/geo+json": {
                                "schema": {"$ref": "#/components/schemas/Site"}
                            }
                        },
                    },
                    "404": error_response("No site with that id"),
                    "503": error_response("The database has not been initialised"),
                },
            }
        },
        "/api/v1/sites/{site_id}/risk": {
            "get": {
                "operationId": "getSiteRisk",
                "summary": "The site's assessments by day with their reasons",
                "parameters": [
                    _SITE_ID,
                    param("from", "First day (ISO date)", DATE),
                    param("to", "Last day (ISO date)", DATE),
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
                    "400": error_response("A parameter is malformed or unknown"),
                    "404": error_response("No site with that id"),
                },
            }
        },
        "/api/v1/sites/{site_id}/events": {
            "get": {
                "operationId": "getSiteEvents",
                "summary": "Events that touch the site, with distance, zone and their terms",
                "parameters": [_SITE_ID, *PAGE],
                "responses": {
                    "200": {
                        "description": "A page of events",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "required": ["site_id", "events"]}
                            }
                        },
                    },
                    "400": error_response("A parameter is malformed or unknown"),
                    "403": error_response("Withheld: the site is sensitive"),
                    "404": error_response("No site with that id"),
                },
            }
        },
    }


def schemas() -> dict:
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
        "Site": _site(),
        "SiteCollection": {
            "type": "object",
            "required": ["type", "numberMatched", "numberReturned", "links", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "timeStamp": {"type": "string", "format": "date-time"},
                "links": {"type": "array", "items": LINK},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}},
            },
        },
    }


def _site() -> dict:
    properties = {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "names": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "lang"],
                "properties": {"name": {"type": "string"}, "lang": {"type": "string"}},
            },
        },
        "countries": {"type": "array", "items": {"type": "string"}},
        "designation": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": ["world_heritage", "tentative", "national"]},
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
        "risk": {"type": ["object", "null"]},
        "updated_at": {"type": "string", "format": "date-time"},
        "links": {"type": "array", "items": LINK},
    }
    required = [
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
    ]
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": _GEOMETRY,
            "properties": {"type": "object", "required": required, "properties": properties},
        },
    }
