"""The part a place name plays in its sentence, read from the words around it.

A sentence that reports an event names places in several parts: where it happened ("in the
area of Palmyra"), where someone went or spoke from ("flown to Et-Tanf", "officials in
Baghdad"), a reference point ("Ramadi, the capital of Anbar province"; "100 km south of
Mosul"), a government ("Kiev forces"), a container ("Hawijah, Kirkuk province"). Each rule
here is a pattern of words a person can check; :func:`place_role` adds them up:

==========================================  ======  =============================================
words                                       points  example
==========================================  ======  =============================================
a word of location or of attack before      +2      in, near, at, outside, in the area of,
                                                    shells target, hit, raids on
where they retreated or were driven from    +1      retreating from, driven out of
a word of movement or of who speaks         -3      to, from, flown by helicopter to, based in,
                                                    the ministry in, -based after
where people come from or whom they back    -3      a fighter of Tal Tamr, pro-Ankara factions
a town a road is named after                -1      the highway of Damascus – Aleppo
a government, its forces or a meeting       -3      Kiev forces, the Damascus government, the
                                                    Minsk talks
the reference point of an apposition or     -3      Bucha, the town north-west of Kiev; 100 km
a distance                                          south of Mosul
around the place rather than in it          -1.5    the countryside of Homs, east of Deir Ezzor
a province or district                      -1.5    a town named beside it says more
in a country the report is not about        -2      Adan, Karama, east of Mosul (not Aden)
a part read far from its town               -3      the Tal as-Sultan area of western Rafah
==========================================  ======  =============================================

A name in brackets after another ("towards Ayn al-Arab (Kobani)") is read with the words
before the first. :func:`precisely_placed` finds the names the text places down to their
country ("al Mayadeen, Deir Ezzor governorate, Syria"), which :mod:`.parse` favours.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import replace
from typing import NamedTuple

from heritage.geo import GEOD
from heritage.geoparse.cues import Span
from heritage.geoparse.gazetteer import Mention, PlaceKind
from heritage.geoparse.resolve import Resolved

__all__ = [
    "Role",
    "check_part",
    "check_parts",
    "containers",
    "is_backer",
    "place_role",
    "precisely_placed",
]


class Role(NamedTuple):
    """Points for being where the event was, the weight of the reading in the event's
    confidence (1.0 after a word of location, 0.8 otherwise), and why."""

    score: float
    weight: float
    why: str


_UNITS = {PlaceKind.ADMIN1, PlaceKind.ADMIN2}
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|around|outside|inside|on|across|into|throughout|within|of|"
    r"target(?:s|ed|ing)?|hit(?:s|ting)?|shell(?:s|ed)?|bomb(?:s|ed)?|bombard(?:s|ed)?|"
    r"struck|strikes?|raid(?:s|ed)?|attack(?:s|ed)?|storm(?:s|ed)?|pound(?:s|ed)?|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
    r"(?:area|outskirts|vicinity|countryside|suburbs?|centre|center|heart|town|city|village|"
    r"district|province|governorate|neighbourhood|neighborhood|region|desert)\s+of)"
    r"(?:\s+the)?(?:\s+(?:town|city|village|ancient\s+city|district|province|governorate|"
    r"area|region|base|camp|capital))?"
    r"(?:\s+(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?|central|downtown))?)\s*$",
    re.IGNORECASE,
)
_AWAY = re.compile(
    r"(?:\b(?:to|from|towards?|via|into\s+exile\s+in|based\s+in|officials\s+in|"
    r"speaking\s+in|spoke\s+in|said\s+in|told\s+\w+\s+in|headquartered\s+in|returned\s+to|"
    r"fled\s+to|flown\s+to|taken\s+to|transferred\s+to|evacuated\s+to|moved\s+to|sent\s+to|"
    r"visit(?:ed|ing)?|embassy\s+in|meeting\s+in|talks\s+in|conference\s+in)"
    r"(?:\s+(?:the|a))?(?:\s+[\w-]+)?"
    # "were flown by helicopter to a hospital near Tel Aviv"
    r"|\b(?:flown|taken|evacuated|transferred|moved|sent|brought|fled|airlifted|rushed)\b"
    r"[^.;:]{0,40}?\bto\b[^.;:]{0,30}?)\s*$",
    re.IGNORECASE,
)
# "fighters retreating from Timbuktu set fire to...", "driven out of Kobane": they were there.
_LEAVING = re.compile(
    r"\b(?:retreat(?:s|ed|ing)?|withdr(?:ew|awn|awing|aws?)|pull(?:s|ed|ing)?\s+out|"
    r"driven\s+out|expell?(?:ed|ing)|ousted|ejected|routed|flushed\s+out)\s+(?:from|of)"
    r"(?:\s+the)?(?:\s+(?:town|city|village|area|district|province|base|camp))?\s*$",
    re.IGNORECASE,
)
_BASED = re.compile(r"^-(?:based|backed|led|born|made)\b", re.IGNORECASE)
_PRO = re.compile(r"\b(?:pro|anti)-$", re.IGNORECASE)  # "pro-Ankara factions"
# "the highway of Damascus – Aleppo", "the main road of Aleppo", "the Damascus-Aleppo
# highway": a road named after the towns it joins, not where the event was.
_ROAD_BEFORE = re.compile(
    r"\b(?:highway|road|motorway)\s+(?:of|to|from|between|linking)(?:\s+the)?"
    r"(?:\s+[\w'’-]+){0,3}?(?:\s*[–—-]|\s+and)?\s*$",
    re.IGNORECASE,
)
_ROAD_AFTER = re.compile(
    r"^\s*[–—-]\s*[\w'’]+(?:[ -][\w'’]+)?[\s-](?:highway|motorway|road)\b", re.IGNORECASE
)
_ROAD_END = re.compile(r"^[\s-](?:highway|motorway|road)\b", re.IGNORECASE)
_DASH_BEFORE = re.compile(r"[–—-]\s*$")
# "a fighter of Tal Tamr was killed in clashes at Aleppo": where people come from.
_ORIGIN = re.compile(
    r"\b(?:fighters?|members?|natives?|residents?|families)\s+(?:of|from)(?:\s+the)?\s*$",
    re.IGNORECASE,
)
# "towards Ayn al-Arab (Kobani)": a name in brackets after another plays the same part.
_BRACKETED = re.compile(r"(?:\s+(?:[A-Z][\w'’‘-]*|al-[\w'’‘-]+|[ae]l|as|ad|ar|de)){1,4}\s*\(\s*$")
# Who speaks from a place: "the antiquities ministry in Baghdad said".
_OFFICE = re.compile(
    r"\b(?:ministry|ministries|government|authorities|officials?|spokes(?:man|woman|person)|"
    r"office|headquarters|command|court|parliament|council|agency|correspondent)\s+in"
    r"(?:\s+the)?\s*$",
    re.IGNORECASE,
)
# "Ramadi, the capital of Anbar province", "Hatra, the ... fortified city in the desert
# south-west of Mosul", "The town, about 100 km south of Mosul": the place after the
# apposition or the distance only says where the first one lies.
_APPOSITION = re.compile(
    r",\s+(?:the|a|an)\s+[^.;:!?]{0,60}?\b(?:capital|city|town|village|port|district|suburb|"
    r"neighbou?rhood|base|camp|area|region|province|governorate|site|ruins)"
    r"\b[^.;:!?,]{0,40}?\b(?:of|in|near|from)(?:\s+the)?\s*$",
    re.IGNORECASE,
)
_DISTANCE = re.compile(
    r"\b(?:km|kilometres|kilometers|miles)\s+(?:\(\d+\s+\w+\)\s+)?(?:to\s+the\s+)?"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of(?:\s+the)?\s*$",
    re.IGNORECASE,
)
# "Kiev forces", "the Damascus government", "Kiev's sniper", "the Minsk agreements": a
# government, its forces or a meeting, not a place of the event.
_GOVERNMENT = re.compile(
    r"^(?:['’]s)?\s+(?:forces|government|regime|authorities|army|troops|military|side|"
    r"snipers?|officials|administration|leadership|agreements?|accords?|talks|meeting|"
    r"format|summit|protocol|process|deal)\b",
    re.IGNORECASE,
)
# "the Tal as-Sultan area of western Rafah", "Yarmouk neighbourhood, West Mosul": a part of
# the place named next.
_PART_OF = re.compile(  # matched from the end of the name, up to the next (no copy of the gap)
    r"\s+(?:area|district|neighbou?rhoods?|quarter|suburb|sector|camp)(?:\s+of\b|\s*,)"
    r"[^.;:!?]{0,25}?$",
    re.IGNORECASE,
)
_PART_M = 25_000.0  # a part of a town lies within this of the town's point
# "Hawijah, Kirkuk province", "Gainesville, Fla.", "Yarmouk neighbourhood, West Mosul", "the
# Shevchenkivskyi district of Kyiv": the second place contains the first.
_IN_NEXT = re.compile(
    r"(?:\b(?:neighbou?rhoods?|area|district|quarter|suburb)\s+of\s+(?:the\s+)?|"
    r"(?:\s+(?:neighbou?rhoods?|area|district|quarter|suburb|village|town|city|camp))?"
    r"\s*,\s*(?:the\s+)?)(?:(?:north|south|east|west)(?:ern)?\s+|old\s+|central\s+)?$",
    re.IGNORECASE,
)
# "the countryside of Homs", "east of Deir Ezzor", "Idlib countryside": somewhere around the
# town, not in it; a town named plainly in the same sentence says more.
_ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_SPELLING = re.compile(
    r"[\s\u200e\u200f]+[A-Za-z][\w'’‘-]*(?:\s+[A-Za-z][\w'’‘-]*){0,3}"  # left-to-right marks too
)
_MAX_CHAIN = 4  # "a village, a district, a province, a country" at most
_MAX_GAP = 40  # characters between a place and the one it is said to be in, at most
_AROUND_BEFORE = re.compile(
    r"\b(?:countryside|desert|outskirts|vicinity|mountains|surroundings|"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?)\s+of(?:\s+the)?"
    r"(?:\s+(?:city|town|province|governorate))?\s*$",
    re.IGNORECASE,
)
_AROUND_AFTER = re.compile(
    r"^['’]?s?\s+(?:countryside|desert|mountains|province|governorate|outskirts)\b",
    re.IGNORECASE,
)


def place_role(text: str, sentence: Span, reading: Resolved, others: list[Resolved]) -> Role:
    """How the words around a place name say it is (or is not) where the event was, with
    ``others`` the readings of the sentence (module docstring)."""
    start, end = reading.mention.start, reading.mention.end
    before = text[max(sentence.start, start - 60) : start]
    if before.endswith("(") and (bracket := _BRACKETED.search(before)) is not None:
        before = text[
            max(sentence.start, start - 60 - len(bracket.group())) : start - len(bracket.group())
        ]
    after = text[end : end + 24]
    ends = {r.mention.end for r in others}
    score, weight, why = 0.0, 0.8, "named in the sentence of the event"
    if (leaving := _LEAVING.search(before)) is not None:
        score, weight = 1.0, 1.0
        why = f"where they left: “{leaving.group(0).strip()}”"
    elif _AWAY.search(before) or _OFFICE.search(before) or _BASED.match(after):
        score, why = -3.0, "a place of movement or of the speaker, not of the event"
    elif _PRO.search(before) or _ORIGIN.search(before):
        score, why = -3.0, "where people come from or whom they back, not where the event was"
    elif _is_road(before, after):
        score, why = -1.0, "names a road by the towns it joins: somewhere along it"
    elif _GOVERNMENT.match(after):
        score, why = -3.0, "names a government, its forces or a meeting, not a place"
    elif _DISTANCE.search(before) or _is_apposed(text, start, ends):
        score, why = -3.0, "says where the place before it lies, not where the event was"
    elif (locative := _LOCATIVE.search(before)) is not None:
        score, weight = 2.0, 1.0
        why = f"introduced by “{locative.group(0).strip()}”"
    if _AROUND_BEFORE.search(before) or _AROUND_AFTER.match(after):
        score, weight = score - 1.5, 0.8
        why = f"{why}; around the place rather than in it"
    if reading.is_abroad:  # "Adan, Karama, east of Mosul": not Aden, Yemen
        score -= 2.0
        why = f"{why}; in a country the report is not about"
    if reading.place.kind in _UNITS:  # a town named beside its province says more
        score -= 1.5
    if _larger(text, reading, others) is not None:
        score -= 3.0
        why = "a part of the place named next, but read far from it"
    return Role(score, weight, why)


def _is_road(before: str, after: str) -> bool:
    """Whether the name is one of the towns a road is named after."""
    return (
        _ROAD_BEFORE.search(before) is not None
        or _ROAD_AFTER.match(after) is not None
        or (_ROAD_END.match(after) is not None and _DASH_BEFORE.search(before) is not None)
    )


def check_part(text: str, reading: Resolved, readings: list[Resolved]) -> Resolved:
    """A reading of the name of a part of a town ("Yarmouk neighbourhood, West Mosul") that
    lies far from that town is a homonym, not the part: it keeps little certainty."""
    larger = _larger(text, reading, readings)
    if larger is None:
        return reading
    why = (*reading.why, f"said to be a part of {larger.mention.surface}, but far from it")
    return replace(reading, certainty=round(reading.certainty * 0.5, 2), why=why)


def check_parts(text: str, readings: list[Resolved]) -> list[Resolved]:
    """:func:`check_part` for each reading of a report, in one pass."""
    order = sorted(range(len(readings)), key=lambda i: readings[i].mention.start)
    starts = [readings[i].mention.start for i in order]
    out = []
    for reading in readings:
        at = bisect_right(starts, reading.mention.end)  # the first name after this one
        larger = readings[order[at]] if at < len(order) else None
        if larger is not None and _is_far_part(text, reading, larger):
            why = (*reading.why, f"said to be a part of {larger.mention.surface}, but far from it")
            reading = replace(reading, certainty=round(reading.certainty * 0.5, 2), why=why)
        out.append(reading)
    return out


def _larger(text: str, reading: Resolved, readings: list[Resolved]) -> Resolved | None:
    """The place ``reading`` is said to be a part of ("the X area of Y"), when ``reading``
    lies farther from it than a part of a town can: a homonym far away, not the part."""
    end = reading.mention.end
    after = [r for r in readings if r.mention.start > end]
    if not after:
        return None
    larger = min(after, key=lambda r: r.mention.start)
    return larger if _is_far_part(text, reading, larger) else None


def _is_far_part(text: str, reading: Resolved, larger: Resolved) -> bool:
    """Whether the text says ``reading`` is a part of ``larger``, named next, and it lies
    farther from it than a part of a town can."""
    if not _PART_OF.match(text, reading.mention.end, larger.mention.start):
        return False
    one, other = reading.place, larger.place
    _, _, metres = GEOD.inv(one.lon, one.lat, other.lon, other.lat)
    return metres > _PART_M


def _is_in(text: str, inner: Mention, outer: Mention) -> bool:
    """Whether the text puts ``inner`` in ``outer``, named right after it (_IN_NEXT)."""
    if outer.start - inner.end > _MAX_GAP:
        return False
    end = inner.end
    if _ARABIC.search(inner.surface):  # "الطبقة Al Tabaqa, Raqqa governorate": its Latin spelling
        latin = _LATIN_SPELLING.match(text, end, outer.start)
        end = latin.end() if latin else end
    found = _IN_NEXT.search(text, max(0, end - 12), outer.start)
    return found is not None and found.start() <= end


def _is_apposed(text: str, start: int, ends: Collection[int]) -> bool:
    """Whether the place at ``start`` ends an apposition to a place named just before it."""
    return any(
        0 < start - end <= 120
        and text.startswith(",", end)
        and _APPOSITION.match(text, end, start) is not None
        for end in ends
    )


def containers(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    """(inner, outer) for each mention the text puts in the one named right after it."""
    return [(a, b) for a, b in zip(mentions, mentions[1:], strict=False) if _is_in(text, a, b)]


def precisely_placed(within: list[tuple[Mention, Mention]]) -> frozenset[int]:
    """The starts of the names the text places in a chain of containers that ends in a
    country ("al Mayadeen, Deir Ezzor governorate, Syria"; "Ramadi, Anbar province, Iraq"),
    with ``within`` from :func:`containers`: the innermost name of each chain."""
    outer = {inner.start: container for inner, container in within}
    placed = set()
    for start in outer.keys() - {container.start for container in outer.values()}:
        at = start
        for _ in range(_MAX_CHAIN):
            container = outer.get(at)
            if container is None:
                break
            if container.is_context:
                placed.add(start)
                break
            at = container.start
    return frozenset(placed)


def is_backer(text: str, mention: Mention) -> bool:
    """Whether the mention names who backs or is based somewhere ("Iran-backed")."""
    end, start = mention.end, mention.start
    # Both rules need a hyphen next to the name: most names are spared the regexes.
    if text.startswith("-", end) and _BASED.match(text[end : end + 12]) is not None:
        return True
    return (
        start > 0
        and text[start - 1] == "-"
        and _PRO.search(text[max(0, start - 5) : start]) is not None
    )
