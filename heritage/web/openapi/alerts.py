"""The OpenAPI description of the alerts, the actions on them and the scheduler."""

from __future__ import annotations

from heritage.web.openapi.objects import (
    ALERT_STATUSES,
    DATE,
    DATE_OR_DATETIME,
    DISPOSITIONS,
    LEVELS,
    LINK,
    PAGE,
    ROW_ID,
    body,
    error_response,
    json_response,
    param,
)

__all__ = ["alert_state", "paths", "schemas"]

_ALERT_ID = {"name": "alert_id", "in": "path", "required": True, "schema": ROW_ID}
_NOTE = {"type": "string", "maxLength": 4000, "description": "Why, in a sentence or two"}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_REFS = {"type": "array", "items": {"type": "string"}}


def paths() -> dict:
    return {
        "/api/v1/alerts": {
            "get": {
                "operationId": "listAlerts",
                "summary": "Alerts, most recently changed first, paged",
                "description": "A sensitive site's alerts withhold their events and reasons.",
                "parameters": [
                    param("status", "Status", {"type": "string", "enum": ALERT_STATUSES}),
                    param("level", "Current level", {"type": "string", "enum": LEVELS}),
                    param("site", "Only this site's alerts", {"type": "string"}),
                    param(
                        "since",
                        "Changed at or after: an ISO date (00:00 UTC) or a date-time with "
                        "a timezone",
                        DATE_OR_DATETIME,
                    ),
                    *PAGE,
                ],
                "responses": {
                    "200": json_response("A page of alerts", "AlertCollection"),
                    "400": error_response("A parameter is malformed or unknown"),
                    "404": error_response("No site with that id"),
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
                    "200": json_response("The alert", "AlertDetail"),
                    "401": error_response("An unknown API key"),
                    "404": error_response("No alert with that id"),
                },
            }
        },
        "/api/v1/alerts/{alert_id}/acknowledge": _action(
            "acknowledgeAlert",
            "Acknowledge with a disposition: what the alert is",
            body(
                ["disposition"],
                {"disposition": {"type": "string", "enum": DISPOSITIONS}, "note": _NOTE},
            ),
        ),
        "/api/v1/alerts/{alert_id}/snooze": _action(
            "snoozeAlert",
            "Quiet until something changes, or until a time",
            body(
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
        "/api/v1/alerts/{alert_id}/resolve": _action(
            "resolveAlert", "Resolve: closed by a person", body([], {"note": _NOTE})
        ),
        "/api/v1/alerts/{alert_id}/reopen": _action(
            "reopenAlert", "Reopen a resolved alert", body([], {"note": _NOTE})
        ),
        "/api/v1/scheduler": {
            "get": {
                "operationId": "getScheduler",
                "summary": "Each job's last and next run, the lock, the heartbeat and the outbox",
                "responses": {"200": json_response("The scheduler's state", "SchedulerStatus")},
            }
        },
    }


def _action(operation: str, summary: str, request_body: dict) -> dict:
    return {
        "post": {
            "operationId": operation,
            "summary": summary,
            "security": [{"apiKey": []}],
            "parameters": [_ALERT_ID],
            "requestBody": request_body,
            "responses": {
                "200": json_response("The alert after the change, with its history", "AlertDetail"),
                "400": error_response("The body is invalid; every bad field is named"),
                "401": error_response("No or an unknown API key"),
                "404": error_response("No alert with that id"),
                "409": error_response("The alert's status does not allow this action"),
            },
        }
    }


def alert_state() -> dict:
    """The properties every published shape of an alert starts with (``export.alert_state``)."""
    return {
        "id": {"type": "integer"},
        "site_id": {"type": "string"},
        "status": {"type": "string", "enum": ALERT_STATUSES},
        "trigger": {"type": "string", "enum": ["level", "core_event"]},
        "level": {"type": "string", "enum": LEVELS},
        "peak_level": {"type": "string", "enum": LEVELS},
        "score": {"type": "number"},
        "as_of": DATE,
        "opened_at": _TIME,
        "updated_at": _TIME,
        "resolved_at": _NULLABLE_TIME,
        "snoozed_until": _NULLABLE_TIME,
        "disposition": {"enum": [*DISPOSITIONS, None]},
        "note": {"type": "string"},
    }


def schemas() -> dict:
    alert = {
        **alert_state(),
        "events": {**_REFS, "description": "'source:source_id'; empty for a sensitive site"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "version": {"type": "integer", "minimum": 1},
        "url": {"type": "string", "description": "The alert's dashboard page"},
    }
    entry = {
        "version": {"type": "integer"},
        "at": _TIME,
        "actor": {"type": "string"},
        "action": {"type": "string"},
        "status": {"type": "string", "enum": ALERT_STATUSES},
        "level": {"type": "string", "enum": LEVELS},
        "previous_level": {"type": ["string", "null"]},
        "summary": {"type": "string"},
        "note": {"type": "string"},
        "events": {
            "type": "object",
            "required": ["added", "removed", "revised"],
            "properties": {"added": _REFS, "removed": _REFS, "revised": _REFS},
        },
        "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}},
    }
    return {
        "Alert": {"type": "object", "required": list(alert), "properties": alert},
        "AlertHistoryEntry": {"type": "object", "required": list(entry), "properties": entry},
        "Delivery": _delivery(),
        "AlertDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/Alert"},
                {
                    "type": "object",
                    "required": ["history"],
                    "properties": {
                        "history": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/AlertHistoryEntry"},
                        }
                    },
                },
            ]
        },
        "AlertCollection": {
            "type": "object",
            "required": ["numberMatched", "numberReturned", "links", "alerts"],
            "properties": {
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "links": {"type": "array", "items": LINK},
                "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}},
            },
        },
        "SchedulerStatus": _scheduler_status(),
    }


