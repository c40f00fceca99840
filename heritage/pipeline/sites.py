"""Registry steps: import site files and the World Heritage List, record heartbeats.

Each import is one transaction: it either completes or leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.config import Settings
from heritage.domain import Site
from heritage.errors import InvalidInputError, Problem
from heritage.registry import ImportReport, SiteRecord, build_sites
from heritage.site_files import read_site_records
from heritage.store import heartbeats
from heritage.store import sites as site_store
from heritage.whc import merge_whc_site, read_whc_records

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ImportResult", "import_site_files", "import_whc_list", "record_heartbeat"]


@dataclass
class ImportResult:
    path: str
    records: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repairs": self.repairs,
            "notes": self.notes,
        }


def import_site_files(
    session: Session, path: Path, settings: Settings, *, now: datetime, crs: str | None = None
) -> ImportResult:
    """Import a site file or a folder of them (GeoJSON, GeoPackage, Shapefile zip, KML/KMZ, CSV).

    Everything is read and validated before anything is written; the whole import is one
    transaction. Re-importing the same file changes nothing.
    """
    records = read_site_records(path, crs=crs)
    sites, report = build_sites(records, settings)
    _check_unique_unesco_ids(sites, records)
    return _save(session, "files", path, sites, report, now)


def import_whc_list(
    session: Session, path: Path, settings: Settings, *, now: datetime
) -> ImportResult:
    """Import the UNESCO World Heritage List export.

    Properties already in the registry (matched by UNESCO id) keep their id; their designation
    is updated, and their zones only when the registered ones are approximate too.
    """
    ids = site_store.site_ids_by_unesco_id(session)
    records = read_whc_records(
        path, default_radius_m=settings.whc_default_radius_m, ids_by_unesco_id=ids
    )
    incoming, report = build_sites(records, settings)
    _check_unique_unesco_ids(incoming, records)
    merged = []
    for site in incoming:
        if site.designation.unesco_id in ids:
            existing = site_store.get_site(session, site.id).site
            merged.append(merge_whc_site(existing, site))
        else:
            merged.append(site)
    return _save(session, "whc", path, merged, report, now)


def record_heartbeat(
    session: Session, *, name: str, host: str, pid: int, started_at: datetime, now: datetime
) -> None:
    heartbeats.beat(session, name=name, host=host, pid=pid, started_at=started_at, now=now)
    session.commit()


def _save(
    session: Session,
    kind: str,
    path: Path,
    sites: Sequence[Site],
    report: ImportReport,
    now: datetime,
) -> ImportResult:
    try:
        outcome = site_store.save_sites(session, sites, now=now)
        site_store.record_import(
            session,
            kind=kind,
            path=str(path),
            outcome=outcome,
            records=report.records,
            repairs=report.repairs,
            notes=report.notes,
            now=now,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ImportResult(
        str(path),
        report.records,
        outcome.created,
        outcome.updated,
        outcome.unchanged,
        report.repairs,
        report.notes,
    )


def _check_unique_unesco_ids(sites: Sequence[Site], records: Sequence[SiteRecord]) -> None:
    where = {str(r.properties.get("id")): r for r in records}
    seen: dict[int, str] = {}
    problems = []
    for site in sites:
        unesco_id = site.designation.unesco_id
        if unesco_id is None:
            continue
        if unesco_id in seen:
            record = where.get(site.id)
            problems.append(
                Problem(
                    record.source if record else str(site.id),
                    record.location if record else "",
                    "unesco_id",
                    unesco_id,
                    f"UNESCO id also given to site '{seen[unesco_id]}'",
                )
            )
        seen[unesco_id] = site.id
    if problems:
        raise InvalidInputError(problems)
