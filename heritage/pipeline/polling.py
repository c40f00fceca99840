"""Poll the watched sources that are due and the report inbox (the scheduler's first job)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.config import RISK_MODEL, Settings
from heritage.errors import HeritageError, InvalidInputError
from heritage.pipeline import reports
from heritage.pipeline.events import ingest_location
from heritage.store import feeds

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["PollResult", "poll_sources", "watch"]

log = logging.getLogger(__name__)

REPORT = "report"  # the format of a watched source that is free text: a page or an RSS/Atom feed


@dataclass
class PollResult:
    polled: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    reports: int = 0

    def summary(self) -> str:
        text = f"{len(self.polled)} source(s) polled, {self.reports} inbox report(s)"
        return text + (f"; failed: {'; '.join(self.failed)}" if self.failed else "")


def watch(
    session: Session,
    location: str,
    *,
    now: datetime,
    fmt: str | None = None,
    source_name: str | None = None,
    poll_interval_s: int | None = None,
    expected_interval_s: int | None = None,
) -> None:
    """Expect news from ``location``: poll it every ``poll_interval_s`` (None: it is pushed,
    e.g. by a partner over the API) and report it stale after ``expected_interval_s``."""
    feeds.watch_source(
        session,
        location,
        fmt=fmt,
        source_name=source_name,
        poll_interval_s=poll_interval_s,
        expected_interval_s=expected_interval_s,
        now=now,
    )
    session.commit()


def poll_sources(
    session: Session, settings: Settings, cache: reports.GazetteerCache, *, now: datetime
) -> PollResult:
    """Ingest each watched source whose poll interval has passed, then the report inbox.

    A failing source is recorded on its source (feed health reports it) and does not stop
    the others.
    """
    result = PollResult()
    for watched in feeds.list_watched(session):
        if not _is_due(watched, now):
            continue
        try:
            _poll(session, settings, cache, watched, now)
            result.polled.append(watched.location)
        except HeritageError as exc:
            session.rollback()
            log.warning("polling %s failed: %s", watched.location, exc)
            result.failed.append(f"{watched.location}: {exc}")
    if settings.report_inbox:
        folder = Path(settings.report_inbox)
        folder.mkdir(parents=True, exist_ok=True)
        found, failures = reports.ingest_report_files(
            session,
            folder,
            RISK_MODEL,
            reports.load_gazetteer(session, cache),
            source="inbox",
            now=now,
        )
        result.reports += len(found)
        result.failed += failures
    return result


def _is_due(watched: feeds.WatchedSource, now: datetime) -> bool:
    if not watched.poll_interval_s:
        return False
    last = watched.last_attempt_at
    return last is None or now - last >= timedelta(seconds=watched.poll_interval_s)


def _poll(session, settings, cache, watched: feeds.WatchedSource, now: datetime) -> None:
    if watched.format != REPORT:
        ingest_location(
            session,
            watched.location,
            settings,
            now=now,
            fmt=watched.format,
            source=watched.source_name,
        )
        return
    location = watched.location
    is_url = location.startswith(("http://", "https://"))
    try:
        data = (
            reports.download_report(location, settings) if is_url else Path(location).read_bytes()
        )
    except (InvalidInputError, OSError) as exc:
        # Recorded on the source, so feed health sees a failing feed, not just a silent one.
        feeds.record_failure(session, location, REPORT, location, str(exc), now=now)
        session.commit()
        raise InvalidInputError(f"cannot read: {exc}", source=location) from None
    reports.ingest_reports(
        session,
        data,
        RISK_MODEL,
        reports.load_gazetteer(session, cache),
        source=watched.source_name or "reports",
        location=location,
        url=location if is_url else "",
        now=now,
    )
