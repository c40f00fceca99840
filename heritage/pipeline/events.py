"""Ingest event files into the event store: the step behind `reports ingest` and the API.

Without ``strict``, each chunk of rows is one transaction: good rows are stored, bad ones go
to the quarantine with file, row, column and reason, and an interrupted file can simply be
ingested again. With ``strict``, the file is one transaction and any rejection undoes it.
"""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.config import Settings
from heritage.domain import ConflictEvent, Rejection, Retraction
from heritage.errors import HeritageError, InvalidInputError, Problem
from heritage.fetch import fetch_to_file
from heritage.ingest.base import Item, parse_rows
from heritage.ingest.reader import EventFile, json_rows, open_event_file
from heritage.store import api_keys, feeds
from heritage.store import events as event_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "IngestResult",
    "check_source_name",
    "create_api_key",
    "revoke_api_key",
    "rotate_api_key",
    "ingest_event_file",
    "ingest_event_json",
    "ingest_location",
]

log = logging.getLogger(__name__)
FIRST_REASONS = 10
# ACLED's whole export is about 1.5 GB of CSV, GDELT's daily files far less: 10 GB leaves room
# and still stops a server that never stops sending before it fills the disk.
MAX_DOWNLOAD_BYTES = 10 * 1024**3
# Sources the adapters write: a partner named like one could overwrite its events.
_RESERVED_SOURCES = {"acled", "ucdp-ged", "ucdp-candidate", "gdelt"}


@dataclass
class IngestResult:
    location: str
    format: str
    file: str = ""
    rows: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    retracted: int = 0
    rejected: int = 0
    unknown_retractions: int = 0
    first_rejections: list[Rejection] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}  # the numbers only


