"""First-level administrative units (governorates, oblasts, provinces, US states) as places.

A report often names the province rather than a town ("an attack in Anbar", "shelling in the
Donetsk region"): without the unit in the gazetteer a foreign town of the same name wins
("Anbar" read as Ambar, Turkey). The units come from the ``countrystatecity-countries``
package (the countries-states-cities database, ODbL 1.0; 5,300 units of 250 countries, each
with its ISO 3166-2 code and a point), read straight from its JSON files.

Names of a unit:

- its name in the package, and that name without the word of its type or a parenthesis
  ("Jerusalem (Quds)" → "Jerusalem");
- the English names reports use for the units of the monitored countries, from
  ``heritage/data/admin_names.csv`` (the package spells Ukraine's oblasts as adjectives,
  "Donetska"; reports write "Donetsk region"): the first one is the unit's display name;
- each of those followed by a word of a unit ("Donetsk region", "Donetsk oblast", "Anbar
  province", "Idlib governorate", "Aleppo countryside"), so that such a phrase always means the
  unit, whichever town shares the name;
- not a bare name that is a region of :data:`~heritage.geoparse.demonyms.REGIONS` ("Crimea",
  "Hadramawt"): the region stands for it.

The package's ``native`` names are not used: some are wrong (Beirut's is "بير").
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path

from heritage.geoparse.demonyms import REGIONS
from heritage.geoparse.folding import fold_name
from heritage.geoparse.gazetteer import Place, PlaceKind
from heritage.geoparse.names import COMMON_WORDS, STOP_WORDS, is_abbreviation

__all__ = ["admin_places", "unit_names"]

_PACKAGE = "countrystatecity_countries"
_CURATED = Path(__file__).resolve().parents[1] / "data" / "admin_names.csv"
_UNIT_WORDS = ("province", "governorate", "region", "oblast", "state", "countryside")
# Types of units the package lists that are towns or wards rather than first-level units
# (Estonia's parishes, Slovenia's municipalities, England's boroughs): the towns are in the
# gazetteer already, and their names ("Most", "Paul", "Pool") would only add false matches.
_SKIPPED_TYPES = frozenset(
    {"municipality", "rural municipality", "urban municipality", "district municipality",
     "local council", "parish", "london borough", "unitary authority", "two-tier county",
     "metropolitan district", "council area", "village", "quarter", "commune", "island",
     "administrative atoll", "city", "city with county rights", "special municipality"}
)  # fmt: skip
_PARENTHESIS_RE = re.compile(r"\s*\([^)]*\)")


def admin_places(countries: Collection[str] | None = None) -> Iterator[Place]:
    """The first-level units of ``countries`` (ISO alpha-2; None for the world), kind
    ``admin1``, id ``adm:<ISO 3166-2 code>``; nothing when the package is not installed."""
    folder = _data_folder()
    if folder is None:
        return
    selected = None if countries is None else {c.upper() for c in countries}
    curated = _curated_names()
    regions = {fold_name(name) for region in REGIONS for name in region.names}
    for path in sorted(folder.glob("*/states.json")):
        if selected is not None and path.parent.name not in selected:
            continue
        for unit in json.loads(path.read_text(encoding="utf-8")):
            place = _unit_place(unit, curated, regions)
            if place is not None:
                yield place


def unit_names(
    name: str, kind: str = "", extra: tuple[str, ...] = (), regions: Collection[str] = ()
) -> list[str]:
    """Every name of a unit called ``name``, of type ``kind`` ("governorate"), with the
    ``extra`` names (module docstring)."""
    bare = [n for n in dict.fromkeys([*extra, _bare_name(name, kind)]) if n]
    names = dict.fromkeys(
        n for n in [*extra, name, *bare] if is_abbreviation(n) or _is_name_alone(n, regions)
    )
    for base in bare:
        if is_abbreviation(base):  # "Ill." alone; no "Ill. state"
            continue
        for word in _UNIT_WORDS:
            names[f"{base} {word}"] = None
            names[f"{base} {word.title()}"] = None
    return list(names)


def _unit_place(unit: dict, curated: dict, regions: set[str]) -> Place | None:
    try:
        lat, lon = float(unit["latitude"]), float(unit["longitude"])
    except (TypeError, ValueError, KeyError):
        return None  # a unit without a point cannot locate anything
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    if (unit.get("type") or "").casefold() in _SKIPPED_TYPES:
        return None
    code = unit.get("iso3166_2") or f"{unit['country_code']}-{unit['id']}"
    extra = curated.get(code, ())
    names = unit_names(unit["name"], unit.get("type") or "", extra, regions)
    display = names[0]  # the first curated name, else the package's, else with a unit word
    return Place(
        id=f"adm:{code}",
        name=display,
        lon=lon,
        lat=lat,
        kind=PlaceKind.ADMIN1,
        country=unit["country_code"],
        names=tuple(n for n in names if n != display),
    )


def _is_name_alone(name: str, regions: Collection[str]) -> bool:
    """Whether a unit's name may stand alone: not a region's name ("Crimea", "Sahel") and not
    an ordinary word ("North", "Centre"); such names are kept with a word of a unit only."""
    key = fold_name(name)
    return key not in regions and key not in STOP_WORDS and key not in COMMON_WORDS


def _bare_name(name: str, kind: str) -> str:
    """The name without a parenthesis or the word of the unit's own type ("Donetsk Oblast"
    of type oblast → "Donetsk"; "Free State" of type province stays whole)."""
    bare = _PARENTHESIS_RE.sub("", name).strip()
    if kind:
        words = bare.split()
        if len(words) > 1 and words[-1].casefold() == kind.casefold():
            bare = " ".join(words[:-1])
        elif len(words) > 1 and words[0].casefold() == kind.casefold():
            bare = " ".join(words[1:])
    return bare


def _data_folder() -> Path | None:
    """The package's data folder, found without importing it (its models need pydantic)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "by-country"
    return folder if folder.is_dir() else None


@cache
def _curated_names() -> dict[str, tuple[str, ...]]:
    with _CURATED.open(encoding="utf-8", newline="") as stream:
        return {
            row["iso3166_2"]: tuple(n.strip() for n in row["names"].split("|") if n.strip())
            for row in csv.DictReader(stream)
        }
