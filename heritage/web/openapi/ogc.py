"""The OpenAPI description of OGC API - Features, Part 1 (core, geojson) under /ogc."""

from __future__ import annotations

from heritage.web.openapi.exports import feature_collection
from heritage.web.openapi.objects import (
    BBOX_OGC,
    LINK,
    error_response,
    geojson_response,
    json_response,
    param,
)

__all__ = ["paths", "schemas"]

_COLLECTION_ID = {
    "name": "collection_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["sites", "events"]},
}
_FEATURE_ID = {"name": "feature_id", "in": "path", "required": True, "schema": {"type": "string"}}
_F = param("f", "Format: only json (GeoJSON for features)", {"type": "string", "enum": ["json"]})
_ITEMS = [
    param(
        "bbox",
        "min_lon,min_lat,max_lon,max_lat (CRS84; six numbers with heights are accepted); "
        "min_lon > max_lon crosses the antimeridian",
        BBOX_OGC,
    ),
    param(
        "datetime",
        "RFC 3339 instant or interval, '..' for an open end (2017-03-01T00:00:00Z/..): "
        "events whose days it touches; ignored for sites, which have no time",
        {"type": "string"},
    ),
    param(
        "limit",
        "Page size; a larger value is served as the maximum",
        {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    ),
    param(
        "offset",
        "Items to skip (the next link carries it)",
        {"type": "integer", "minimum": 0, "maximum": 10**9},
    ),
]


def paths() -> dict:
    return {
        "/ogc": _get(
            "ogcLandingPage", "Landing page", [], json_response("Links", "OgcLandingPage")
        ),
        "/ogc/conformance": _get(
            "ogcConformance",
            "Conformance classes: core and geojson",
            [],
            json_response("The classes", "OgcConformance"),
        ),
        "/ogc/collections": _get(
            "ogcCollections",
            "The collections: sites and events",
            [],
            json_response("The collections", "OgcCollections"),
        ),
        "/ogc/collections/{collection_id}": _get(
            "ogcCollection",
            "One collection with its extent",
            [_COLLECTION_ID],
            json_response("The collection", "OgcCollection"),
            "404",
        ),
        "/ogc/collections/{collection_id}/items": _get(
            "ogcItems",
            "A page of features with numberMatched, numberReturned and next/prev links",
            [_COLLECTION_ID, *_ITEMS],
            geojson_response("A page of features", "OgcFeatureCollection"),
            "404",
        ),
        "/ogc/collections/{collection_id}/items/{feature_id}": _get(
            "ogcItem",
            "One feature (a site id, or an event's source:source_id)",
            [_COLLECTION_ID, _FEATURE_ID],
            geojson_response("The feature", "OgcFeature"),
            "404",
        ),
    }


def _get(operation: str, summary: str, parameters: list, ok: dict, *errors: str) -> dict:
    responses = {"200": ok, "400": error_response("A parameter is malformed or unknown")}
    if "404" in errors:
        responses["404"] = error_response("No such collection or feature")
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "tags": ["OGC API - Features"],
            "parameters": [*parameters, _F],
            "responses": responses,
        }
    }


def schemas() -> dict:
    links = {"type": "array", "items": LINK}
    return {
        "OgcFeature": {
            "anyOf": [
                {"$ref": "#/components/schemas/ExportSite"},
                {"$ref": "#/components/schemas/Event"},
            ]
        },
        "OgcFeatureCollection": feature_collection(
            {"$ref": "#/components/schemas/OgcFeature"}, is_page=True
        ),
        "OgcLandingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
            },
        },
        "OgcConformance": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "OgcCollection": _collection(),
        "OgcCollections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/OgcCollection"},
                },
            },
        },
    }


def _collection() -> dict:
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    bbox = {
        "type": "array",
        "minItems": 1,
        "items": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
    }
    interval = {
        "type": "array",
        "minItems": 1,
        "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": nullable_time},
    }
    return {
        "type": "object",
        "required": ["id", "links", "extent", "itemType", "crs"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "itemType": {"const": "feature"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "extent": {
                "type": "object",
                "required": ["spatial"],
                "properties": {
                    "spatial": {
                        "type": "object",
                        "required": ["bbox"],
                        "properties": {"bbox": bbox, "crs": {"type": "string"}},
                    },
                    "temporal": {
                        "type": "object",
                        "required": ["interval"],
                        "properties": {"interval": interval},
                    },
                },
            },
            "links": {"type": "array", "items": LINK},
        },
    }
