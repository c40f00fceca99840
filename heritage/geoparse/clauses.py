"""The clauses of a sentence that tells of several events, and which of them report deaths.

Headlines of conflict monitors pack several events into one sentence: "Shelling targets the
eastern countryside of Homs and human losses during clashes in the southern countryside of
Hama"; "Raids target Deir Ezzor city; 5 killed in shelling at Dael". A sentence is cut at
``;``, and where ``,``, ``and``, ``while`` or a dash opens a stretch with words of an event of
its own (a trigger, an attack verb such as "target", a casualty) before the next place:
"Daraa and Quneitra" stays one clause, "in Daraa and IS kills a commander in Raqqa
countryside" is two. A clause that names no place joins the one after it when an "and" ties
it to more casualties ("casualties and | injuries in bombing on al-Houla"), else the one
before it ("Raids target Douma kill two | and injuries, | and shelling ..."); after a ``;``
it is another
headline with no place ("18 were killed yesterday") and is left out. A clause that only says
where, with a place placed down to its country and no event words ("October 5th 2017: al
Mayadeen, Deir Ezzor governorate, Syria"), belongs to the clause before it.

When some clauses that name places report deaths and others do not, the event the sentence
is about is the deadly one: conflict data counts deaths, and a report leads with them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Sequence

from heritage.geoparse.cues import EventCue, Span

__all__ = ["deadly_clauses"]

_SEMICOLON, _AND = ";", "and"
_BREAK = re.compile(r";|,|\s(?:and|while|whereas)\s|\s[–—-]\s")
# Words of deaths that the casualty count does not read: a massacre, martyrs, executions.
_DEATHS = re.compile(
    r"\b(?:massacres?|martyr(?:s|ed)?|executions?|executed|death\s+toll)\b", re.IGNORECASE
)
# Verbs of attack that are not triggers of an event type ("shells target ...").
_ATTACKS = re.compile(r"\b(?:target(?:s|ed|ing)?|hit(?:s|ting)?)\b", re.IGNORECASE)

Clause = tuple[int, int]  # (start, end), offsets into the sentence


def deadly_clauses(
    sentence: Span, cue: EventCue, place_starts: Sequence[int], located: Collection[int] = ()
) -> list[Clause]:
    """The clauses of ``sentence`` (as offsets into the report) that report deaths, when
    others that name places do not; [] otherwise.

    ``place_starts`` are the offsets of the place names of the sentence in the report;
    ``located`` those of the names placed down to their country (module docstring).
    """
    if len(place_starts) < 2:
        return []
    text = sentence.text
    casualties = cue.casualties
    deaths = [span.start for span in casualties.evidence] if casualties.reported else []
    deaths = sorted({*deaths, *(found.start() for found in _DEATHS.finditer(text))})
    if not deaths:
        return []
    places = sorted(start - sentence.start for start in place_starts)
    attacks = [found.start() for found in _ATTACKS.finditer(text)]
    words = sorted({*deaths, *attacks, *(span.start for span in cue.triggers)})
    lines = sorted(start - sentence.start for start in located)
    with_places = _clauses(text, places, words, deaths, lines)
    deadly = [c for c in with_places if _holds(c, deaths)]
    if not deadly or len(deadly) == len(with_places):
        return []
    return [(sentence.start + a, sentence.start + b) for a, b in deadly]


def _clauses(
    text: str, places: list[int], words: list[int], deaths: list[int], lines: list[int]
) -> list[Clause]:
    """The clauses of ``text`` that name places, with the clauses without one joined to
    them (module docstring); ``words`` and ``deaths`` are sorted offsets of event words."""
    cuts = [(0, "")]  # where each piece starts, and the break before it
    for found in _BREAK.finditer(text):
        kind = found.group().strip()
        if kind == _SEMICOLON or _opens_event(found.end(), places, words):
            cuts.append((found.end(), kind))
    ends = [*(at for at, _ in cuts[1:]), len(text)]
    closing = [*(kind for _, kind in cuts[1:]), ""]
    merged: list[Clause] = []
    carried = None  # the start of placeless pieces waiting for the next piece
    for (a, opening), b, close in zip(cuts, ends, closing, strict=True):
        if a == b:
            continue
        if not _holds((a, b), places):
            if opening == _SEMICOLON:
                carried = None  # another headline, with no place
            elif not merged or (close == _AND and _opens_with(b, words, deaths)):
                carried = a if carried is None else carried
            else:
                merged[-1] = (merged[-1][0], b)
            continue
        a, carried = (a if carried is None else carried), None
        if merged and _holds((a, b), lines) and not _holds((a, b), words):
            merged[-1] = (merged[-1][0], b)  # says where the clause before it happened
        else:
            merged.append((a, b))
    if carried is not None and merged:
        merged[-1] = (merged[-1][0], len(text))
    return merged


def _opens_event(after: int, places: list[int], words: list[int]) -> bool:
    """Whether an event's word comes after ``after`` and before the next place."""
    word = bisect_left(words, after)
    if word == len(words):
        return False
    place = bisect_left(places, after)
    return place == len(places) or words[word] < places[place]


def _opens_with(at: int, words: list[int], deaths: list[int]) -> bool:
    """Whether the first event word from ``at`` on is a word of deaths."""
    word = bisect_left(words, at)
    return word < len(words) and _holds((words[word], words[word] + 1), deaths)


def _holds(clause: Clause, offsets: Sequence[int]) -> bool:
    a, b = clause
    at = bisect_left(offsets, a)
    return at < len(offsets) and offsets[at] < b
