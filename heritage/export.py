"""Sites as GeoJSON features and CSV rows: the one shape the API, the CLI and exports share."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import shapely
from shapely.geometry import mapping

from heritage.domain import Site
from heritage.geo import canonical, generalise

__all__ = ["CSV_COLUMNS", "site_feature", "sites_csv"]

CSV_COLUMNS = (
    "id",
    "name",
    "names",
    "countries",
    "designation",
    "unesco_id",
    "inscribed_year",
    "in_danger",
    "in_danger_since",
    "vulnerability",
    "sensitive",
    "geometry_precision",
    "geometry_generalised",
    "sources",
    "wkt",
    "buffer_wkt",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_SOURCES = ("designation", "names")
_WITHHELD = "withheld: this is a sensitive site, its exact location is not published"


def site_feature(
    site: Site, *, generalise_deg: float | None = None, extra: dict | None = None
) -> dict:
    """A GeoJSON Feature: the core zone as geometry, the buffer zone in ``buffer_zone``.

    With ``generalise_deg``, a sensitive site's zones are replaced by a coarse grid-aligned area
    and ``geometry_generalised`` says so.
    """
    core, buffer, generalised = _published_zones(site, generalise_deg)
    d = site.designation
    properties = {
        "id": site.id,
        "name": site.name,
        "names": [{"name": n.name, "lang": n.lang} for n in site.names],
        "countries": list(site.countries),
        "designation": {
            "kind": d.kind.value,
            "unesco_id": d.unesco_id,
            "inscribed_year": d.inscribed_year,
            "in_danger": d.in_danger,
            "in_danger_since": d.in_danger_since,
        },
        "vulnerability": site.vulnerability,
        "sensitive": site.sensitive,
        "geometry_precision": site.provenance.geometry_precision.value,
        "geometry_generalised": generalised,
        "sources": _published_sources(site, generalised),
        "buffer_zone": _geojson(buffer),
    }
    properties.update(extra or {})
    return {"type": "Feature", "id": site.id, "geometry": _geojson(core), "properties": properties}


def sites_csv(sites: Iterable[Site], *, generalise_deg: float | None = None) -> str:
    """CSV with WKT geometry; cells that a spreadsheet would run as formulas are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for site in sites:
        core, buffer, generalised = _published_zones(site, generalise_deg)
        d = site.designation
        row = [
            site.id,
            site.name,
            "; ".join(f"{n.name}@{n.lang}" for n in site.names),
            ",".join(site.countries),
            d.kind.value,
            d.unesco_id,
            d.inscribed_year,
            d.in_danger,
            d.in_danger_since,
            site.vulnerability,
            site.sensitive,
            site.provenance.geometry_precision.value,
            generalised,
            json.dumps(_published_sources(site, generalised), ensure_ascii=False),
            core.wkt if not core.is_empty else "",
            buffer.wkt if not buffer.is_empty else "",
        ]
        writer.writerow([_neutralise(v) for v in row])
    return out.getvalue()


def _published_zones(site: Site, generalise_deg: float | None):
    if site.sensitive and generalise_deg is not None and not site.core_zone.is_empty:
        area = generalise(shapely.union(site.core_zone, site.buffer_zone), generalise_deg)
        return area, shapely.MultiPolygon(), True
    return site.core_zone, site.buffer_zone, False


def _published_sources(site: Site, generalised: bool) -> dict[str, str]:
    """A generalised site's geometry citation names its exact point and area: withhold it."""
    sources = dict(site.provenance.sources)
    if generalised:
        sources = {
            key: value if key in _SAFE_SOURCES else _WITHHELD for key, value in sources.items()
        }
    return sources


def _geojson(geom) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    return mapping(canonical(geom))  # 1 cm grid, counter-clockwise (RFC 7946)


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value
