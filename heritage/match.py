"""Match events to sites: which sites an event touches, how far it is, in which zone.

Sites are indexed once: an STRtree over their zones in degrees, and each site's zones in an
azimuthal equidistant (AEQD) frame centred on the site. For a batch of events, boxes of their
reach (in degrees, wider where meridians converge, doubled across the antimeridian) find the
candidate pairs; every pair is then measured at once, in numpy and shapely's vectorised
functions: the event's AEQD coordinates around the site come straight from the geodesic
(``Geod.inv``: distance and azimuth from the centre are what AEQD means on the ellipsoid), and
the planar distance to the site's zone in that frame is within 0.01% of the geodesic distance
over the reaches used here (DESIGN.md, "Geography rules"; the tests check 0.1% up to 100 km).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from heritage.config import RiskModel
from heritage.domain import ConflictEvent, Exposure, Site, Zone
from heritage.geo import GEOD

__all__ = ["SiteIndex", "build_site_index", "match_events"]

_M_PER_DEG_LAT = 110_574.0  # the shortest degree of latitude (at the equator): a safe bound
_ZONES = (Zone.CORE, Zone.BUFFER, Zone.VICINITY)


@dataclass(frozen=True)
class SiteIndex:
    """The registry prepared for matching; rebuild it when the registry changes."""

    sites: list[Site]
    tree: shapely.STRtree
    centre_lon: np.ndarray
    centre_lat: np.ndarray
    local_core: np.ndarray  # each site's core zone in metres around its centre
    local_edge: np.ndarray  # its boundary, for how deep inside the core an event lies
    local_buffer: np.ndarray


def build_site_index(sites: Sequence[Site]) -> SiteIndex:
    """Index the located sites (unlocated ones never match)."""
    located = [s for s in sites if not s.core_zone.is_empty]
    cores = np.array([s.core_zone for s in located], dtype=object)
    buffers = np.array([s.buffer_zone for s in located], dtype=object)
    centres = shapely.point_on_surface(cores) if len(located) else np.array([], dtype=object)
    lon0, lat0 = shapely.get_x(centres), shapely.get_y(centres)
    local_core = _to_local(cores, lon0, lat0)
    return SiteIndex(
        located,
        shapely.STRtree(shapely.union(cores, buffers)) if len(located) else shapely.STRtree([]),
        lon0,
        lat0,
        local_core,
        shapely.boundary(local_core),
        _to_local(buffers, lon0, lat0),
    )


def match_events(
    index: SiteIndex, events: Sequence[ConflictEvent], rules: RiskModel
) -> list[Exposure]:
    """Every (event, site) pair within the event type's reach of the site's core zone.

    Events located only to a province or a country (precision above ``max_precision_m``)
    match nothing. An event whose location radius is larger than its distance to the site (or,
    inside the core, than its distance to the core's edge) is ``is_uncertain`` and never in the
    core or buffer zone.
    """
    usable = [e for e in events if e.precision_m <= rules.max_precision_m]
    if not usable or not index.sites:
        return []
    lon = np.array([e.lon for e in usable])
    lat = np.array([e.lat for e in usable])
    reach = np.array([rules.reach_m[e.event_type.value] for e in usable])
    precision = np.array([e.precision_m for e in usable])
    boxes, owners = _reach_boxes(lon, lat, reach)
    box_i, site_i = index.tree.query(boxes, predicate="intersects")
    pairs = np.column_stack([site_i, owners[box_i]])
    if len(owners) > len(lon):  # boxes repeated across the antimeridian may repeat pairs
        pairs = np.unique(pairs, axis=0)
    if len(pairs) == 0:
        return []
    s, e = pairs[:, 0], pairs[:, 1]
    azimuth, _, metres = GEOD.inv(index.centre_lon[s], index.centre_lat[s], lon[e], lat[e])
    points = shapely.points(
        metres * np.sin(np.radians(azimuth)), metres * np.cos(np.radians(azimuth))
    )
    distance = shapely.distance(index.local_core[s], points)
    keep = distance <= reach[e]
    s, e, points, distance = s[keep], e[keep], points[keep], distance[keep]
    inside = distance == 0.0
    depth = np.where(inside, shapely.distance(index.local_edge[s], points), 0.0)
    uncertain = precision[e] > np.where(inside, depth, distance)
    buffered = shapely.intersects(index.local_buffer[s], points)
    zone = np.where(uncertain, 2, np.where(inside, 0, np.where(buffered, 1, 2)))
    refs = [f"{ev.source}:{ev.source_id}" for ev in usable]
    return [
        Exposure(index.sites[si].id, refs[ei], d, _ZONES[z], u)
        for si, ei, d, z, u in zip(
            s.tolist(),
            e.tolist(),
            distance.tolist(),
            zone.tolist(),
            uncertain.tolist(),
            strict=True,
        )
    ]


def _reach_boxes(lon: np.ndarray, lat: np.ndarray, reach: np.ndarray):
    dlat = reach / _M_PER_DEG_LAT
    cos_lat = np.cos(np.radians(np.minimum(np.abs(lat) + dlat, 89.0)))
    dlon = np.minimum(reach / (_M_PER_DEG_LAT * cos_lat), 180.0)
    boxes = [shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)]
    owners = [np.arange(len(lon))]
    for shift, crosses in ((360.0, lon - dlon < -180.0), (-360.0, lon + dlon > 180.0)):
        if crosses.any():  # the other side of the antimeridian
            i = np.flatnonzero(crosses)
            boxes.append(
                shapely.box(
                    lon[i] - dlon[i] + shift,
                    lat[i] - dlat[i],
                    lon[i] + dlon[i] + shift,
                    lat[i] + dlat[i],
                )
            )
            owners.append(i)
    return np.concatenate(boxes), np.concatenate(owners)


def _to_local(geoms: np.ndarray, lon0: np.ndarray, lat0: np.ndarray) -> np.ndarray:
    """Each geometry in AEQD metres around its own centre (vertex by vertex, all at once)."""
    if len(geoms) == 0:
        return geoms
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) == 0:
        return geoms
    azimuth, _, metres = GEOD.inv(lon0[owner], lat0[owner], coords[:, 0], coords[:, 1])
    local = np.column_stack(
        [metres * np.sin(np.radians(azimuth)), metres * np.cos(np.radians(azimuth))]
    )
    projected = shapely.set_coordinates(geoms.copy(), local)
    # Parts split at the antimeridian meet again in the local frame: make them one.
    invalid = ~shapely.is_valid(projected)
    projected[invalid] = shapely.make_valid(projected[invalid])
    return projected
