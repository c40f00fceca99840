"""Domain objects of the monitor: plain, immutable dataclasses with no storage or web in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from shapely.geometry import MultiPolygon

__all__ = [
    "Designation",
    "DesignationKind",
    "GeometryPrecision",
    "Provenance",
    "Site",
    "SiteName",
]


class GeometryPrecision(StrEnum):
    """How exact a site's zones are, best first."""

    SURVEYED = "surveyed"  # an official or surveyed boundary
    DIGITISED = "digitised"  # drawn from maps, imagery or landmark coordinates
    APPROXIMATE_AREA_CIRCLE = "approximate-area-circle"  # circle of the declared area
    APPROXIMATE_RADIUS_CIRCLE = "approximate-radius-circle"  # circle of a stated radius
    UNLOCATED = "unlocated"  # listed without any location (empty zones; never matched)

    @property
    def rank(self) -> int:
        """0 for the most exact kind; a larger number is less exact."""
        return list(GeometryPrecision).index(self)


class DesignationKind(StrEnum):
    WORLD_HERITAGE = "world_heritage"
    TENTATIVE = "tentative"
    NATIONAL = "national"


@dataclass(frozen=True)
class SiteName:
    """One name of a site with its BCP 47 language tag (``ar``, ``ar-Latn``, ``uk``...)."""

    name: str
    lang: str


@dataclass(frozen=True)
class Designation:
    kind: DesignationKind
    unesco_id: int | None = None
    inscribed_year: int | None = None
    in_danger: bool = False
    in_danger_since: int | None = None


@dataclass(frozen=True)
class Provenance:
    """Where each fact comes from (``sources``: fact -> citation) and how exact the geometry is."""

    geometry_precision: GeometryPrecision
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """A heritage site: a core zone and the buffer ring around it, in WGS84 lon/lat.

    ``buffer_zone`` excludes the core zone. Zones crossing the antimeridian are stored as
    MultiPolygons split at 180 degrees (RFC 7946, section 3.1.9).
    """

    id: str
    name: str
    core_zone: MultiPolygon
    buffer_zone: MultiPolygon
    designation: Designation
    provenance: Provenance
    names: tuple[SiteName, ...] = ()
    countries: tuple[str, ...] = ()
    vulnerability: float = 1.0
    sensitive: bool = False
