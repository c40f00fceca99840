"""Sites, events and alerts as GeoJSON features and CSV rows: the shapes the API, the CLI, the
exports and the OGC API share.

The bulk functions encode coordinates with numpy, rounded to ``EXPORT_DECIMALS`` (about
11 cm). The rings of ``site_features`` and ``multipolygons_geojson`` are numpy arrays, so they
need a serialiser that writes numpy arrays (the web edge uses orjson's ``OPT_SERIALIZE_NUMPY``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

import numpy as np
import shapely
from shapely.geometry import mapping

from heritage.domain import Alert, ConflictEvent, Site
from heritage.geo import canonical, generalise

__all__ = [
    "ALERT_CSV_COLUMNS",
    "CSV_COLUMNS",
    "EVENT_CSV_COLUMNS",
    "EXPORT_DECIMALS",
    "RISK_COLUMNS",
    "alert_features",
    "alert_properties",
    "alert_state",
    "csv_chunks",
    "event_feature",
    "event_row",
    "multipolygons_geojson",
    "site_feature",
    "site_features",
    "site_rows",
    "sites_csv",
]

EXPORT_DECIMALS = 6
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
RISK_COLUMNS = ("level", "score", "as_of")  # of the site's latest assessment
EVENT_CSV_COLUMNS = tuple(
    "id source source_id date_start date_end date_precision event_type original_type "
    "original_subtype place admin country actors fatalities_best fatalities_low "
    "fatalities_high description url confidence lon lat precision_m location_precision "
    "revision version retracted changed_at".split()
)
ALERT_CSV_COLUMNS = tuple(
    "id site_id site_name status trigger level peak_level score as_of opened_at updated_at "
    "resolved_at snoozed_until disposition note n_events url".split()
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
    return _site_feature(site, _geojson(core), _geojson(buffer), generalised, extra)


def site_features(
    sites: Sequence[Site],
    *,
    generalise_deg: float | None = None,
    extras: Sequence[dict] | None = None,
) -> list[dict]:
    """Many sites as ``site_feature`` shapes at once, coordinates encoded in bulk.

    Stored zones are already canonical (counter-clockwise exteriors, RFC 7946), so they are
    rounded to ``EXPORT_DECIMALS`` but not re-oriented: that took 0.1 s per 10,000 sites.
    """
    published = [_published_zones(site, generalise_deg) for site in sites]
    cores = multipolygons_geojson([zones[0] for zones in published])
    buffers = multipolygons_geojson([zones[1] for zones in published])
    extras = extras if extras is not None else [None] * len(sites)
    return [
        _site_feature(site, core, buffer, zones[2], extra)
        for site, core, buffer, zones, extra in zip(
            sites, cores, buffers, published, extras, strict=True
        )
    ]


def sites_csv(sites: Iterable[Site], *, generalise_deg: float | None = None) -> str:
    """CSV with WKT geometry; cells that a spreadsheet would run as formulas are neutralised."""
    rows = site_rows(list(sites), generalise_deg=generalise_deg)
    return "".join(csv_chunks(CSV_COLUMNS, rows))


def site_rows(
    sites: Sequence[Site],
    *,
    generalise_deg: float | None = None,
    decimals: int | None = None,
    extras: Sequence[Sequence] | None = None,
) -> Iterator[list]:
    """One row of ``CSV_COLUMNS`` per site (plus its ``extras``), WKT written in bulk.

    ``decimals`` rounds the WKT coordinates; None keeps them exact.
    """
    published = [_published_zones(site, generalise_deg) for site in sites]
    cores = _wkt([zones[0] for zones in published], decimals)
    buffers = _wkt([zones[1] for zones in published], decimals)
    for i, (site, zones) in enumerate(zip(sites, published, strict=True)):
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
            zones[2],
            json.dumps(_published_sources(site, zones[2]), ensure_ascii=False),
            cores[i],
            buffers[i],
        ]
        yield row + list(extras[i]) if extras is not None else row


def event_feature(
    ref: str,
    event: ConflictEvent,
    *,
    version: int,
    retracted: bool,
    changed_at: datetime,
    decimals: int | None = EXPORT_DECIMALS,
) -> dict:
    """An event as a GeoJSON Point Feature (the API's shape, without links); ``decimals``
    rounds the point, None keeps it exact."""
    e = event
    properties = {
        "id": ref,
        "source": e.source,
        "source_id": e.source_id,
        "date_start": e.date_start.isoformat(),
        "date_end": e.date_end.isoformat(),
        "date_precision": e.date_precision.value,
        "event_type": e.event_type.value,
        "original_type": e.original_type,
        "original_subtype": e.original_subtype,
        "place": e.place,
        "admin": list(e.admin),
        "country": e.country,
        "actors": list(e.actors),
        "fatalities": {
            "best": e.fatalities.best,
            "low": e.fatalities.low,
            "high": e.fatalities.high,
        },
        "description": e.description,
        "url": e.url,
        "confidence": e.confidence,
        "precision_m": e.precision_m,
        "location_precision": e.location_precision,
        "revision": e.revision,
        "version": version,
        "retracted": retracted,
        "changed_at": changed_at.isoformat(),
    }
    point = [e.lon, e.lat] if decimals is None else [round(e.lon, decimals), round(e.lat, decimals)]
    return {
        "type": "Feature",
        "id": ref,
        "geometry": {"type": "Point", "coordinates": point},
        "properties": properties,
    }


def event_row(
    ref: str, event: ConflictEvent, *, version: int, retracted: bool, changed_at: datetime
) -> list:
    """One row of ``EVENT_CSV_COLUMNS``: the feature's properties, flattened."""
    feature = event_feature(ref, event, version=version, retracted=retracted, changed_at=changed_at)
    flat = feature["properties"] | {
        "admin": "; ".join(event.admin),
        "actors": "; ".join(event.actors),
        "lon": feature["geometry"]["coordinates"][0],
        "lat": feature["geometry"]["coordinates"][1],
    }
    flat |= {f"fatalities_{k}": v for k, v in flat.pop("fatalities").items()}
    return [flat[column] for column in EVENT_CSV_COLUMNS]


def alert_state(alert: Alert) -> dict:
    """An alert's state as every published shape of it starts (the API's JSON, the exports)."""
    return {
        "id": alert.id,
        "site_id": alert.site_id,
        "status": alert.status.value,
        "trigger": alert.trigger.value,
        "level": alert.level,
        "peak_level": alert.peak_level,
        "score": alert.score,
        "as_of": alert.as_of.isoformat(),
        "opened_at": alert.opened_at.isoformat(),
        "updated_at": alert.updated_at.isoformat(),
        "resolved_at": _iso(alert.resolved_at),
        "snoozed_until": _iso(alert.snoozed_until),
        "disposition": alert.disposition.value if alert.disposition else None,
        "note": alert.note,
    }


def alert_properties(alert: Alert, *, site_name: str, url: str) -> dict:
    """The ``ALERT_CSV_COLUMNS`` of one alert; its events are counted, never listed."""
    state = alert_state(alert)
    return {
        "id": state.pop("id"),
        "site_id": state.pop("site_id"),
        "site_name": site_name,
        **state,
        "n_events": len(alert.event_refs),
        "url": url,
    }


def alert_features(
    alerts: Sequence[Alert],
    sites: Mapping[str, Site],
    urls: Sequence[str],
    *,
    generalise_deg: float | None = None,
) -> list[dict]:
    """Alerts as Point Features at a point inside their site's published core zone.

    A sensitive site's point lies inside its generalised area, so it says no more than the
    area does; an unlocated site's alerts have a null geometry.
    """
    cores = [
        _published_zones(sites[a.site_id], generalise_deg)[0]
        if a.site_id in sites
        else shapely.MultiPolygon()
        for a in alerts
    ]
    points = shapely.point_on_surface(np.array(cores, dtype=object))
    coords = np.round(shapely.get_coordinates(points, include_z=False), EXPORT_DECIMALS)
    located = ~shapely.is_empty(points)
    features, k = [], 0
    for alert, url, is_located in zip(alerts, urls, located.tolist(), strict=True):
        geometry = None
        if is_located:
            geometry, k = {"type": "Point", "coordinates": coords[k].tolist()}, k + 1
        name = sites[alert.site_id].name if alert.site_id in sites else ""
        properties = alert_properties(alert, site_name=name, url=url)
        features.append(
            {"type": "Feature", "id": alert.id, "geometry": geometry, "properties": properties}
        )
    return features


def multipolygons_geojson(geoms: Sequence) -> list[dict | None]:
    """GeoJSON MultiPolygons for many (Multi)Polygons at once; None for an empty one.

    Each ring is a numpy array of [lon, lat] rows rounded to ``EXPORT_DECIMALS``. About 40
    times faster than ``mapping`` per geometry: GEOS walks all of them in one call each.
    """
    array = np.empty(len(geoms), dtype=object)
    array[:] = list(geoms)
    parts, part_of = shapely.get_parts(array, return_index=True)
    kept = ~shapely.is_empty(parts)
    parts, part_of = parts[kept], part_of[kept]
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords = np.round(shapely.get_coordinates(rings), EXPORT_DECIMALS)
    ends = np.cumsum(shapely.get_num_coordinates(rings)).tolist()
    polygons: list[list] = [[] for _ in range(len(parts))]
    start = 0
    for part, end in zip(ring_of.tolist(), ends, strict=True):
        polygons[part].append(coords[start:end])
        start = end
    geometries: list[list] = [[] for _ in range(len(array))]
    for polygon, geom in zip(polygons, part_of.tolist(), strict=True):
        geometries[geom].append(polygon)
    return [{"type": "MultiPolygon", "coordinates": g} if g else None for g in geometries]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], *, rows_per_chunk: int = 2000):
    """CSV text in chunks (RFC 4180): the header row, then one row per item.

    Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or
    a carriage return) get a leading ``'`` (OWASP). Numbers, booleans and dates stay as they
    are, so a longitude of -3.7 is still the number -3.7.
    """
    out = io.StringIO()
    # RFC 4180 line ends: with "\n" alone, csv leaves a cell's "\r" unquoted and it splits the row
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i, row in enumerate(rows, start=1):
        writer.writerow([_neutralise(v) for v in row])
        if i % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _site_feature(site: Site, core, buffer, generalised: bool, extra: dict | None) -> dict:
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
        "buffer_zone": buffer,
    }
    properties.update(extra or {})
    return {"type": "Feature", "id": site.id, "geometry": core, "properties": properties}


def _published_zones(site: Site, generalise_deg: float | None):
    if site.sensitive and generalise_deg is not None and not site.core_zone.is_empty:
        area = generalise(shapely.union(site.core_zone, site.buffer_zone), generalise_deg)
        return canonical(area), shapely.MultiPolygon(), True  # stored zones are canonical too
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


def _wkt(geoms: list, decimals: int | None) -> list[str]:
    array = np.empty(len(geoms), dtype=object)
    array[:] = geoms
    text = shapely.to_wkt(array, rounding_precision=-1 if decimals is None else decimals)
    return [t if not empty else "" for t, empty in zip(text, shapely.is_empty(array), strict=True)]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value
