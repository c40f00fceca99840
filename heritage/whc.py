"""Read the UNESCO World Heritage List export (whc-sites-YYYY, xls, xlsx or csv) as site records.

The export gives an official point and a declared area per property, not a boundary; the core
zone becomes a circle of the declared area, marked ``approximate-area-circle``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from heritage.domain import Site
from heritage.errors import InvalidInputError
from heritage.registry import SiteRecord

__all__ = ["REQUIRED_COLUMNS", "merge_whc_site", "read_whc_records"]

REQUIRED_COLUMNS = ("id_no", "name_en", "latitude", "longitude", "area_hectares", "iso_code")
_IN_DANGER = re.compile(r"\bY\s*(\d{4})")


def read_whc_records(
    path: Path, *, default_radius_m: float, ids_by_unesco_id: Mapping[int, str] | None = None
) -> list[SiteRecord]:
    """One site record per row of the export.

    Rows whose ``id_no`` is already in the registry keep that site's id; new ones get
    ``whc-<id_no>``. The core zone is a circle of ``area_hectares`` around the official point;
    rows with no area get a stated radius instead (the caller's settings decide it).
    """
    path = Path(path)
    frame = _read_frame(path)
    columns = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InvalidInputError(
            f"not a World Heritage List export: missing column(s) {', '.join(missing)}",
            source=str(path),
            location="header",
        )
    frame = frame.rename(columns={v: k for k, v in columns.items()})
    ids = ids_by_unesco_id or {}
    records = []
    for index, row in enumerate(frame.to_dict("records")):
        records.append(_record(path, index + 2, row, ids, default_radius_m))  # row 1 is the header
    return records


def merge_whc_site(existing: Site, incoming: Site) -> Site:
    """Update a registered site with the list's facts, keeping what the registry knows better.

    Only facts that differ change: the designation (and its citation) and the countries. Names
    and other citations stay the registry's, so importing the list after the shipped registry,
    and the registry again after the list, changes nothing when they agree. The zones come from
    the list only when they are more exact than the registered ones.
    """
    sources = dict(existing.provenance.sources)
    if incoming.designation != existing.designation:
        sources["designation"] = incoming.provenance.sources.get("designation", "")
    ours, theirs = existing.provenance.geometry_precision, incoming.provenance.geometry_precision
    take_zones = theirs.rank < ours.rank
    if take_zones:
        sources["geometry"] = incoming.provenance.sources.get("geometry", "")
    provenance = dataclasses.replace(
        incoming.provenance if take_zones else existing.provenance, sources=sources
    )
    return dataclasses.replace(
        existing,
        designation=incoming.designation,
        countries=incoming.countries or existing.countries,
        provenance=provenance,
        core_zone=incoming.core_zone if take_zones else existing.core_zone,
        buffer_zone=incoming.buffer_zone if take_zones else existing.buffer_zone,
    )


def _read_frame(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InvalidInputError("file not found", source=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, encoding="utf-8-sig", dtype={"iso_code": "string"})
        if suffix in (".xls", ".xlsx"):
            return pd.read_excel(path, dtype={"iso_code": "string"})
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=str(path)) from exc
    raise InvalidInputError(
        f"unsupported file type '{suffix}' for a World Heritage List export "
        "(use .xls, .xlsx or .csv)",
        source=str(path),
    )


def _record(
    path: Path, row_number: int, row: dict, ids: Mapping[int, str], default_radius_m: float
) -> SiteRecord:
    location = f"row {row_number}"
    unesco_id = row.get("id_no")
    number = int(unesco_id) if _is_whole(unesco_id) else None
    name = _plain_text(row.get("name_en"))
    area = row.get("area_hectares")
    has_area = isinstance(area, (int, float)) and math.isfinite(area) and area > 0
    citation = f"UNESCO World Heritage List export {path.name}, id_no {unesco_id}"
    danger_list = str(row.get("danger_list") or "")
    since = _IN_DANGER.search(danger_list)
    properties: dict[str, object] = {
        "id": ids.get(number, f"whc-{number}") if number is not None else None,
        "name": name,
        "names": [{"name": name, "lang": "en"}]
        + ([{"name": _plain_text(row["name_fr"]), "lang": "fr"}] if _differs(row, name) else []),
        "countries": str(row.get("iso_code") or ""),
        "designation": "world_heritage",
        "unesco_id": unesco_id,
        "inscribed_year": row.get("date_inscribed"),
        "in_danger": str(row.get("danger", 0)).strip() in {"1", "1.0", "True", "true"},
        "in_danger_since": int(since.group(1)) if since else None,
        "area_ha": area if has_area else None,
        "radius_m": None if has_area else default_radius_m,
        "lon": row.get("longitude"),
        "lat": row.get("latitude"),
        "sources": {
            "geometry": f"{citation}: official point"
            + (f" and area_hectares {area:g}" if has_area else "; no declared area, radius stated"),
            "designation": f"{citation} (danger_list: {danger_list or 'none'})",
            "names": citation,
        },
    }
    if _blank(row.get("longitude")) and _blank(row.get("latitude")):
        properties["geometry_precision"] = "unlocated"  # e.g. serial sites listed without a point
        del properties["lon"], properties["lat"]
    return SiteRecord(path.name, location, properties, None)


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip() == ""
    )


def _differs(row: dict, name: str) -> bool:
    other = row.get("name_fr")
    return isinstance(other, str) and bool(other.strip()) and _plain_text(other) != name


def _is_whole(value: object) -> bool:
    try:
        return float(value).is_integer()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_text(value: object) -> str:
    """Names in the export carry HTML (``Fujian <em>Tulou</em>``, ``&amp;``); keep the text."""
    if not isinstance(value, str):
        return ""
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    return " ".join("".join(parser.parts).split())
