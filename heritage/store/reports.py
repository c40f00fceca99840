"""Free-text reports, stored once by the hash of their text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from heritage.geoparse.intake import ReportText
from heritage.store.tables import reports

__all__ = ["StoredReport", "get_report", "get_report_by_hash", "list_reports", "save_report"]


@dataclass(frozen=True)
class StoredReport:
    id: int
    content_hash: str
    source: str
    url: str
    title: str
    published: date | None
    media_type: str
    text: str
    extraction: dict
    n_events: int
    ingested_at: datetime


def save_report(
    session: Session,
    *,
    content_hash: str,
    source: str,
    report: ReportText,
    extraction: dict,
    n_events: int,
    now: datetime,
) -> int:
    return session.execute(
        insert(reports)
        .values(
            content_hash=content_hash,
            source=source,
            url=report.url,
            title=report.title,
            published=report.published,
            media_type=report.media_type,
            text=report.text,
            extraction=extraction,
            n_events=n_events,
            ingested_at=now,
        )
        .returning(reports.c.id)
    ).scalar_one()


def get_report_by_hash(session: Session, content_hash: str) -> StoredReport | None:
    row = session.execute(select(reports).where(reports.c.content_hash == content_hash)).first()
    return _stored(row) if row else None


def get_report(session: Session, report_id: int) -> StoredReport | None:
    row = session.execute(select(reports).where(reports.c.id == report_id)).first()
    return _stored(row) if row else None


def list_reports(session: Session, *, limit: int, offset: int) -> tuple[list[StoredReport], int]:
    total = session.execute(select(func.count()).select_from(reports)).scalar_one()
    rows = session.execute(
        select(reports).order_by(reports.c.id.desc()).limit(limit).offset(offset)
    ).all()
    return [_stored(row) for row in rows], total


def _stored(row) -> StoredReport:
    return StoredReport(
        row.id,
        row.content_hash,
        row.source,
        row.url,
        row.title,
        row.published,
        row.media_type,
        row.text,
        row.extraction,
        row.n_events,
        row.ingested_at,
    )
