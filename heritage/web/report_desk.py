"""The report desk: an analyst pastes or uploads a report, sees what the geoparser found,
corrects a place it got wrong, and saves."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from heritage.config import RISK_MODEL
from heritage.errors import InvalidInputError
from heritage.geoparse.intake import MAX_REPORT_BYTES, ReportText, read_reports
from heritage.pipeline import reports
from heritage.web.auth import actor_name, require_role
from heritage.web.db import get_runtime, get_session
from heritage.web.reports_api import gazetteer_cache

__all__ = ["bp"]

bp = Blueprint("report_desk", __name__)

DESK_SOURCE = "desk"  # the source of every event saved here (who saved it is in the report)


@bp.get("/reports/new")
@require_role("analyst")
def new_report():
    return render_template("report_desk.html", form={}, document=None, choices={})


@bp.post("/reports/new")
@require_role("analyst")
def parse_or_save():
    """``action=parse`` shows the extraction; ``action=save`` stores it with the corrections."""
    report, form = _report_from_form()
    cache = gazetteer_cache(get_session())
    now = get_runtime().clock()
    corrections = _corrections(form)
    if request.form.get("action") == "save":
        (result,) = reports.ingest_reports(
            get_session(),
            report.text.encode("utf-8"),
            RISK_MODEL,
            cache,
            source=DESK_SOURCE,
            location=f"desk:{actor_name()}",
            url=report.url,
            published=report.published,
            now=now,
            corrections=corrections,
            corrected_by=actor_name(),
        )
        return render_template("report_saved.html", result=result)
    document, _ = reports.parse_report(
        cache,
        report,
        RISK_MODEL,
        source=DESK_SOURCE,
        today=now.date(),
        corrections=corrections,
        corrected_by=actor_name(),
    )
    return render_template(
        "report_desk.html", form=form, document=document, choices=_choices(document, cache)
    )


def _report_from_form() -> tuple[ReportText, dict]:
    form = {k: request.form.get(k, "") for k in ("text", "published", "url")}
    upload = request.files.get("file")
    if upload and upload.filename:
        data = upload.read(MAX_REPORT_BYTES + 1)
        if len(data) > MAX_REPORT_BYTES:
            raise InvalidInputError(
                f"larger than {MAX_REPORT_BYTES:,} bytes", source=upload.filename
            )
        first = read_reports(data, source=upload.filename)[0]
        form["text"] = first.text
    if not form["text"].strip():
        raise InvalidInputError(
            "paste a report or choose a file", source="report desk", location="text"
        )
    try:
        published = date.fromisoformat(form["published"]) if form["published"] else None
    except ValueError:
        raise InvalidInputError(
            f"a date YYYY-MM-DD, not {form['published']!r}",
            source="report desk",
            location="published",
        ) from None
    url = form["url"] if form["url"].startswith(("http://", "https://")) else ""
    title = form["text"].strip().splitlines()[0][:300]
    return ReportText(form["text"], title, url, published, "text/plain"), form


def _corrections(form: dict) -> dict[int, str]:
    """``place_<n>`` fields: the place the analyst chose for event n (blank: the parser's)."""
    chosen = {}
    for key, value in request.form.items():
        if key.startswith("place_") and key[6:].isdigit() and value:
            chosen[int(key[6:])] = value
            form[key] = value
    return chosen


def _choices(document: dict, cache) -> dict[int, list[dict]]:
    """For each event, the places its words may mean and the report's other places."""
    mentioned = [
        (m["place_id"], f"{m['place_name']} ({m['country'] or m['kind']})")
        for m in document["mentions"]
    ]
    choices = {}
    for number, feature in enumerate(document["features"], start=1):
        props = feature["properties"]
        options = {props["place_id"]: f"{props['place_name']} ({props['country'] or '?'})"}
        for place in cache.gazetteer.lookup(props["place"])[:8]:
            options.setdefault(place.id, f"{place.name} ({place.country or place.kind.value})")
        for place_id, label in mentioned:
            options.setdefault(place_id, label)
        choices[number] = [{"id": k, "label": v} for k, v in options.items()]
    return choices
