"""Alerts and the scheduler under /api/v1: anyone reads alerts; a partner with a key acts on them.

Delivery targets (people's email addresses, private webhook URLs) are shown in full only to a
request with an API key. Alerts on sensitive sites withhold their events and reasons, as the
risk endpoints do: the events' distances would reveal where the site is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, request

from heritage import export
from heritage.domain import Alert, AlertStatus, Channel, Disposition
from heritage.errors import InvalidInputError, Problem
from heritage.jobs import JOB_TABLE, JOBS
from heritage.pipeline.alerts import act_on_alert, links
from heritage.risk import LEVELS
from heritage.store import alerts as alert_store
from heritage.store import deliveries
from heritage.store import scheduler as scheduler_store
from heritage.store import sites as site_store
from heritage.web import params
from heritage.web.api import WITHHELD_REASON, scheduler_health
from heritage.web.db import get_runtime, get_session
from heritage.web.events_api import partner_name

__all__ = ["ALERT_FILTERS", "alert_query", "bp", "masked_target"]

bp = Blueprint("alerts_api", __name__)

ALERT_FILTERS = {"status", "level", "site", "since"}
_BODY_FIELDS = {
    "acknowledge": {"disposition", "note"},
    "snooze": {"until", "note"},
    "resolve": {"note"},
    "reopen": {"note"},
}
_NO_EVENTS = {"added": [], "removed": [], "revised": []}
_OUTBOX_STATES = (deliveries.PENDING, deliveries.SENDING, deliveries.SENT, deliveries.FAILED)


@bp.get("/api/v1/alerts")
def list_alerts():
    """Alerts, most recently changed first, filtered and paged."""
    args = params.known_args(ALERT_FILTERS | {"limit", "offset"})
    query = alert_query(args)
    limit, offset = params.page(args, get_runtime().settings)
    found, total = alert_store.list_alerts(get_session(), query, limit=limit, offset=offset)
    sensitive = _sensitive_sites(a.site_id for a in found)
    links_ = params.page_links(
        "alerts_api.list_alerts", args, limit, offset, total, media_type="application/json"
    )
    return jsonify(
        {
            "numberMatched": total,
            "numberReturned": len(found),
            "links": links_,
            "alerts": [_alert(a, is_sensitive=a.site_id in sensitive) for a in found],
        }
    )


def alert_query(args: dict) -> alert_store.AlertQuery:
    """The alert filters of a request (shared by the list and the exports)."""
    return alert_store.AlertQuery(
        status=params.choice(args, "status", [s.value for s in AlertStatus]),
        level=params.choice(args, "level", list(LEVELS)),
        site=_site(args.get("site")),
        since=_instant(args.get("since"), "since", source="query", is_date_allowed=True),
    )


@bp.get("/api/v1/alerts/<id:alert_id>")
def get_alert(alert_id: int):
    """One alert with its history: each change, and who was told of it."""
    # An Authorization header is checked (401 if wrong): only a partner sees targets in full.
    is_partner = "Authorization" in request.headers and bool(partner_name())
    return jsonify(_detail(alert_id, show_targets=is_partner))


@bp.post("/api/v1/alerts/<id:alert_id>/acknowledge")
def acknowledge_alert(alert_id: int):
    """``{disposition, note?}``: what the alert is."""
    return _act(alert_id, "acknowledge")


@bp.post("/api/v1/alerts/<id:alert_id>/resolve")
def resolve_alert(alert_id: int):
    """``{note?}``: closed by a person."""
    return _act(alert_id, "resolve")


@bp.post("/api/v1/alerts/<id:alert_id>/snooze")
def snooze_alert(alert_id: int):
    """``{until?, note?}``: quiet until something changes or until ``until``."""
    return _act(alert_id, "snooze")


@bp.post("/api/v1/alerts/<id:alert_id>/reopen")
def reopen_alert(alert_id: int):
    """``{note?}``: a resolved alert is open again."""
    return _act(alert_id, "reopen")


@bp.get("/api/v1/scheduler")
def scheduler_status():
    """Each job's last and next run, the lock, the heartbeat and the outbox: is it all moving?"""
    params.known_args(set())
    session = get_session()
    runs = scheduler_store.latest_runs(session)
    upcoming = scheduler_store.next_runs(session, JOB_TABLE)
    counts = deliveries.outbox_counts(session)
    return jsonify(
        {
            "jobs": [
                {
                    "job": name,
                    "last_run": _run(runs.get(name)),
                    "next_run": _iso(upcoming.get(name)),
                }
                for name in JOBS
            ],
            "lock": _lock(scheduler_store.lock_holder(session)),
            "heartbeat": scheduler_health(),
            "outbox": {state: counts.get(state, 0) for state in _OUTBOX_STATES},
        }
    )


def _act(alert_id: int, action: str):
    """Run a person's action on the alert; the answer is the alert after it, with its history."""
    actor = partner_name()
    options = _options(action, _json_body())
    act_on_alert(get_session(), alert_id, action, actor=actor, now=get_runtime().clock(), **options)
    return jsonify(_detail(alert_id, show_targets=True))


def _detail(alert_id: int, *, show_targets: bool) -> dict:
    alert = alert_store.get_alert(get_session(), alert_id)  # 404 for an unknown id
    history = alert_store.alert_history_of(get_session(), alert_id)
    is_sensitive = bool(_sensitive_sites([alert.site_id]))
    return _alert(alert, is_sensitive=is_sensitive) | {
        "history": [
            _entry(h, is_sensitive=is_sensitive, show_targets=show_targets) for h in history
        ]
    }


