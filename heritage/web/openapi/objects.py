"""The OpenAPI document's building blocks: vocabularies, parameters, responses and bodies."""

from __future__ import annotations

from heritage import risk
from heritage.domain import AlertStatus, Disposition
from heritage.web.params import ROW_ID_MAX

__all__ = [
    "ALERT_STATUSES",
    "DATE",
    "DISPOSITIONS",
    "ERROR",
    "EVENT_TYPES",
    "LEVELS",
    "LINK",
    "PAGE",
    "ROW_ID",
    "body",
    "error_response",
    "geojson_response",
    "json_response",
    "param",
]

DATE = {"type": "string", "format": "date"}
DATE_OR_DATETIME = {"anyOf": [DATE, {"type": "string", "format": "date-time"}]}
_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BBOX = {"type": "string", "pattern": f"^{_NUMBER}(,{_NUMBER}){{3}}$"}
BBOX_OGC = {"type": "string", "pattern": f"^{_NUMBER}(,{_NUMBER}){{3}}(,{_NUMBER},{_NUMBER})?$"}
ROW_ID = {"type": "integer", "minimum": 0, "maximum": ROW_ID_MAX}
EVENT_TYPES = [
    "airstrike",
    "shelling",
    "armed_clash",
    "explosion",
    "destruction",
    "looting",
    "occupation",
    "violence_against_civilians",
    "unrest",
    "other",
]
LEVELS = list(risk.LEVELS)
ALERT_STATUSES = [s.value for s in AlertStatus]
DISPOSITIONS = [d.value for d in Disposition]
LINK = {
    "type": "object",
    "required": ["rel", "href"],
    "properties": {
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "href": {"type": "string"},
    },
}
ERROR = {
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
}


def param(name: str, description: str, schema: dict) -> dict:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PAGE = [
    param("limit", "Page size", {"type": "integer", "minimum": 1, "maximum": 1000}),
    param("offset", "Items to skip", {"type": "integer", "minimum": 0, "maximum": 10**9}),
]


def geojson_response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/geo+json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def json_response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def body(required: list[str], properties: dict) -> dict:
    """A JSON object request body with exactly these fields."""
    schema = {"type": "object", "additionalProperties": False, "properties": properties}
    return {
        "required": bool(required),
        "content": {"application/json": {"schema": schema | {"required": required}}},
    }