def check_source_name(name: str, *, where: str) -> None:
    """A source of our own (a partner, a report desk): a short slug, never the name of an
    event data set (its events could be overwritten) nor of a file source."""
    if name in _RESERVED_SOURCES or name.startswith("file-"):
        raise InvalidInputError(
            f"source name {name!r} is the name of a data source; choose a name of your own",
            source=where,
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", name):
        raise InvalidInputError(
            f"source name {name!r} must be 1-64 lower-case letters, digits, '.', '_' or '-'",
            source=where,
        )


def create_api_key(session: Session, name: str, *, now: datetime) -> str:
    """A new random key for partner ``name``; only its hash is stored, so show it once.

    The name becomes the source of the partner's events, so it is a short slug.
    """
    check_source_name(name, where="api-keys create")
    key = secrets.token_urlsafe(32)
    api_keys.create_api_key(session, name, key, now=now)
    session.commit()
    return key


def revoke_api_key(session: Session, name: str, *, now: datetime) -> None:
    api_keys.revoke_api_key(session, name, now=now)
    session.commit()


def rotate_api_key(session: Session, name: str, *, now: datetime) -> str:
    """A new key for partner ``name`` (revoked or not); the old key stops working at once."""
    key = secrets.token_urlsafe(32)
    api_keys.reissue_api_key(session, name, key, now=now)
    session.commit()
    return key


def ingest_location(
    session: Session, location: str, settings: Settings, *, now: datetime, **options
) -> IngestResult:
    """Ingest a file, a folder of files (a watched inbox) or an http(s) URL.

    A URL is downloaded first and then read like a file. A folder's files are ingested in name
    order, each recorded as a source of its own; the result adds them up.
    """
    if location.startswith(("http://", "https://")):
        with _downloaded(location, settings) as path:
            public = _without_secrets(location)
            return ingest_event_file(session, path, settings, now=now, location=public, **options)
    path = Path(location)
    if not path.is_dir():
        return ingest_event_file(session, path, settings, now=now, **options)
    files = sorted(p for p in path.iterdir() if p.is_file() and _is_event_file(p))
    if not files:
        raise InvalidInputError(
            f"no event files in the folder ({', '.join(EVENT_SUFFIXES)})", source=location
        )
    total = IngestResult(str(path.resolve()), "folder", path.name)
    for file in files:
        try:
            result = ingest_event_file(session, file, settings, now=now, **options)
        except InvalidInputError as exc:  # recorded on its source; the other files go on
            total.failed_files.append(f"{file.name}: {exc}")
            continue
        for name, value in result.counts().items():
            setattr(total, name, getattr(total, name) + value)
        total.first_rejections.extend(
            result.first_rejections[: FIRST_REASONS - len(total.first_rejections)]
        )
    return total


def _without_secrets(url: str) -> str:
    """The URL as sources record and publish it: no user, password or query (API keys live
    there, e.g. ACLED's ``key=``)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


EVENT_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".geojson", ".gz")


def _is_event_file(path: Path) -> bool:
    return path.suffix.lower() in EVENT_SUFFIXES and not path.name.startswith(".")


def ingest_event_file(
    session: Session,
    path: Path,
    settings: Settings,
    *,
    now: datetime,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    source: str | None = None,
    strict: bool = False,
    location: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest one event file; see the module docstring for the transaction rules."""
    location = location or str(Path(path).resolve())
    try:
        event_file = open_event_file(path, fmt=fmt, mapping=mapping, source=source)
    except InvalidInputError as exc:
        _record_failure(session, location, fmt or "unknown", Path(path).name, str(exc), now)
        raise
    return _ingest(session, event_file, location, now=now, strict=strict, progress=progress)


def ingest_event_json(
    session: Session, data: object, *, source: str, now: datetime, strict: bool = True
) -> IngestResult:
    """Events posted to the API: one GeoJSON Feature or a FeatureCollection."""
    from heritage.ingest.generic import GenericAdapter  # noqa: PLC0415

    rows = json_rows(data, "request body")
    event_file = EventFile("request body", GenericAdapter("geojson", source), iter([rows]))
    return _ingest(session, event_file, f"api:{source}", now=now, strict=strict, progress=None)


def _ingest(session, event_file: EventFile, location, *, now, strict, progress) -> IngestResult:
    result = IngestResult(location, event_file.adapter.name, event_file.name)
    try:
        source_id, ingest_id = feeds.start_ingest(
            session, location, result.format, event_file.name, now=now
        )
        candidate = _CandidateRelease() if result.format == "ucdp-candidate" else None
        for chunk in event_file.chunks:
            items = list(parse_rows(event_file.adapter, chunk, event_file.name))
            _store_chunk(session, items, result, source_id, ingest_id, now=now, strict=strict)
            if candidate is not None:
                candidate.see(items)
            if not strict:
                session.commit()
            if progress is not None:
                progress(len(chunk))
        if candidate is not None and candidate.first is not None:
            result.retracted += event_store.retract_missing(
                session,
                "ucdp-candidate",
                candidate.ids,
                candidate.first,
                candidate.last,
                countries=candidate.countries,
                now=now,
            )
        feeds.finish_ingest(session, source_id, ingest_id, result.counts(), now=now)
        session.commit()
    except BaseException as exc:
        session.rollback()
        if isinstance(exc, HeritageError | OSError):
            _record_failure(session, location, result.format, event_file.name, str(exc), now)
        raise
    return result


def _store_chunk(
    session,
    items: list[tuple[int, Item]],
    result: IngestResult,
    source_id,
    ingest_id,
    *,
    now,
    strict,
):
    events, retractions, rejections = [], [], []
    first_row: dict[tuple[str, str], int] = {}
    for number, item in items:
        if isinstance(item, ConflictEvent):
            key = (item.source, item.source_id)
            if key in first_row:
                reason = f"duplicate event id {item.source_id!r} (first at row {first_row[key]})"
                rejections.append(Rejection(result.file, number, "id", reason))
                continue
            first_row[key] = number
            events.append(item)
        elif isinstance(item, Retraction):
            retractions.append(item)
        else:
            rejections.append(item)
    result.rows += len(items)
    if strict and rejections:
        raise InvalidInputError(
            [Problem(r.source_file, f"row {r.row}", r.column, None, r.reason) for r in rejections]
        )
    saved = event_store.save_events(session, events, now=now)
    withdrawn = event_store.retract_events(session, retractions, now=now)
    feeds.quarantine_rows(session, source_id, ingest_id, rejections, now=now)
    result.stored += saved.stored
    result.updated += saved.updated
    result.unchanged += saved.unchanged + withdrawn.unchanged
    result.retracted += withdrawn.retracted
    result.unknown_retractions += withdrawn.unknown_retractions
    result.rejected += len(rejections)
    room = FIRST_REASONS - len(result.first_rejections)
    result.first_rejections.extend(rejections[: max(room, 0)])


class _CandidateRelease:
    """The ids and date range of a UCDP Candidate release, to find the events it dropped."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.countries: set[str] = set()
        self.first: date | None = None
        self.last: date | None = None

    def see(self, items) -> None:
        for _, item in items:
            if isinstance(item, Rejection):  # a row we could not read is not a dropped event
                self.ids.add(str(item.raw.get("id", "")).removesuffix(".0"))
                continue
            if not isinstance(item, ConflictEvent):
                continue
            self.ids.add(item.source_id)
            self.countries.add(item.country)
            self.first = min(self.first or item.date_start, item.date_start)
            self.last = max(self.last or item.date_start, item.date_start)


def _record_failure(session, location, fmt, file, error, now) -> None:
    try:
        feeds.record_failure(session, location, fmt, file, error, now=now)
        session.commit()
    except Exception:  # the failure being recorded matters more; log this one
        session.rollback()
        log.exception("could not record the failed ingest of %s", location)


@contextmanager
def _downloaded(url: str, settings: Settings) -> Iterator[Path]:
    """The file at ``url`` in a temporary folder, fetched through :mod:`heritage.fetch`
    (private and loopback addresses refused at every hop, at most MAX_DOWNLOAD_BYTES)."""
    name = Path(url.split("?")[0].rstrip("/")).name or "download"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        fetch_to_file(url, path, settings=settings, max_bytes=MAX_DOWNLOAD_BYTES, timeout_s=60)
        yield path
