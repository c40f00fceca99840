"""Schemas of the OpenAPI document: sites, events, sources, quarantine, alerts, errors."""

from __future__ import annotations

from heritage import risk
from heritage.domain import AlertStatus, Disposition

__all__ = [
    "ALERT_STATUSES",
    "DISPOSITIONS",
    "EVENT_TYPES",
    "LEVELS",
    "LINK",
    "alert_schemas",
    "event_schemas",
    "export_schemas",
    "site_schemas",
]

DATE = {"type": "string", "format": "date"}
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
_GEOMETRY = {
    "oneOf": [
        {"type": "null"},
        {"$ref": "#/components/schemas/MultiPolygon"},
        {"$ref": "#/components/schemas/Polygon"},
    ]
}


def site_schemas() -> dict:
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
                        "risk": {"type": ["object", "null"]},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "links": {"type": "array", "items": LINK},
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
                "links": {"type": "array", "items": LINK},
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


def event_schemas() -> dict:
    nullable_int = {"type": ["integer", "null"]}
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    return {
        "Event": {
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
                "properties": {
                    "type": "object",
                    "required": [
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
                    ],
                    "properties": {
                        "id": {"type": "string"},
                        "source": {"type": "string"},
                        "source_id": {"type": "string"},
                        "date_start": DATE,
                        "date_end": DATE,
                        "date_precision": {
                            "type": "string",
                            "enum": ["day", "week", "month", "year"],
                        },
                        "event_type": {"type": "string", "enum": EVENT_TYPES},
                        "original_type": {"type": "string"},
                        "original_subtype": {"type": "string"},
                        "place": {"type": "string"},
                        "country": {"type": "string"},
                        "admin": {"type": "array", "items": {"type": "string"}},
                        "actors": {"type": "array", "items": {"type": "string"}},
                        "fatalities": {
                            "type": "object",
                            "properties": {
                                "best": nullable_int,
                                "low": nullable_int,
                                "high": nullable_int,
                            },
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
                    },
                },
            },
        },
        "EventCollection": {
            "type": "object",
            "required": [
                "type",
                "numberMatched",
                "numberReturned",
                "links",
                "features",
            ],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "timeStamp": {"type": "string", "format": "date-time"},
                "links": {"type": "array", "items": LINK},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            },
        },
        "ReportExtraction": {
            "type": "object",
            "required": ["type", "features", "mentions", "report"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["type", "geometry", "properties"],
                        "properties": {
                            "type": {"const": "Feature"},
                            "id": {"type": "string"},
                            "geometry": {"type": "object"},
                            "properties": {
                                "type": "object",
                                "required": [
                                    "place",
                                    "event_type",
                                    "precision",
                                    "precision_m",
                                    "confidence",
                                    "casualties",
                                    "sites",
                                    "evidence",
                                ],
                                "properties": {
                                    "place": {"type": "string"},
                                    "place_id": {"type": "string"},
                                    "place_name": {"type": "string"},
                                    "country": {"type": ["string", "null"]},
                                    "event_type": {"type": "string"},
                                    "date": {"type": "string", "format": "date"},
                                    "precision": {
                                        "enum": ["site", "town", "district", "province", "country"]
                                    },
                                    "precision_m": {"type": "number"},
                                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                                    "casualties": {"type": "object"},
                                    "sites": {"type": "array", "items": {"type": "string"}},
                                    "evidence": {"type": "object"},
                                },
                            },
                        },
                    },
                },
                "mentions": {"type": "array", "items": {"type": "object"}},
                "report": {"type": "object"},
                "report_id": {"type": "integer"},
                "duplicate": {"type": "boolean"},
            },
        },
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
        "Sources": {
            "type": "object",
            "required": ["sources"],
            "properties": {
                "sources": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["location", "format"],
                        "properties": {
                            "location": {"type": "string"},
                            "format": {"type": "string"},
                            "ingests": {"type": "integer"},
                            "last_attempt_at": nullable_time,
                            "last_success_at": nullable_time,
                            "last_error": {"type": ["string", "null"]},
                            "last_error_at": nullable_time,
                            "last_counts": {"type": ["object", "null"]},
                            "quarantined": {"type": "integer"},
                        },
                    },
                }
            },
        },
        "Quarantine": {
            "type": "object",
            "required": ["numberMatched", "numberReturned", "rows"],
            "properties": {
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "links": {"type": "array", "items": LINK},
                "rows": {
                    "type": "array",
                    "items": {
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
                    },
                },
            },
        },
    }