def _delivery() -> dict:
    return {
        "type": "object",
        "required": ["channel", "target", "status", "attempts", "sent_at", "last_error"],
        "properties": {
            "channel": {"type": "string", "enum": ["email", "webhook"]},
            "target": {
                "type": "string",
                "description": "In full only with an API key; otherwise masked "
                "(d***@example.org, https://host/…)",
            },
            "status": {"type": "string", "enum": ["pending", "sending", "sent", "failed"]},
            "attempts": {"type": "integer"},
            "sent_at": _NULLABLE_TIME,
            "last_error": {"type": ["string", "null"]},
        },
    }


def _scheduler_status() -> dict:
    run = {
        "type": ["object", "null"],
        "required": ["started_at", "finished_at", "status", "summary"],
        "properties": {
            "started_at": _TIME,
            "finished_at": _TIME,
            "status": {"type": "string", "enum": ["ok", "failed"]},
            "summary": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "required": ["jobs", "lock", "heartbeat", "outbox"],
        "properties": {
            "jobs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["job", "last_run", "next_run"],
                    "properties": {
                        "job": {"type": "string"},
                        "last_run": run,
                        "next_run": _NULLABLE_TIME,
                    },
                },
            },
            "lock": {
                "type": ["object", "null"],
                "required": ["holder", "expires_at"],
                "properties": {"holder": {"type": "string"}, "expires_at": _TIME},
            },
            "heartbeat": {
                "type": "object",
                "required": ["status", "last_seen_at"],
                "properties": {
                    "status": {"type": "string", "enum": ["ok", "stale", "never_seen"]},
                    "last_seen_at": _NULLABLE_TIME,
                },
            },
            "outbox": {
                "type": "object",
                "required": ["pending", "sending", "sent", "failed"],
                "properties": {
                    k: {"type": "integer", "minimum": 0}
                    for k in ("pending", "sending", "sent", "failed")
                },
            },
        },
    }
