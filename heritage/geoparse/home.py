"""The states or provinces a report is about: its "home" units, by votes of the names in it.

Local news names towns that many states share ("Gainesville", "Richmond", "Columbus") beside
others that only one state has, and the state itself ("Hall County", "Atlanta", "Georgia",
"Gainesville, Ga."). Each name votes for the first-level unit it can only be in:

- a name whose local readings (towns, sites, facilities, units; not countries or regions)
  all lie in one unit votes 1 for it ("Atlanta": GA);
- a name whose local readings lie in a few units (:data:`_SHARED` or fewer) splits one vote
  between them, so that two such names agree on the unit they share; namesake towns
  (``Place.is_namesake``: Brazil, Indiana) never vote;
- a name that can mean a unit votes for that unit ("Georgia": the state GA, whatever the
  country of the same name; the country is :mod:`~heritage.geoparse.resolve`'s business).

A town is in a unit by GeoNames' admin1 code (``Place.admin1``); a unit is ``adm:<ISO
3166-2>``, whose code after the country is GeoNames' admin1 code in the United States (the
postal code "GA"), not in most other countries. So units vote with towns in the United States
and with each other elsewhere, and towns vote with towns everywhere.

:func:`home_votes` counts the votes per name, so that a name's own vote can be left out of
the points of its readings: "Georgia" alone must not pull itself towards the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from heritage.geoparse.folding import fold_name
from heritage.geoparse.memo import IdentityMemo
from heritage.geoparse.places import Place, PlaceKind

__all__ = ["home_shares", "unit_of"]

Unit = tuple[str, str]  # (ISO alpha-2, admin1 code)
_CONTEXT = frozenset({PlaceKind.COUNTRY, PlaceKind.REGION})
# A town this many times smaller than the largest reading of its name in its country is not
# what the name means, whatever the report's other places: "Boston" beside "New York" is
# not Boston, New York (8,000 people), but Athens, Texas (12,000) beside Texas towns is
# what "Athens" means rather than Athens, Georgia (127,000).
_SMALLER = 20
# A name of readings in this many units or fewer ("Anderson County": five states) splits one
# vote between them: two such names agree on the state they share ("Palestine" and "Anderson
# County": Texas). A name of more says nothing ("Springfield").
_SHARED = 10
_NOTHING = 1e-9  # a share left by rounding when a name's own vote is taken off


def unit_of(place: Place) -> Unit | None:
    """The first-level unit a place is in, or is (a unit of the package); None if unknown."""
    if place.kind is PlaceKind.ADMIN1 and place.id.startswith("adm:"):
        country, _, code = place.id[4:].partition("-")
        return (country, code) if code else None
    if place.admin1 and place.country and not place.kind.is_context:
        return (place.country, place.admin1)
    return None


def home_shares(names: Iterable[tuple[str, tuple[Place, ...]]]) -> dict[str, dict[str, float]]:
    """Name -> id of each of its readings in a unit the report's other names vote for -> that
    unit's votes, as a share of the most votes any unit has. ``names`` are (surface, readings)
    of each place name of the report, in text order; a name is keyed by its casefolded
    surface, and a name of one reading gets none (nothing to choose)."""
    count: dict[str, int] = {}  # times each name occurs
    facts: dict[str, _Facts] = {}
    for surface, candidates in names:
        name = surface.casefold()
        if name in count:
            count[name] += 1
        else:
            count[name] = 1
            facts[name] = _facts_of(surface, candidates)
    total: dict[Unit, float] = {}
    for name, fact in facts.items():
        for unit, weight in fact.vote.items():
            total[unit] = total.get(unit, 0.0) + weight * count[name]
    if not total:
        return {}
    top = max(1.0, *total.values())  # split votes alone are not a whole home
    shares: dict[str, dict[str, float]] = {}
    for name, fact in facts.items():
        if fact.is_ambiguous:
            own = fact.vote
            shares[name] = {
                place_id: share
                for place_id, unit in fact.eligible
                if unit in total
                and (share := (total[unit] - own.get(unit, 0.0) * count[name]) / top) > _NOTHING
            }
    return shares


class _Facts(NamedTuple):
    """What a name's readings say about home units, whatever the report."""

    vote: dict[Unit, float]  # _votes_of its readings by its own name
    is_ambiguous: bool  # more than one such reading
    eligible: tuple[tuple[str, Unit | None], ...]  # (id, unit) of the readings votes may favour


_FACTS: IdentityMemo[_Facts] = IdentityMemo()  # by a name's readings and surface


def _facts_of(surface: str, candidates: tuple[Place, ...]) -> _Facts:
    """The :class:`_Facts` of a name, worked out once per name of the gazetteer."""
    known = _FACTS.get(candidates, surface)
    if known is not None:
        return known
    readings = _by_own_name(surface, candidates)
    eligible = tuple((p.id, unit_of(p)) for p in _eligible(readings)) if len(readings) > 1 else ()
    facts = _Facts(_votes_of(readings), len(readings) > 1, eligible)
    return _FACTS.put(candidates, facts, surface)


def _by_own_name(surface: str, candidates: tuple[Place, ...]) -> tuple[Place, ...]:
    """The readings called what the text calls them: a unit by any of its names ("Fla."),
    a town only by its own ("Pittsburgh" is not Pittsburg, California)."""
    key = fold_name(surface)
    return tuple(
        p
        for p in candidates
        if p.kind is PlaceKind.ADMIN1
        or p.kind.is_context
        or p.name == surface
        or _folded(p.name) == key
    )


@lru_cache(maxsize=65_536)
def _folded(name: str) -> str:
    return fold_name(name)


def _eligible(readings: Sequence[Place]) -> list[Place]:
    """The readings that a home vote may favour: not a country or region, and not a town
    :data:`_SMALLER` times smaller than its name's largest town in its country (a county,
    however small, is what its name means in its state's news)."""
    largest: dict[str | None, int] = {}
    for p in readings:
        if p.kind is PlaceKind.POPULATED:
            largest[p.country] = max(largest.get(p.country, 0), p.population)
    return [
        p
        for p in readings
        if not p.kind.is_context
        and (p.kind is not PlaceKind.POPULATED or p.population * _SMALLER >= largest[p.country])
    ]


def _votes_of(candidates: Sequence[Place]) -> dict[Unit, float]:
    """The unit a name can only be in, or the one unit it can name (1); else, its local
    readings' units, :data:`_SHARED` units or fewer, each an equal part of one vote."""
    named, local = set(), set()
    for p in candidates:
        if p.kind is PlaceKind.ADMIN1:
            named.add(unit_of(p))
        elif p.kind not in _CONTEXT and not p.is_namesake:  # "Brazil": not Brazil, Indiana
            local.add((p.country, p.admin1) if p.admin1 and p.country else None)
    named.discard(None)
    if named:
        return {next(iter(named)): 1.0} if len(named) == 1 else {}
    if None in local or len(local) > _SHARED:
        return {}
    return {unit: 1.0 / len(local) for unit in local}
