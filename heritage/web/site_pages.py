"""Dashboard pages of one site and of the alerts: what the links in every message open.

Anyone may read them; analysts act on alerts here (the API does it with a key).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from heritage.config import RISK_MODEL
from heritage.domain import AlertStatus, Disposition
from heritage.errors import InvalidInputError
from heritage.pipeline.alerts import ACTIONS, act_on_alert
from heritage.risk import LEVELS, contribution
from heritage.store import alerts as alert_store
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.web.alerts_api import masked_target
from heritage.web.api import WITHHELD_REASON
from heritage.web.auth import actor_name, require_role
from heritage.web.db import get_runtime, get_session

__all__ = ["bp"]

bp = Blueprint("site_pages", __name__)

_QUEUE_LIMIT = 500


@bp.get("/sites/<site_id>")
def site_page(site_id: str):
    """A site: names, current level in words, the events that touch it, its alerts."""
    site = site_store.get_site(get_session(), site_id).site
    risk = risk_store.latest_assessment(get_session(), site_id)
    alerts, _ = alert_store.list_alerts(
        get_session(), alert_store.AlertQuery(site=site_id), limit=50, offset=0
    )
    hidden = _is_hidden(site)
    return render_template(
        "site.html",
        site=site,
        risk=risk,
        reasons=[WITHHELD_REASON] if hidden else (risk or {}).get("reasons", []),
        events=[] if hidden else _events(site_id),
        alerts=alerts,
        is_hidden=hidden,
        thresholds=dict(RISK_MODEL.levels),
        page_limit=get_runtime().settings.page_limit_max,
        tile_url=get_runtime().settings.tile_url,
    )


@bp.get("/alerts")
def alert_queue():
    """Open alerts first, by level (highest first) and then by age (oldest first)."""
    status, level = request.args.get("status"), request.args.get("level")
    query = alert_store.AlertQuery(
        status=status if status in _STATUSES else None, level=level if level in LEVELS else None
    )
    found, total = alert_store.list_alerts(get_session(), query, limit=_QUEUE_LIMIT, offset=0)
    live = [a for a in found if a.status is not AlertStatus.RESOLVED]
    live.sort(key=lambda a: (-LEVELS.index(a.level), a.opened_at))
    done = [a for a in found if a.status is AlertStatus.RESOLVED]
    names = {
        s.site.id: s.site.name
        for s in site_store.get_sites(get_session(), [a.site_id for a in found])
    }
    return render_template(
        "alerts.html",
        live=live,
        done=done,
        names=names,
        total=total,
        now=get_runtime().clock(),
        filters={"status": query.status, "level": query.level},
        statuses=[s.value for s in AlertStatus],
        levels=LEVELS,
    )


@bp.get("/alerts/<id:alert_id>")
def alert_page(alert_id: int):
    """One alert: its reasons, its events and its history (who did what, who was told)."""
    alert = alert_store.get_alert(get_session(), alert_id)
    site = site_store.get_site(get_session(), alert.site_id).site
    history = alert_store.alert_history_of(get_session(), alert_id)
    return render_template(
        "alert.html",
        alert=alert,
        site=site,
        reasons=[WITHHELD_REASON] if _is_hidden(site) else alert.reasons,
        is_hidden=_is_hidden(site),
        history=history,
        masked=masked_target,
        dispositions=[d.value for d in Disposition],
    )


@bp.post("/alerts/<id:alert_id>/<action>")
@require_role("analyst")
def act_on_alert_page(alert_id: int, action: str):
    """An analyst acknowledges, snoozes, resolves or reopens from the alert page."""
    if action not in ACTIONS:
        abort(404)
    options = {"note": request.form.get("note", "")}
    if action == "acknowledge":
        options["disposition"] = request.form.get("disposition", "")
    if action == "snooze" and request.form.get("hours"):
        hours = _form_int(request.form["hours"], "hours", low=1, high=24 * 30)
        options["until"] = get_runtime().clock() + timedelta(hours=hours)
    change = act_on_alert(
        get_session(), alert_id, action, actor=actor_name(), now=get_runtime().clock(), **options
    )
    flash(change.summary)
    return redirect(url_for("site_pages.alert_page", alert_id=alert_id))


def _form_int(text: str, name: str, *, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise InvalidInputError(
            f"must be a whole number from {low} to {high}", source="form", location=name
        )
    return value


_STATUSES = {s.value for s in AlertStatus}


def _is_hidden(site) -> bool:
    """A sensitive site's location shows only to analysts and admins (looters read pages too)."""
    return site.sensitive and not (current_user.is_authenticated and current_user.can("analyst"))


def _events(site_id: str) -> list[dict]:
    today = get_runtime().clock().date()
    rows = []
    for exposure, event in risk_store.site_exposures(get_session(), site_id)[:200]:
        terms = contribution(exposure, event, today, RISK_MODEL)
        rows.append(
            {
                "ref": exposure.event_ref,
                "type": event.event_type.value.replace("_", " "),
                "date": event.date_start,
                "place": event.place,
                "distance_km": exposure.distance_m / 1000,
                "zone": exposure.zone.value,
                "uncertain": exposure.is_uncertain,
                "source": event.source,
                "url": event.url if _is_web_link(event.url) else "",
                "value": terms.value if terms else None,
            }
        )
    return rows


def _is_web_link(url: str) -> bool:
    """Only plain http(s) links from sources become hrefs (a report may carry javascript:)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