def alert_schemas() -> dict:
    time = {"type": "string", "format": "date-time"}
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    refs = {"type": "array", "items": {"type": "string"}}
    alert = {
        "id": {"type": "integer"},
        "site_id": {"type": "string"},
        "status": {"type": "string", "enum": ALERT_STATUSES},
        "trigger": {"type": "string", "enum": ["level", "core_event"]},
        "level": {"type": "string", "enum": LEVELS},
        "peak_level": {"type": "string", "enum": LEVELS},
        "score": {"type": "number"},
        "as_of": DATE,
        "opened_at": time,
        "updated_at": time,
        "resolved_at": nullable_time,
        "snoozed_until": nullable_time,
        "disposition": {"enum": [*DISPOSITIONS, None]},
        "note": {"type": "string"},
        "events": {**refs, "description": "'source:source_id'; empty for a sensitive site"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "version": {"type": "integer", "minimum": 1},
        "url": {"type": "string", "description": "The alert's dashboard page"},
    }
    delivery = {
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
            "sent_at": nullable_time,
            "last_error": {"type": ["string", "null"]},
        },
    }
    entry = {
        "version": {"type": "integer"},
        "at": time,
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
            "properties": {"added": refs, "removed": refs, "revised": refs},
        },
        "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}},
    }
    run = {
        "type": ["object", "null"],
        "required": ["started_at", "finished_at", "status", "summary"],
        "properties": {
            "started_at": time,
            "finished_at": time,
            "status": {"type": "string", "enum": ["ok", "failed"]},
            "summary": {"type": "string"},
        },
    }
    return {
        "Alert": {"type": "object", "required": list(alert), "properties": alert},
        "AlertHistoryEntry": {"type": "object", "required": list(entry), "properties": entry},
        "Delivery": delivery,
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
        "SchedulerStatus": {
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
                            "next_run": nullable_time,
                        },
                    },
                },
                "lock": {
                    "type": ["object", "null"],
                    "required": ["holder", "expires_at"],
                    "properties": {"holder": {"type": "string"}, "expires_at": time},
                },
                "heartbeat": {
                    "type": "object",
                    "required": ["status", "last_seen_at"],
                    "properties": {
                        "status": {"type": "string", "enum": ["ok", "stale", "never_seen"]},
                        "last_seen_at": nullable_time,
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
        },
    }


def export_schemas() -> dict:
    """The exports' collections and OGC API - Features (landing page, conformance, collections)."""
    ref = {name: {"$ref": f"#/components/schemas/{name}"} for name in ("ExportSite", "Event")}
    links = {"type": "array", "items": LINK}
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    alert_properties = {
        "id": {"type": "integer"},
        "site_id": {"type": "string"},
        "site_name": {"type": "string"},
        "status": {"type": "string", "enum": ALERT_STATUSES},
        "trigger": {"type": "string", "enum": ["level", "core_event"]},
        "level": {"type": "string", "enum": LEVELS},
        "peak_level": {"type": "string", "enum": LEVELS},
        "score": {"type": "number"},
        "as_of": DATE,
        "opened_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "resolved_at": nullable_time,
        "snoozed_until": nullable_time,
        "disposition": {"enum": [*DISPOSITIONS, None]},
        "note": {"type": "string"},
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

    def collection(features: dict, *, is_page: bool) -> dict:
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
                "links": links,
                "features": {"type": "array", "items": features},
            },
        }

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
        "ExportAlert": {
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
                    "required": list(alert_properties),
                    "properties": alert_properties,
                },
            },
        },
        "SiteExportCollection": collection(ref["ExportSite"], is_page=False),
        "EventExportCollection": collection(ref["Event"], is_page=False),
        "AlertExportCollection": collection(
            {"$ref": "#/components/schemas/ExportAlert"}, is_page=False
        ),
        "OgcFeature": {"anyOf": [ref["ExportSite"], ref["Event"]]},
        "OgcFeatureCollection": collection(
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
        "OgcCollection": {
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
                            "properties": {
                                "bbox": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "array",
                                        "items": {"type": "number"},
                                        "minItems": 4,
                                        "maxItems": 4,
                                    },
                                },
                                "crs": {"type": "string"},
                            },
                        },
                        "temporal": {
                            "type": "object",
                            "required": ["interval"],
                            "properties": {
                                "interval": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "array",
                                        "minItems": 2,
                                        "maxItems": 2,
                                        "items": nullable_time,
                                    },
                                }
                            },
                        },
                    },
                },
                "links": links,
            },
        },
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
