"""Which place each place name in a report means, and why.

A name may mean several places ("Palmyra": the Syrian site and town, towns in New York and
Pennsylvania). Each candidate gets points a person can check, and the best one wins:

- **Context** (up to +3): the countries the report is about, by votes: each country named
  counts 2 (also where a town shares the name: "Iraq", "Jordan"), each people named
  ("Syrian") 1, each place that can only be in one country 1.
  A candidate in the leading country gets +3, in another named country +3 × its share; a
  candidate in no named country, when the report names some, gets -2.
- **Registry** (+1.5): the monitor's own sites come first among equals.
- **Size** (up to +1): log10 of the population / 7 (a city of 10 million scores 1).
- **Kind** (+2.5 a country: its name means the country before a town that shares it;
  +0.5 a site, town, facility or alias; +0.3 a district or province).
- **Closeness** (+1 within 100 km, +0.5 within 300 km) of a place the report names elsewhere
  (its best reading after the first round).

One sense per report: the same name is read the same way throughout.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from heritage.geo import GEOD
from heritage.geoparse.gazetteer import Demonym, Mention, Place, PlaceKind

__all__ = ["Resolved", "document_countries", "resolve_mentions"]

_NEAR_M, _AROUND_M = 100_000.0, 300_000.0
_LOCAL_KINDS = {PlaceKind.SITE, PlaceKind.POPULATED, PlaceKind.FACILITY, PlaceKind.ALIAS}


@dataclass(frozen=True)
class Resolved:
    """A mention and the place it is read as, with the reasons and how sure (0..1)."""

    mention: Mention
    place: Place
    certainty: float
    why: tuple[str, ...]

    @property
    def is_context(self) -> bool:
        return self.place.kind.is_context


def document_countries(mentions: Sequence[Mention], demonyms: Sequence[Demonym]) -> Counter:
    """Votes for the countries a report is about (module docstring)."""
    votes: Counter = Counter()
    for mention in mentions:
        countries = {p.country for p in mention.candidates if p.country}
        named = {p.country for p in mention.candidates if p.kind is PlaceKind.COUNTRY}
        if named:  # a country's name, even where a town shares it ("Iraq", "Jordan")
            votes.update(dict.fromkeys(named, 2))
        elif len(countries) == 1:
            votes.update(countries)
    for demonym in demonyms:
        if demonym.iso2:
            votes[demonym.iso2] += 1
    return votes


def resolve_mentions(mentions: Sequence[Mention], demonyms: Sequence[Demonym]) -> list[Resolved]:
    """The best reading of every mention, in text order."""
    votes = document_countries(mentions, demonyms)
    unique = {m.surface.casefold(): m for m in mentions}
    first = {key: _best(m, votes, ()) for key, m in unique.items()}
    anchors = [r.place for r in first.values() if r.place.kind in _LOCAL_KINDS]
    readings = {
        key: _best(m, votes, [p for p in anchors if p.id != first[key].place.id])
        for key, m in unique.items()
    }
    return [
        Resolved(m, r.place, r.certainty, r.why)
        for m in mentions
        for r in (readings[m.surface.casefold()],)
    ]


def _best(mention: Mention, votes: Counter, anchors: Sequence[Place]) -> Resolved:
    scored = [(_score(p, votes, anchors), p) for p in mention.candidates]
    scored.sort(key=lambda item: -item[0][0])  # stable: the gazetteer's order breaks ties
    (score, why), place = scored[0]
    margin = score - scored[1][0][0] if len(scored) > 1 else 3.0
    certainty = round(min(1.0, 0.5 + margin / 6), 2)
    if len(scored) > 1:
        why = (*why, f"chosen over {len(scored) - 1} other place(s) of that name")
    return Resolved(mention, place, certainty, why)


def _score(place: Place, votes: Counter, anchors: Sequence[Place]) -> tuple[float, tuple]:
    why: list[str] = []
    score = 0.0
    if votes and not place.kind.is_context:
        top = max(votes.values())
        share = votes.get(place.country, 0) / top
        if share:
            score += 3.0 * share
            why.append(f"in {place.country}, a country the report is about")
        else:
            score -= 2.0
            why.append(f"in {place.country or 'no country'}, which the report does not name")
    if place.kind is PlaceKind.SITE:
        score += 1.5
        why.append("a heritage site in the registry")
    if place.population:
        score += min(1.0, math.log10(1 + place.population) / 7)
        why.append(f"population {place.population:,}")
    if place.kind is PlaceKind.COUNTRY:  # a country's name means the country before a town
        score += 2.5
    if place.kind in _LOCAL_KINDS:
        score += 0.5
    elif place.kind in (PlaceKind.ADMIN1, PlaceKind.ADMIN2):
        score += 0.3
    if anchors and not place.kind.is_context:
        distance, anchor = _nearest(place, anchors)
        if distance <= _NEAR_M:
            score += 1.0
            why.append(f"{distance / 1000:.0f} km from {anchor.name}, also named")
        elif distance <= _AROUND_M:
            score += 0.5
            why.append(f"{distance / 1000:.0f} km from {anchor.name}, also named")
    return score, tuple(why)


def _nearest(place: Place, anchors: Sequence[Place]) -> tuple[float, Place]:
    lons = np.array([a.lon for a in anchors])
    lats = np.array([a.lat for a in anchors])
    _, _, metres = GEOD.inv(
        np.full(len(anchors), place.lon), np.full(len(anchors), place.lat), lons, lats
    )
    i = int(np.argmin(metres))
    return float(metres[i]), anchors[i]
