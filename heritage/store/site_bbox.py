"""Which sites' zones meet a box: the spatial index for candidates, the zones of those across
its edge, sensitive sites by their published (generalised) area.

On SQLite the candidates come from the R*Tree and ``site_keys`` alone (migrations 0007-0008);
on PostgreSQL from a GiST index on the sites' bounds.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Boolean, Float, Integer, String, select, text
from sqlalchemy.orm import Session

from heritage.geo import generalised_bounds
from heritage.store.tables import UTCDateTime, current_risks, sites

__all__ = ["KEYED", "KEY_COLUMNS", "key_rows_in_bbox"]

# What tells one stored state of a site from another (``sites.SiteKey``), and where it is read.
KEY_COLUMNS = (sites.c.id, sites.c.version, sites.c.updated_at, current_risks.c.revision)
KEYED = sites.outerjoin(current_risks, current_risks.c.site_id == sites.c.id)
_BOUNDS_COLUMNS = (sites.c.min_lon, sites.c.min_lat, sites.c.max_lon, sites.c.max_lat)


def key_rows_in_bbox(
    session: Session,
    bbox: tuple[float, float, float, float],
    conditions: list,
    sensitive_grid_deg: float | None,
) -> list[tuple]:
    """(id, version, updated_at, risk revision), in id order, of the sites meeting
    ``conditions`` (on ``sites``) whose zones meet the box.

    The spatial index yields the sites whose bounds overlap the box. A site whose bounds lie
    inside the box meets it; only those across its edge have their zones read and tested. A
    sensitive site is judged by its generalised area (``geo.generalise``), whose bounds follow
    from the site's: the index is asked for a box that much wider.
    """
    search = bbox
    if sensitive_grid_deg is not None:
        search = _widened(bbox, 2 * sensitive_grid_deg + 1e-9)
    candidates = _candidates(session, bbox, search, conditions)
    if not candidates:
        return []
    bounds = np.array([row[-4:] for row in candidates], dtype=float)
    sensitive = np.array([bool(row.sensitive) for row in candidates])
    if sensitive_grid_deg is not None and sensitive.any():
        bounds[sensitive] = generalised_bounds(bounds[sensitive], sensitive_grid_deg)
    overlaps, within = _against_box(bounds, bbox)
    met = within
    edge = np.flatnonzero(overlaps & ~within)
    if edge.size:
        met[edge] = _zones_meeting(
            session, [candidates[k].id for k in edge], bbox, sensitive_grid_deg
        )
    return [tuple(row[:4]) for row, is_met in zip(candidates, met, strict=True) if is_met]


def _against_box(
    bounds: np.ndarray, bbox: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``bounds``: does it overlap the box, and does it lie inside it."""
    overlaps = np.zeros(len(bounds), dtype=bool)
    within = np.zeros(len(bounds), dtype=bool)
    min_lon, min_lat, max_lon, max_lat = bounds.T
    for west, south, east, north in _unwrapped(bbox):
        overlaps |= (max_lon >= west) & (min_lon <= east) & (max_lat >= south) & (min_lat <= north)
        within |= (min_lon >= west) & (max_lon <= east) & (min_lat >= south) & (max_lat <= north)
    return overlaps, within


def _candidates(
    session: Session,
    bbox: tuple[float, float, float, float],
    search: tuple[float, float, float, float],
    conditions: list,
) -> list:
    """Rows of (id, version, updated_at, risk_revision, sensitive, min_lon, min_lat, max_lon,
    max_lat), by id, of the sites meeting ``conditions`` whose bounds overlap ``bbox``, and of
    the sensitive ones whose bounds overlap ``search`` (``bbox`` widened by their
    generalisation): what the spatial index of migrations 0007-0008 answers."""
    parts = _unwrapped(search)
    if session.get_bind().dialect.name != "sqlite":
        bounds = "box(point(sites.min_lon, sites.min_lat), point(sites.max_lon, sites.max_lat))"
        overlaps = " OR ".join(
            f"{bounds} && box(point(:w{i}, :s{i}), point(:e{i}, :n{i}))" for i in range(len(parts))
        )
        in_index = text(f"({overlaps})").bindparams(**_box_params(parts))
        return session.execute(
            select(*KEY_COLUMNS, sites.c.sensitive, *_BOUNDS_COLUMNS)
            .select_from(KEYED)
            .where(*conditions, in_index)
            .order_by(sites.c.id)
        ).all()
    # SQLite: the R*Tree and ``site_keys`` hold all a candidate needs, so no site row is read
    # (two b-tree searches per candidate, the most of a dense box's time). The R*Tree keeps
    # 32-bit floats rounded outwards: a superset, tested exactly later.
    exact = _unwrapped(bbox)
    in_box = " OR ".join(
        f"(b.max_lon >= :xw{i} AND b.min_lon <= :xe{i} AND b.max_lat >= :xs{i}"
        f" AND b.min_lat <= :xn{i})"
        for i in range(len(exact))
    )
    in_rtree = " UNION ".join(
        "SELECT k.site_id AS id, k.version, k.updated_at, k.risk_revision, k.sensitive,"
        " b.min_lon, b.min_lat, b.max_lon, b.max_lat"
        " FROM site_bounds b JOIN site_keys k ON k.key = b.key"
        f" WHERE b.max_lon >= :w{i} AND b.min_lon <= :e{i}"
        f" AND b.max_lat >= :s{i} AND b.min_lat <= :n{i} AND (k.sensitive OR {in_box})"
        for i in range(len(parts))
    )
    params = _box_params(parts) | _box_params(exact, prefix="x")
    found = (
        text(in_rtree)
        .bindparams(**params)
        .columns(
            id=String,
            version=Integer,
            updated_at=UTCDateTime,
            risk_revision=Integer,
            sensitive=Boolean,
            min_lon=Float,
            min_lat=Float,
            max_lon=Float,
            max_lat=Float,
        )
        .subquery("found")
    )
    query = select(found).order_by(found.c.id)
    if conditions:
        query = query.where(found.c.id.in_(select(sites.c.id).where(*conditions)))
    return session.execute(query).all()