def _alert(alert: Alert, *, is_sensitive: bool) -> dict:
    settings = get_runtime().settings
    return export.alert_state(alert) | {
        "events": [] if is_sensitive else list(alert.event_refs),
        "reasons": [WITHHELD_REASON] if is_sensitive else list(alert.reasons),
        "version": alert.version,
        "url": links(settings, site_id=alert.site_id, alert_id=alert.id)[1],
    }


def _entry(h: alert_store.HistoryEntry, *, is_sensitive: bool, show_targets: bool) -> dict:
    # The monitor's summaries quote the closest event's distance and its id.
    return {
        "version": h.version,
        "at": h.at.isoformat(),
        "actor": h.actor,
        "action": h.action,
        "status": h.status,
        "level": h.level,
        "previous_level": h.previous_level,
        "summary": WITHHELD_REASON if is_sensitive else h.summary,
        "note": h.note,
        "events": _NO_EVENTS if is_sensitive else {k: h.events.get(k, []) for k in _NO_EVENTS},
        "deliveries": [_delivery(d, show_targets=show_targets) for d in h.deliveries],
    }


def _delivery(d: dict, *, show_targets: bool) -> dict:
    target = d["target"] if show_targets else masked_target(d["channel"], d["target"])
    error = d["last_error"]
    if error and not show_targets:  # a bounce or an HTTP error may quote the address or URL
        error = error.replace(d["target"], target)
    return {
        "channel": d["channel"],
        "target": target,
        "status": d["status"],
        "attempts": d["attempts"],
        "sent_at": _iso(d["sent_at"]),
        "last_error": error,
    }


def masked_target(channel: str, target: str) -> str:
    """``d***@example.org``; a webhook as ``https://host/…`` (its path is often its secret)."""
    if channel == Channel.EMAIL.value:
        local, _, domain = target.rpartition("@")
        return f"{local[:1]}***@{domain}" if local else "***"
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.hostname}/…" if parts.hostname else "…"


def _json_body() -> object:
    if not request.get_data():
        return {}  # resolve, reopen and snooze need no body
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInputError(
            "the body must be a JSON object sent as application/json", source="request body"
        )
    return body


def _options(action: str, body: object) -> dict:
    """The keyword options of ``act_on_alert`` from the body; every bad field is named."""
    if not isinstance(body, dict):
        raise InvalidInputError("the body must be a JSON object", source="request body")
    allowed = _BODY_FIELDS[action]
    problems = [
        _problem(name, body[name], f"unknown field (allowed: {', '.join(sorted(allowed))})")
        for name in sorted(set(body) - allowed)
    ]
    if action == "acknowledge" and "disposition" not in body:
        choices = ", ".join(d.value for d in Disposition)
        problems.append(_problem("disposition", None, f"required: one of {choices}"))
    options = {}
    for name in sorted(set(body) & allowed):
        try:
            options[name] = _FIELD_PARSERS[name](body[name])
        except InvalidInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInputError(problems)
    return options


def _problem(name: str, value: object, reason: str) -> Problem:
    return Problem("request body", "", name, value, reason)


def _disposition(value: object) -> Disposition:
    if value not in [d.value for d in Disposition]:
        choices = ", ".join(d.value for d in Disposition)
        raise InvalidInputError([_problem("disposition", value, f"must be one of {choices}")])
    return Disposition(value)


def _note(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError([_problem("note", value, "must be a string")])
    if "\x00" in value:  # PostgreSQL cannot store one
        raise InvalidInputError([_problem("note", None, "contains a NUL character")])
    return value


def _until(value: object) -> datetime | None:
    if value is None:
        return None  # until something changes
    if not isinstance(value, str):
        raise InvalidInputError([_problem("until", value, "must be a date-time string or null")])
    return _instant(value, "until", source="request body", is_date_allowed=False)


_FIELD_PARSERS = {"disposition": _disposition, "note": _note, "until": _until}


def _instant(raw: str | None, name: str, *, source: str, is_date_allowed: bool) -> datetime | None:
    """An aware UTC datetime from ISO 8601; a bare date (where allowed) is 00:00 UTC."""
    if raw is None:
        return None
    example = "a date-time with a timezone such as 2026-11-24T08:00:00Z"
    if is_date_allowed:
        example = f"an ISO date (00:00 UTC) or {example}"
    try:
        if is_date_allowed and len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), UTC)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError([Problem(source, "", name, raw, f"must be {example}")]) from None
    if value.tzinfo is None:
        reason = f"has no timezone: send {example}"
        raise InvalidInputError([Problem(source, "", name, raw, reason)])
    return value.astimezone(UTC)


def _site(site_id: str | None) -> str | None:
    if site_id is not None:
        site_store.get_site(get_session(), site_id)  # 404 for an unknown site
    return site_id


def _sensitive_sites(site_ids: Iterable[str]) -> set[str]:
    stored = site_store.get_sites(get_session(), list(site_ids))
    return {s.site.id for s in stored if s.site.sensitive}


def _run(run: scheduler_store.JobRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "status": run.status,
        "summary": run.summary,
    }


def _lock(lock: scheduler_store.LockHolder | None) -> dict | None:
    if lock is None:
        return None
    return {"holder": lock.holder, "expires_at": lock.expires_at.isoformat()}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
