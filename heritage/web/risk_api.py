"""A site's risk over time and the events that touch it."""

from __future__ import annotations

from flask import Blueprint, jsonify

from heritage.config import RISK_MODEL
from heritage.errors import HeritageError
from heritage.risk import contribution
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.web import params
from heritage.web.api import WITHHELD_REASON
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("risk_api", __name__)


@bp.get("/api/v1/sites/<site_id>/risk")
def site_risk(site_id: str):
    """The site's assessments by day: score, level, trend, events and reasons."""
    args = params.known_args({"from", "to"})
    site = site_store.get_site(get_session(), site_id).site
    series = risk_store.assessment_series(
        get_session(), site_id, params.day(args, "from"), params.day(args, "to")
    )
    if site.sensitive:  # distances, zones or proximity terms would locate the site
        for row in series:
            row["contributions"], row["reasons"] = [], [WITHHELD_REASON]
    return jsonify({"site_id": site_id, "assessments": series})


@bp.get("/api/v1/sites/<site_id>/events")
def site_events(site_id: str):
    """Events that touch the site, newest first, each with distance, zone and its terms today."""
    args = params.known_args({"limit", "offset"})
    limit, offset = params.page(args, get_runtime().settings)
    site = site_store.get_site(get_session(), site_id).site
    refuse_sensitive(site)
    pairs = risk_store.site_exposures(get_session(), site_id)
    today = get_runtime().clock().date()
    rows = []
    for exposure, event in pairs[offset : offset + limit]:
        terms = contribution(exposure, event, today, RISK_MODEL)
        row = {
            "event": exposure.event_ref,
            "event_type": event.event_type.value,
            "date": event.date_start.isoformat(),
            "place": event.place,
            "distance_m": round(exposure.distance_m, 1),
            "zone": exposure.zone.value,
            "uncertain": exposure.is_uncertain,
            "precision_m": event.precision_m,
            "terms": None
            if terms is None
            else {
                "severity": terms.severity,
                "proximity": terms.proximity,
                "recency": terms.recency,
                "confidence": terms.confidence,
                "value": round(terms.value, 4),
            },
        }
        rows.append(row)
    return jsonify(
        {
            "site_id": site_id,
            "numberMatched": len(pairs),
            "numberReturned": len(rows),
            "links": params.page_links(
                "risk_api.site_events",
                args,
                limit,
                offset,
                len(pairs),
                media_type="application/json",
                site_id=site_id,
            ),
            "events": rows,
        }
    )


class WithheldError(HeritageError):
    code = "withheld"
    http_status = 403


def refuse_sensitive(site) -> None:
    """The events of a sensitive site, with their positions, would show where it is."""
    if site.sensitive:
        raise WithheldError(
            f"the events of site '{site.id}' are withheld: it is a sensitive site, and their "
            "positions would reveal where it is"
        )
