"""The site registry's repository: save (idempotent upsert with geometry history), read, list."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import (
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from heritage.domain import (
    Designation,
    DesignationKind,
    GeometryPrecision,
    Provenance,
    Site,
    SiteName,
)
from heritage.errors import ConflictError, NotFoundError
from heritage.store.site_bbox import KEY_COLUMNS, KEYED, key_rows_in_bbox
from heritage.store.tables import (
    current_risks,
    registry_imports,
    site_countries,
    site_geometry_history,
    site_names,
    sites,
)

__all__ = [
    "GeometryVersion",
    "SaveOutcome",
    "SiteKey",
    "SiteQuery",
    "StoredSite",
    "geometry_history",
    "get_site",
    "get_site_key",
    "get_sites",
    "get_sites_in_order",
    "list_site_keys",
    "list_sites",
    "record_import",
    "save_sites",
    "site_ids_by_unesco_id",
    "site_versions",
]


@dataclass(frozen=True)
class StoredSite:
    site: Site
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SiteKey:
    """What tells one stored state of a site from another, without reading the site; with
    the revision of its current risk (``None``: never assessed, or not asked for)."""

    id: str
    version: int
    updated_at: datetime
    risk_revision: int | None = None


@dataclass(frozen=True)
class GeometryVersion:
    version: int
    geometry_precision: str
    geometry_source: str | None
    core_zone: MultiPolygon
    buffer_zone: MultiPolygon
    valid_from: datetime
    valid_until: datetime | None


@dataclass
class SaveOutcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SiteQuery:
    """Filters for listing sites; ``bbox`` is (min_lon, min_lat, max_lon, max_lat).

    A bbox whose min_lon is greater than its max_lon crosses the antimeridian.
    """

    bbox: tuple[float, float, float, float] | None = None
    country: str | None = None
    designation: str | None = None
    in_danger: bool | None = None
    level: str | None = None  # the level of the site's latest assessment ('none' if never assessed)
    name: str | None = None  # part of any of its names, or its id (Latin letters in any case)


def save_sites(session: Session, new_sites: Iterable[Site], *, now: datetime) -> SaveOutcome:
    """Insert new sites and update changed ones in place; identical ones are left alone.

    When a site's zones change, the earlier zones go to the geometry history. The caller owns
    the transaction, so a failed import leaves nothing half-written.
    """
    outcome = SaveOutcome()
    for site in new_sites:
        fingerprint = _fingerprint(site)
        row = session.execute(
            select(sites.c.fingerprint, sites.c.version).where(sites.c.id == site.id)
        ).one_or_none()
        _check_unesco_id(session, site)
        if row is None:
            _insert(session, site, fingerprint, now)
            outcome.created.append(site.id)
        elif row.fingerprint == fingerprint:
            outcome.unchanged.append(site.id)
        else:
            _update(session, site, fingerprint, row.version, now)
            outcome.updated.append(site.id)
    return outcome


def get_site(session: Session, site_id: str) -> StoredSite:
    row = session.execute(select(sites).where(sites.c.id == site_id)).one_or_none()
    if row is None:
        raise NotFoundError("site", site_id)
    return _load(session, [row])[0]


def get_site_key(session: Session, site_id: str) -> SiteKey:
    row = session.execute(
        select(*KEY_COLUMNS).select_from(KEYED).where(sites.c.id == site_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("site", site_id)
    return SiteKey(*row)


def get_sites(session: Session, site_ids: Sequence[str]) -> list[StoredSite]:
    """The sites with these ids that exist (batched lookups)."""
    ids = sorted(set(site_ids))
    rows = []
    for start in range(0, len(ids), 900):
        rows += session.execute(select(sites).where(sites.c.id.in_(ids[start : start + 900]))).all()
    return _load(session, rows)


def list_sites(
    session: Session,
    query: SiteQuery,
    *,
    limit: int,
    offset: int,
    sensitive_grid_deg: float | None = None,
) -> tuple[list[StoredSite], int]:
    """One page of sites ordered by id, and how many match in all (see ``list_site_keys``)."""
    if query.bbox is None:  # one query for the page's rows, not keys first
        conditions = _conditions(query)
        rows = session.execute(
            select(sites).where(*conditions).order_by(sites.c.id).limit(limit).offset(offset)
        ).all()
        return _load(session, rows), _count(session, conditions)
    keys, total = list_site_keys(
        session, query, limit=limit, offset=offset, sensitive_grid_deg=sensitive_grid_deg
    )
    return get_sites_in_order(session, [key.id for key in keys]), total


def list_site_keys(
    session: Session,
    query: SiteQuery,
    *,
    limit: int,
    offset: int,
    sensitive_grid_deg: float | None = None,
) -> tuple[list[SiteKey], int]:
    """One page of sites ordered by id, as their keys only, and how many match in all.

    With ``sensitive_grid_deg``, the bbox is tested against the generalised geometry of
    sensitive sites, so a bbox probe cannot reveal more than the published geometry does.
    """
    conditions = _conditions(query)
    if query.bbox is None:
        total = _count(session, conditions)
        rows = session.execute(
            select(*KEY_COLUMNS)
            .select_from(KEYED)
            .where(*conditions)
            .order_by(sites.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [SiteKey(*row) for row in rows], total
    rows = key_rows_in_bbox(session, query.bbox, conditions, sensitive_grid_deg)
    matching = [SiteKey(*row) for row in rows]
    return matching[offset : offset + limit], len(matching)


def _count(session: Session, conditions: list) -> int:
    return session.execute(select(func.count()).select_from(sites).where(*conditions)).scalar_one()


def get_sites_in_order(session: Session, site_ids: Sequence[str]) -> list[StoredSite]:
    """These sites, in the order given (batched lookups)."""
    by_id = {item.site.id: item for item in get_sites(session, site_ids)}
    return [by_id[site_id] for site_id in site_ids if site_id in by_id]


def site_versions(session: Session) -> list[tuple[str, int]]:
    """(id, version) of every site, by id: enough to tell whether the registry changed."""
    return [
        tuple(row)
        for row in session.execute(select(sites.c.id, sites.c.version).order_by(sites.c.id))
    ]


def site_ids_by_unesco_id(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(sites.c.unesco_id, sites.c.id).where(sites.c.unesco_id.is_not(None))
    )
    return {unesco_id: site_id for unesco_id, site_id in rows}


def geometry_history(session: Session, site_id: str) -> list[GeometryVersion]:
    """Every geometry the site has had, the current one last."""
    current = get_site(session, site_id)
    rows = session.execute(
        select(site_geometry_history)
        .where(site_geometry_history.c.site_id == site_id)
        .order_by(site_geometry_history.c.version)
    ).all()
    versions = [
        GeometryVersion(
            r.version,
            r.geometry_precision,
            r.geometry_source,
            shapely.from_wkb(r.core_wkb),
            shapely.from_wkb(r.buffer_wkb),
            r.valid_from,
            r.valid_until,
        )
        for r in rows
    ]
    since = session.execute(
        select(sites.c.geometry_since).where(sites.c.id == site_id)
    ).scalar_one()
    site = current.site
    versions.append(
        GeometryVersion(
            current.version,
            site.provenance.geometry_precision.value,
            site.provenance.sources.get("geometry"),
            site.core_zone,
            site.buffer_zone,
            since,
            None,
        )
    )
    return versions


def record_import(
    session: Session,
    *,
    kind: str,
    path: str,
    outcome: SaveOutcome,
    records: int,
    repairs: Sequence[str],
    notes: Sequence[str],
    now: datetime,
) -> None:
    session.execute(
        insert(registry_imports).values(
            kind=kind,
            path=path,
            finished_at=now,
            records=records,
            created=len(outcome.created),
            updated=len(outcome.updated),
            unchanged=len(outcome.unchanged),
            repairs=list(repairs),
            notes=list(notes),
        )
    )


def _check_unesco_id(session: Session, site: Site) -> None:
    unesco_id = site.designation.unesco_id
    if unesco_id is None:
        return
    holder = session.execute(
        select(sites.c.id).where(sites.c.unesco_id == unesco_id, sites.c.id != site.id)
    ).scalar_one_or_none()
    if holder is not None:
        raise ConflictError(
            f"site '{site.id}' has UNESCO id {unesco_id}, which site '{holder}' already has"
        )


def _values(site: Site, fingerprint: str) -> dict:
    d = site.designation
    min_lon, min_lat, max_lon, max_lat = _bounds(site)
    return {
        "name": site.name,
        "designation": d.kind.value,
        "unesco_id": d.unesco_id,
        "inscribed_year": d.inscribed_year,
        "in_danger": d.in_danger,
        "in_danger_since": d.in_danger_since,
        "vulnerability": site.vulnerability,
        "sensitive": site.sensitive,
        "geometry_precision": site.provenance.geometry_precision.value,
        "sources": dict(site.provenance.sources),
        "core_wkb": shapely.to_wkb(site.core_zone),
        "buffer_wkb": shapely.to_wkb(site.buffer_zone),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "fingerprint": fingerprint,
    }


def _insert(session: Session, site: Site, fingerprint: str, now: datetime) -> None:
    session.execute(
        insert(sites).values(
            id=site.id,
            version=1,
            created_at=now,
            updated_at=now,
            geometry_since=now,
            **_values(site, fingerprint),
        )
    )
    _replace_children(session, site)


def _update(session: Session, site: Site, fingerprint: str, version: int, now: datetime) -> None:
    old = session.execute(select(sites).where(sites.c.id == site.id)).one()
    geometry_changed = (old.core_wkb, old.buffer_wkb) != (
        shapely.to_wkb(site.core_zone),
        shapely.to_wkb(site.buffer_zone),
    )
    values = _values(site, fingerprint) | {"version": version + 1, "updated_at": now}
    if geometry_changed:
        session.execute(
            insert(site_geometry_history).values(
                site_id=site.id,
                version=old.version,
                geometry_precision=old.geometry_precision,
                geometry_source=(old.sources or {}).get("geometry"),
                core_wkb=old.core_wkb,
                buffer_wkb=old.buffer_wkb,
                valid_from=old.geometry_since,
                valid_until=now,
            )
        )
        values["geometry_since"] = now
    session.execute(update(sites).where(sites.c.id == site.id).values(**values))
    _replace_children(session, site)


def _replace_children(session: Session, site: Site) -> None:
    session.execute(delete(site_names).where(site_names.c.site_id == site.id))
    session.execute(delete(site_countries).where(site_countries.c.site_id == site.id))
    if site.names:
        session.execute(
            insert(site_names),
            [
                {"site_id": site.id, "position": i, "name": n.name, "lang": n.lang}
                for i, n in enumerate(site.names)
            ],
        )
    if site.countries:
        session.execute(
            insert(site_countries), [{"site_id": site.id, "country": c} for c in site.countries]
        )


def _load(session: Session, rows: Sequence) -> list[StoredSite]:
    ids = [row.id for row in rows]
    names: dict[str, list[SiteName]] = {i: [] for i in ids}
    countries: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        for r in session.execute(
            select(site_names).where(site_names.c.site_id.in_(ids)).order_by(site_names.c.position)
        ):
            names[r.site_id].append(SiteName(r.name, r.lang))
        for r in session.execute(
            select(site_countries)
            .where(site_countries.c.site_id.in_(ids))
            .order_by(site_countries.c.country)
        ):
            countries[r.site_id].append(r.country)
    # One GEOS call for all the zones of the page: a tenth of the time of one call per zone.
    cores = shapely.from_wkb([row.core_wkb for row in rows]) if rows else []
    buffers = shapely.from_wkb([row.buffer_wkb for row in rows]) if rows else []
    return [
        _stored(row, names[row.id], countries[row.id], core, buffer)
        for row, core, buffer in zip(rows, cores, buffers, strict=True)
    ]


def _stored(row, names: list[SiteName], countries: list[str], core, buffer) -> StoredSite:
    site = Site(
        id=row.id,
        name=row.name,
        core_zone=core,
        buffer_zone=buffer,
        designation=Designation(
            DesignationKind(row.designation),
            row.unesco_id,
            row.inscribed_year,
            bool(row.in_danger),
            row.in_danger_since,
        ),
        provenance=Provenance(GeometryPrecision(row.geometry_precision), dict(row.sources or {})),
        names=tuple(names),
        countries=tuple(countries),
        vulnerability=row.vulnerability,
        sensitive=bool(row.sensitive),
    )
    return StoredSite(site, row.version, row.created_at, row.updated_at)


def _fingerprint(site: Site) -> str:
    d = site.designation
    canonical = {
        "name": site.name,
        "names": [[n.name, n.lang] for n in site.names],
        "countries": list(site.countries),
        "designation": [
            d.kind.value,
            d.unesco_id,
            d.inscribed_year,
            d.in_danger,
            d.in_danger_since,
        ],
        "vulnerability": site.vulnerability,
        "sensitive": site.sensitive,
        "precision": site.provenance.geometry_precision.value,
        "sources": dict(sorted(site.provenance.sources.items())),
        "core": shapely.to_wkb(site.core_zone, hex=True),
        "buffer": shapely.to_wkb(site.buffer_zone, hex=True),
    }
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _bounds(site: Site) -> tuple[float | None, ...]:
    both = shapely.union(site.core_zone, site.buffer_zone)
    if both.is_empty:
        return (None, None, None, None)
    return tuple(float(v) for v in both.bounds)


def _conditions(query: SiteQuery) -> list:
    conditions = []
    if query.name:
        part = query.name.lower()
        named = select(site_names.c.site_id).where(
            func.lower(site_names.c.name).contains(part, autoescape=True)
        )
        conditions.append(
            or_(
                func.lower(sites.c.name).contains(part, autoescape=True),
                sites.c.id == part,
                sites.c.id.in_(named),
            )
        )
    if query.level is not None:
        if query.level == "none":  # no assessment yet counts as no risk
            conditions.append(
                sites.c.id.not_in(
                    select(current_risks.c.site_id).where(current_risks.c.level != "none")
                )
            )
        else:
            conditions.append(
                sites.c.id.in_(
                    select(current_risks.c.site_id).where(current_risks.c.level == query.level)
                )
            )
    if query.country:
        conditions.append(
            sites.c.id.in_(
                select(site_countries.c.site_id).where(
                    site_countries.c.country == query.country.upper()
                )
            )
        )
    if query.designation:
        conditions.append(sites.c.designation == query.designation)
    if query.in_danger is not None:
        conditions.append(sites.c.in_danger.is_(query.in_danger))
    return conditions
