"""What the gazetteer holds: places, the names users give them, and names found in a text.

Precision (``Place.precision_m``), the radius within which a point given for the place lies:

==========  =================================================================================
site        farthest point of the core zone from the site's point, at least 1 km
populated   radius of a town of that population at 3,000 inhabitants/km² (10.3 m × √population),
            between 2 km (a village) and 15 km (a city's built-up area; a report naming a city
            rarely means its outskirts beyond that)
facility    3 km (an airbase, a dam, a prison: a few kilometres across)
admin2      30 km (a district: Syrian and Iraqi districts span 40-80 km)
admin1      100 km (a governorate or oblast: 100-300 km across)
country     the radius of a disc of the country's area, at least 500 km
region      the region's own radius (REGIONS), else 1,000 km
alias       what the user gave, else 1 km
==========  =================================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

__all__ = ["Alias", "Demonym", "Mention", "Place", "PlaceKind", "precision_for"]


class PlaceKind(StrEnum):
    SITE = "site"  # a registry site
    POPULATED = "populated"  # city, town, village
    ADMIN1 = "admin1"  # governorate, oblast, province
    ADMIN2 = "admin2"  # district
    COUNTRY = "country"
    REGION = "region"  # Levant, Darfur, Donbas, a continent
    FACILITY = "facility"  # military base, airport, dam, prison...
    ALIAS = "alias"  # a point a user named

    @property
    def is_context(self) -> bool:
        """Countries and regions set the scene of a report; they never locate an event."""
        return self in (PlaceKind.COUNTRY, PlaceKind.REGION)


_KIND_PRECISION_M = {
    PlaceKind.SITE: 1_000.0,
    PlaceKind.FACILITY: 3_000.0,
    PlaceKind.ADMIN2: 30_000.0,
    PlaceKind.ADMIN1: 100_000.0,
    PlaceKind.COUNTRY: 500_000.0,
    PlaceKind.REGION: 1_000_000.0,
    PlaceKind.ALIAS: 1_000.0,
}
_VILLAGE_M = 2_000.0
_CITY_M = 15_000.0
_M_PER_ROOT_INHABITANT = 10.3  # sqrt(1 km² / (3,000 × π)): radius of a disc at 3,000 per km²


def precision_for(kind: PlaceKind, population: int = 0) -> float:
    """The default ``precision_m`` of a place of this kind and population (module docstring)."""
    if kind is PlaceKind.POPULATED:
        return min(_CITY_M, max(_VILLAGE_M, _M_PER_ROOT_INHABITANT * math.sqrt(population)))
    return _KIND_PRECISION_M[kind]


@dataclass(frozen=True, slots=True)
class Place:
    """A named point: ``id`` is ``site:<site id>``, ``gn:<geonameid>``, ``region:<n>`` or
    ``alias:<n>``. ``names`` are its other names (not compared). ``admin1`` is the GeoNames
    admin1 code within the country. ``precision_m`` 0 means :func:`precision_for` the kind.
    ``is_namesake``: a small town whose name a better-known place has ("Paris", Texas); it is
    read so only when the report shows it is in its state (``resolve``)."""

    id: str
    name: str
    lon: float
    lat: float
    kind: PlaceKind
    country: str | None = None
    admin1: str | None = None
    population: int = 0
    precision_m: float = 0.0
    site_id: str | None = None
    is_namesake: bool = False
    names: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self):
        if not self.precision_m:
            object.__setattr__(self, "precision_m", precision_for(self.kind, self.population))


@dataclass(frozen=True)
class Alias:
    """A name a user gives to an existing place (``place_id``) or to a point of their own."""

    name: str
    place_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    country: str | None = None
    precision_m: float = 1_000.0


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name in a text: ``text[start:end] == surface`` in the original text, and the
    places it may mean: registry sites, aliases, countries, regions, then by population."""

    start: int
    end: int
    surface: str
    candidates: tuple[Place, ...]

    @property
    def is_context(self) -> bool:
        """Every candidate is a country or a region."""
        return all(p.kind.is_context for p in self.candidates)


class Demonym(NamedTuple):
    """A people named in a text ("Syrian", "Kurds") and the countries it belongs to."""

    start: int
    end: int
    surface: str
    countries: tuple[str, ...]

    @property
    def iso2(self) -> str | None:
        """The country, when the people belongs to exactly one."""
        return self.countries[0] if len(self.countries) == 1 else None
