"""Turn site records read from files into validated Sites, with a report of every repair.

A record is one feature or row: its properties and geometry plus where it came from. This
module checks everything before anything is stored, and collects all problems so a user can
fix a file in one pass.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from heritage.config import Settings
from heritage.countries import countries_near, is_in_countries
from heritage.domain import (
    Designation,
    DesignationKind,
    GeometryPrecision,
    Provenance,
    Site,
    SiteName,
)
from heritage.errors import InvalidInputError, Problem
from heritage.geo import (
    GeometryError,
    buffer_ring,
    canonical,
    check_point,
    check_zone,
    geodesic_circle,
    radius_for_area_m,
    to_multipolygon,
)

__all__ = ["ImportReport", "SiteRecord", "build_sites"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_TRUE = {"true", "1", "yes", "y", "t"}
_MAX_RADIUS_M = 500_000.0  # a stated radius beyond this is a unit mistake, not a site
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class SiteRecord:
    """One feature or row of an input file, with keys in lower case."""

    source: str
    location: str
    properties: Mapping[str, object]
    geometry: BaseGeometry | None


@dataclass
class ImportReport:
    """What an import read and repaired; the CLI and API show it."""

    records: int = 0
    repairs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Problems(list):
    def add(self, record: SiteRecord, field_name: str | None, value: object, reason: str):
        self.append(Problem(record.source, record.location, field_name, value, reason))


def build_sites(
    records: Iterable[SiteRecord], settings: Settings
) -> tuple[list[Site], ImportReport]:
    """Validate records and build one Site per id.

    Raises
    ------
    InvalidInputError
        With every problem found (file, feature or row, field, value, reason); no Site is
        returned when any record is bad.
    """
    report = ImportReport()
    problems = _Problems()
    cores: dict[str, SiteRecord] = {}
    buffers: dict[str, SiteRecord] = {}
    for record in records:
        report.records += 1
        site_id = _site_id(record, problems)
        if site_id is None:
            continue
        zone = str(_value(record, "zone") or "core").strip().lower()
        target = {"core": cores, "buffer": buffers}.get(zone)
        if target is None:
            problems.add(record, "zone", zone, "zone must be 'core' or 'buffer'")
            continue
        if site_id in target:
            first = target[site_id]
            problems.add(
                record,
                "id",
                site_id,
                f"duplicate id: {zone} zone already given by {first.source}, {first.location}",
            )
            continue
        target[site_id] = record
    if report.records == 0:
        raise InvalidInputError("no sites in the input (no features or rows)")
    for site_id, record in buffers.items():
        if site_id not in cores:
            problems.add(record, "id", site_id, "buffer zone for a site with no core zone")
    sites = []
    for site_id, record in cores.items():
        site = _build_site(site_id, record, buffers.get(site_id), settings, problems, report)
        if site is not None:
            sites.append(site)
    if problems:
        raise InvalidInputError(problems)
    return sites, report


def _build_site(site_id, record, buffer_record, settings, problems, report) -> Site | None:
    before = len(problems)
    before_name = len(problems)
    name = _text(record, "name", problems)
    if not name and len(problems) == before_name:
        problems.add(record, "name", _value(record, "name"), "missing name")
    core, precision = _core_zone(record, settings, problems, report)
    designation = _designation(record, problems)
    names = _names(record, problems)
    countries = _countries(record, problems)
    vulnerability = _number(record, "vulnerability", problems, default=1.0, low=0.0, high=5.0)
    sensitive = _bool(record, "sensitive", problems, default=False)
    buffer_m = _number(record, "buffer_m", problems, default=settings.default_buffer_m, low=0.0)
    sources = _sources(record, problems)
    if len(problems) > before or core is None:
        return None
    _check_country(record, core, countries, problems, report)
    if len(problems) > before:
        return None
    if buffer_record is not None:
        buffer = _zone(buffer_record, settings, problems, report)
        if buffer is None:
            return None
        buffer = canonical(buffer.difference(core))
    else:
        buffer = buffer_ring(core, buffer_m) if not core.is_empty else MultiPolygon()
    return Site(
        id=site_id,
        name=name,
        core_zone=core,
        buffer_zone=to_multipolygon(buffer),
        designation=designation,
        provenance=Provenance(precision, sources),
        names=names,
        countries=countries,
        vulnerability=vulnerability,
        sensitive=sensitive,
    )


def _check_country(record, core, countries, problems, report) -> None:
    """Catch swapped latitude and longitude that stay in range: the zone is not in its country,
    but the swapped position is. Outside its country otherwise, the zone is only noted."""
    if core.is_empty or not countries:
        return
    point = core.representative_point()
    lon, lat = point.x, point.y
    if is_in_countries(lon, lat, countries) is not False:
        return
    declared = ", ".join(countries)
    if abs(lon) <= 90 and is_in_countries(lat, lon, countries):
        problems.add(
            record,
            "geometry",
            (round(lon, 4), round(lat, 4)),
            f"latitude and longitude look swapped: the zone lies outside {declared}, and "
            f"({lat:.4f}, {lon:.4f}) would lie inside; give each position as lon, lat",
        )
        return
    near = ", ".join(countries_near(lon, lat)) or "no country"
    report.notes.append(
        f"{record.source}, {record.location}: the zone lies outside its declared country "
        f"({declared}), in or near {near}; check its coordinates"
    )


def _site_id(record: SiteRecord, problems: _Problems) -> str | None:
    raw = _value(record, "id")
    if raw is None:
        problems.add(record, "id", None, "missing id")
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    site_id = str(raw).strip()
    if not _SLUG.match(site_id) or len(site_id) > 64:
        problems.add(
            record,
            "id",
            raw,
            "id must be a slug of lower-case letters, digits and single hyphens (at most 64)",
        )
        return None
    return site_id


def _core_zone(record, settings, problems, report):
    geom = record.geometry
    declared = _text(record, "geometry_precision", problems)
    if geom is not None and not geom.is_empty and geom.geom_type == "Point":
        return _circle(record, (geom.x, geom.y), settings, problems, report)
    if geom is None and _value(record, "lon") is not None:  # tables with lon/lat columns
        lon_lat = (_value(record, "lon"), _value(record, "lat"))
        return _circle(record, lon_lat, settings, problems, report)
    if geom is not None and declared == GeometryPrecision.UNLOCATED:
        problems.add(record, "geometry_precision", declared, "an unlocated site has no geometry")
        return None, None
    if geom is None and declared == GeometryPrecision.UNLOCATED:
        report.notes.append(
            f"{record.source}, {record.location}: no location given; stored unlocated "
            "(empty zones, never matched to events)"
        )
        return MultiPolygon(), GeometryPrecision.UNLOCATED
    precision = GeometryPrecision.DIGITISED
    if declared:
        try:
            precision = GeometryPrecision(declared)
        except ValueError:
            allowed = ", ".join(p.value for p in GeometryPrecision)
            problems.add(record, "geometry_precision", declared, f"must be one of {allowed}")
    # A polygon that says it is the circle of a declared area (as `sites export` writes it) is
    # held to the same rule as the point and area it came from.
    declared_area = precision is GeometryPrecision.APPROXIMATE_AREA_CIRCLE
    return _zone(record, settings, problems, report, declared_area=declared_area), precision


def _circle(record, lon_lat, settings, problems, report):
    """A point plus a declared area or a stated radius becomes an approximate circular zone.

    A declared area is the listing body's own figure, so its circle is not held to the size
    limit for drawn polygons (large natural properties exceed it); it is noted instead.
    """
    try:
        lon, lat = check_point(*lon_lat)
    except GeometryError as exc:
        problems.add(record, "lon/lat", exc.value, exc.reason)
        return None, None
    area_ha = _number(record, "area_ha", problems, default=None, low=0.0, strict_low=True)
    radius_m = _number(record, "radius_m", problems, default=None, low=0.0, strict_low=True)
    if area_ha is not None and area_ha > settings.max_declared_area_km2 * 100:
        problems.add(
            record,
            "area_ha",
            area_ha,
            f"declared area over {settings.max_declared_area_km2:,.0f} km², larger than any "
            "heritage property (hectares mistaken for square metres?)",
        )
        return None, None
    if radius_m is not None and radius_m > _MAX_RADIUS_M:
        problems.add(record, "radius_m", radius_m, f"must be at most {_MAX_RADIUS_M:,.0f} m")
        return None, None
    if area_ha is not None:
        radius_m, precision = radius_for_area_m(area_ha), GeometryPrecision.APPROXIMATE_AREA_CIRCLE
    elif radius_m is not None:
        precision = GeometryPrecision.APPROXIMATE_RADIUS_CIRCLE
    else:
        if not any(
            p.location == record.location and p.field in ("area_ha", "radius_m") for p in problems
        ):
            problems.add(
                record,
                "geometry",
                "Point",
                "a point needs area_ha or radius_m to become a zone; otherwise give a polygon",
            )
        return None, None
    circle = geodesic_circle(lon, lat, radius_m, settings.circle_segments)
    limit = settings.max_declared_area_km2 if area_ha is not None else settings.max_zone_area_km2
    try:
        checked = check_zone(circle, max_area_km2=limit, max_vertices=settings.max_zone_vertices)
    except GeometryError as exc:
        problems.add(record, "radius_m", exc.value, exc.reason)
        return None, None
    if precision is GeometryPrecision.APPROXIMATE_RADIUS_CIRCLE:
        report.notes.append(
            f"{record.source}, {record.location}: no declared area; core zone is a circle of "
            f"radius {radius_m:,.0f} m (approximate-radius-circle)"
        )
    _note_large_declared_area(record, checked.area_km2, settings, report)
    return checked.zone, precision


def _zone(record, settings, problems, report, *, declared_area: bool = False):
    try:
        checked = check_zone(
            record.geometry,
            max_area_km2=(
                settings.max_declared_area_km2 if declared_area else settings.max_zone_area_km2
            ),
            max_vertices=settings.max_zone_vertices,
        )
    except GeometryError as exc:
        problems.add(record, "geometry", exc.value, exc.reason)
        return None
    report.repairs.extend(f"{record.source}, {record.location}: {r}" for r in checked.repairs)
    _note_large_declared_area(record, checked.area_km2, settings, report)
    return checked.zone


def _note_large_declared_area(record, area_km2, settings, report) -> None:
    if area_km2 > settings.max_zone_area_km2:
        report.notes.append(
            f"{record.source}, {record.location}: declared area is {area_km2:,.0f} km², "
            "above the limit for drawn zones; kept as an approximate circle"
        )


def _designation(record, problems) -> Designation:
    nested = record.properties.get("designation")
    if isinstance(nested, Mapping):  # the shape the API and `sites export` write
        flat = {k: v for k, v in nested.items() if k != "kind"} | {
            "designation": nested.get("kind")
        }
        record = SiteRecord(record.source, record.location, {**record.properties, **flat}, None)
    unesco_id = _integer(record, "unesco_id", problems, low=1, high=2**31 - 1)
    kind_text = _text(record, "designation", problems)
    kind = DesignationKind.WORLD_HERITAGE if unesco_id is not None else DesignationKind.NATIONAL
    if kind_text:
        try:
            kind = DesignationKind(kind_text.lower())
        except ValueError:
            allowed = ", ".join(k.value for k in DesignationKind)
            problems.add(record, "designation", kind_text, f"must be one of {allowed}")
    inscribed = _integer(record, "inscribed_year", problems, low=1900, high=2200)
    in_danger = _bool(record, "in_danger", problems, default=False)
    since = _integer(record, "in_danger_since", problems, low=1900, high=2200)
    return Designation(kind, unesco_id, inscribed, in_danger, since if in_danger else None)


def _names(record, problems) -> tuple[SiteName, ...]:
    raw = _value(record, "names")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = _json_or_text(raw)
    if isinstance(raw, str):  # "Palmyra@en; تدمر@ar"
        raw = [
            dict(zip(("name", "lang"), (part.rsplit("@", 1) + ["und"])[:2], strict=True))
            for part in raw.split(";")
            if part.strip()
        ]
    if not isinstance(raw, list):
        problems.add(record, "names", raw, "names must be a list of {name, lang}")
        return ()
    names = []
    for item in raw:
        name = item.get("name") if isinstance(item, Mapping) else None
        lang = item.get("lang") or "und" if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip() or "\x00" in name or len(name) > 1000:
            problems.add(record, "names", item, "each name needs a 'name' (text) and a 'lang'")
            continue
        if not isinstance(lang, str) or not _LANG.match(lang.strip()) or len(lang.strip()) > 35:
            problems.add(record, "names", item, f"{lang!r} is not a BCP 47 language tag")
            continue
        names.append(SiteName(name.strip(), lang.strip()))
    return tuple(names)


def _countries(record, problems) -> tuple[str, ...]:
    raw = _value(record, "countries", "country", "iso_code")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = _json_or_text(raw)
    items = raw if isinstance(raw, list) else str(raw).replace(";", ",").split(",")
    codes = []
    for item in items:
        code = str(item).strip().upper()
        if not _COUNTRY.match(code):
            problems.add(record, "countries", item, "country must be an ISO 3166-1 alpha-2 code")
            continue
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _sources(record, problems) -> dict[str, str]:
    sources: dict[str, str] = {}
    raw = _value(record, "sources")
    if isinstance(raw, str):
        raw = _json_or_text(raw)
        if isinstance(raw, str):
            raw = {"all": raw}
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if value in (None, ""):
                continue
            if not isinstance(value, str) or "\x00" in value:
                problems.add(record, "sources", {key: value}, "each citation must be text")
                continue
            sources[str(key)] = value
    elif raw is not None:
        problems.add(record, "sources", raw, "sources must map each fact to its citation")
    for key, value in record.properties.items():
        if key.startswith("source_") and not _missing(value):
            sources[key.removeprefix("source_")] = str(value)
    if not _missing(record.properties.get("source")):
        sources.setdefault("all", str(record.properties["source"]))
    return sources


def _value(record: SiteRecord, *keys: str) -> object:
    for key in keys:
        value = record.properties.get(key)
        if not _missing(value):
            return value
    return None


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(record, key, problems, *, limit: int = 1000) -> str:
    """A text field: a string (numbers are taken as written), no NUL, at most ``limit`` long."""
    value = _value(record, key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.add(record, key, value, "must be text")
        return ""
    text = str(value).strip()
    if "\x00" in text:
        problems.add(record, key, text, "contains a NUL character")
        return ""
    if len(text) > limit:
        problems.add(record, key, text, f"is longer than {limit} characters")
        return ""
    return text


def _json_or_text(text: str) -> object:
    stripped = text.strip()
    if stripped[:1] in "[{":
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return text
    return text


def _number(record, key, problems, *, default, low=None, high=None, strict_low=False):
    raw = _value(record, key)
    if raw is None:
        return default
    try:
        if isinstance(raw, bool):
            raise TypeError
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.add(record, key, raw, "must be a number")
        return default
    too_low = low is not None and (value <= low if strict_low else value < low)
    if not math.isfinite(value) or too_low or (high is not None and value > high):
        bounds = f"greater than {low}" if strict_low else f"between {low} and {high}"
        if high is None and not strict_low:
            bounds = f"at least {low}"
        problems.add(record, key, raw, f"must be {bounds}")
        return default
    return value


def _integer(record, key, problems, *, low=None, high=None) -> int | None:
    raw = _value(record, key)
    if raw is None:
        return None
    try:
        if isinstance(raw, bool):
            raise TypeError
        value = float(raw)  # type: ignore[arg-type]
        if not value.is_integer():
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        problems.add(record, key, raw, "must be a whole number")
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        problems.add(record, key, raw, f"must be between {low} and {high}")
        return None
    return int(value)


def _bool(record, key, problems, *, default: bool) -> bool:
    raw = record.properties.get(key)
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if isinstance(raw, (int, float)):
        text = str(int(raw)) if float(raw) in (0.0, 1.0) else text
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else default
    problems.add(record, key, raw, "must be true or false")
    return default