def _unwrapped(bbox: tuple[float, float, float, float]) -> list[tuple[float, ...]]:
    """The box as one or two boxes that do not cross the antimeridian."""
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon <= max_lon:
        return [bbox]
    return [(min_lon, min_lat, 180.0, max_lat), (-180.0, min_lat, max_lon, max_lat)]


def _box_params(parts: list[tuple[float, ...]], prefix: str = "") -> dict[str, float]:
    params = {}
    for i, (west, south, east, north) in enumerate(parts):
        params |= {
            f"{prefix}w{i}": west,
            f"{prefix}s{i}": south,
            f"{prefix}e{i}": east,
            f"{prefix}n{i}": north,
        }
    return params


def _zones_meeting(
    session: Session,
    site_ids: list[str],
    bbox: tuple[float, float, float, float],
    sensitive_grid_deg: float | None,
) -> np.ndarray:
    """For each of these sites (in order): do its zones (generalised, if sensitive) meet the
    box."""
    window = _bbox_geometry(bbox)
    shapely.prepare(window)
    met = np.zeros(len(site_ids), dtype=bool)
    position = {site_id: k for k, site_id in enumerate(site_ids)}
    for start in range(0, len(site_ids), 900):
        rows = session.execute(
            select(sites.c.id, sites.c.sensitive, sites.c.core_wkb, sites.c.buffer_wkb).where(
                sites.c.id.in_(site_ids[start : start + 900])
            )
        ).all()
        if not rows:
            continue
        cores = shapely.from_wkb([row.core_wkb for row in rows])
        buffers = shapely.from_wkb([row.buffer_wkb for row in rows])
        meets = shapely.intersects(window, cores) | shapely.intersects(window, buffers)
        if sensitive_grid_deg is not None:
            hidden = np.array([bool(row.sensitive) for row in rows])
            if hidden.any():
                meets[hidden] = _generalised_meeting(
                    cores[hidden], buffers[hidden], bbox, sensitive_grid_deg
                )
        met[[position[row.id] for row in rows]] = meets
    return met


def _generalised_meeting(
    cores: np.ndarray,
    buffers: np.ndarray,
    bbox: tuple[float, float, float, float],
    grid_deg: float,
) -> np.ndarray:
    """For each site: does its generalised area meet the box. ``geo.generalise`` publishes a
    grid box around each part of the zones, so the parts' boxes are tested, not built."""
    parts, owner = shapely.get_parts(shapely.union(cores, buffers), return_index=True)
    shown = generalised_bounds(shapely.bounds(parts), grid_deg)
    meeting = _against_box(shown, bbox)[0]
    return np.bincount(owner, weights=meeting, minlength=len(cores)) > 0


def _widened(bbox: tuple[float, float, float, float], by_deg: float):
    """The box grown by ``by_deg`` on every side (wrapping at ±180°, clamped at the poles)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    width = (max_lon - min_lon) % 360.0 if min_lon > max_lon else max_lon - min_lon
    if width + 2 * by_deg >= 360.0:
        min_lon, max_lon = -180.0, 180.0
    else:
        min_lon = (min_lon - by_deg + 180.0) % 360.0 - 180.0
        max_lon = (max_lon + by_deg + 180.0) % 360.0 - 180.0
    return min_lon, max(-90.0, min_lat - by_deg), max_lon, min(90.0, max_lat + by_deg)


def _bbox_geometry(bbox: tuple[float, float, float, float]):
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon <= max_lon:
        return box(min_lon, min_lat, max_lon, max_lat)
    return MultiPolygon(
        [box(min_lon, min_lat, 180.0, max_lat), box(-180.0, min_lat, max_lon, max_lat)]
    )
