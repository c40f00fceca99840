"""Free-text reports under /api/v1: partners post a report with a key; ``dry_run`` shows what
the geoparser finds without storing anything."""

from __future__ import annotations

import threading
from datetime import date

from flask import Blueprint, jsonify, request

from heritage.config import RISK_MODEL
from heritage.errors import InvalidInputError, NotFoundError
from heritage.geoparse.intake import MAX_REPORT_BYTES, ReportText
from heritage.pipeline import reports
from heritage.store import reports as report_store
from heritage.web import params
from heritage.web.db import get_runtime, get_session
from heritage.web.events_api import partner_name

__all__ = ["bp", "gazetteer_cache"]

bp = Blueprint("reports_api", __name__)
_LOCK = threading.Lock()  # one gazetteer build at a time; readers share the result


@bp.post("/api/v1/reports")
def post_report():
    """JSON ``{text, published, url, source}``; ``?dry_run=true`` stores nothing."""
    partner = partner_name()
    body = request.get_json(silent=True)
    report = _report(body)
    dry_run = bool(params.boolean(params.known_args({"dry_run"}), "dry_run"))
    session = get_session()
    cache = gazetteer_cache(session)
    now = get_runtime().clock()
    if dry_run:
        document, _ = reports.parse_report(
            cache, report, RISK_MODEL, source=partner, today=now.date()
        )
        return jsonify(document), 200
    (result,) = reports.ingest_reports(
        session,
        report.text.encode("utf-8"),
        RISK_MODEL,
        cache,
        source=partner,
        location=f"api:{partner}",
        url=report.url,
        published=report.published,
        now=now,
    )
    document = {**result.document, "report_id": result.report_id, "duplicate": result.duplicate}
    return jsonify(document), 200 if result.duplicate else 201


@bp.get("/api/v1/reports/<id:report_id>")
def get_report(report_id: int):
    stored = report_store.get_report(get_session(), report_id)
    if stored is None:
        raise NotFoundError("report", str(report_id))
    return jsonify(
        {
            "id": stored.id,
            "source": stored.source,
            "title": stored.title,
            "url": stored.url,
            "published": stored.published.isoformat() if stored.published else None,
            "ingested_at": stored.ingested_at.isoformat(),
            "text": stored.text,
            "extraction": stored.extraction,
        }
    )


def _report(body) -> ReportText:
    if not isinstance(body, dict):
        raise InvalidInputError(
            "the body must be a JSON object {text, published, url, source}", source="request body"
        )
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("'text' must be a non-empty string", source="request body: text")
    if len(text.encode("utf-8")) > MAX_REPORT_BYTES:
        raise InvalidInputError(
            f"'text' is larger than {MAX_REPORT_BYTES:,} bytes", source="request body: text"
        )
    published = body.get("published")
    try:
        day = date.fromisoformat(published) if published is not None else None
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"'published' must be a date YYYY-MM-DD, not {published!r}",
            source="request body: published",
        ) from None
    url = body.get("url") or ""
    if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
        raise InvalidInputError("'url' must be an http(s) URL", source="request body: url")
    if "\x00" in url:  # PostgreSQL cannot store one
        raise InvalidInputError("'url' contains a NUL character", source="request body: url")
    title = text.strip().splitlines()[0][:300]
    return ReportText(text, title, url, day, "application/json")


def gazetteer_cache(session) -> reports.GazetteerCache:
    """The process's gazetteer, built once and rebuilt when the registry or entries change."""
    with _LOCK:
        return reports.load_gazetteer(session, get_runtime().gazetteer_cache)
