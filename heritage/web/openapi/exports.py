"""The OpenAPI description of the exports: sites, events and alerts as GeoJSON or CSV."""

from __future__ import annotations

from heritage.web.openapi.alerts import alert_state
from heritage.web.openapi.objects import (
    LEVELS,
    LINK,
    error_response,
)

__all__ = ["feature_collection", "paths", "schemas"]

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
_ATTACHMENT = {
    "description": 'attachment; filename="heritage-<name>-<day>.<format>"',
    "schema": {"type": "string"},
}


def paths(list_paths: dict) -> dict:
    """Each list's filters (not its paging) as a GeoJSON and a CSV download."""
    exports = {}
    for name, (title, schema, order) in _EXPORTS.items():
        filters = [
            p
            for p in list_paths[f"/api/v1/{name}"]["get"]["parameters"]
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
                        "400": error_response("A parameter is malformed, unknown or a paging one"),
                        "403": error_response("Withheld: site= names a sensitive site (events)"),
                        "404": error_response("site= names no site"),
                    },
                }
            }
    return exports


def feature_collection(features: dict, *, is_page: bool) -> dict:
    """A FeatureCollection of these features: a whole export, or a page with links."""
    required = ["type", "numberMatched", "features"]
    required += ["numberReturned", "timeStamp", "links"] if is_page else ["timeStamp"]
    return {
        "type": "object",
        "required": required,
        "properties": {
            "type": {"const": "FeatureCollection"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
            "links": {"type": "array", "items": LINK},
            "features": {"type": "array", "items": features},
        },
    }


def schemas() -> dict:
    return {
        "ExportSite": {
            "allOf": [
                {"$ref": "#/components/schemas/Site"},
                {
                    "type": "object",
                    "properties": {
                        "properties": {
                            "type": "object",
                            "required": ["level", "score", "as_of"],
                            "properties": {
                                "level": {"type": "string", "enum": LEVELS},
                                "score": {"type": ["number", "null"]},
                                "as_of": {"type": ["string", "null"], "format": "date"},
                            },
                        }
                    },
                },
            ]
        },
        "ExportAlert": _export_alert(),
        "SiteExportCollection": feature_collection(
            {"$ref": "#/components/schemas/ExportSite"}, is_page=False
        ),
        "EventExportCollection": feature_collection(
            {"$ref": "#/components/schemas/Event"}, is_page=False
        ),
        "AlertExportCollection": feature_collection(
            {"$ref": "#/components/schemas/ExportAlert"}, is_page=False
        ),
    }


def _export_alert() -> dict:
    properties = {
        **alert_state(),
        "site_name": {"type": "string"},
        "n_events": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    }
    point = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"const": "Point"},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2},
        },
    }
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "integer"},
            "geometry": {
                "description": "A point inside the site's published (for a sensitive "
                "site, generalised) core zone; null for an unlocated site",
                "oneOf": [{"type": "null"}, point],
            },
            "properties": {
                "type": "object",
                "required": list(properties),
                "properties": properties,
            },
        },
    }
