"""A report's text → the located, typed events it describes, with the evidence for each.

Per sentence (``cues.sentences``): the event cue (``cues.read_event``), and the places named in
it (``Gazetteer.find``, read by ``resolve.resolve_mentions``, which is told which names the text
puts inside the next one and which name who backs or speaks: ``roles.containers``,
``roles.is_backer``). Where the event happened is the sentence's place with the best role
(``roles.place_role``: +2 after a word of location, -3 for a place of movement, of a speaker,
of a government or a reference point, less for a place around which it happened, a province
or a place abroad), minus the distance in characters from the trigger / 100, so the place
nearest the words of the event wins among equals. A town or site of the report's countries
whose role is not below -2 gets +4 when the text places it down to its country ("al Mayadeen,
Deir Ezzor governorate, Syria": ``roles.precisely_placed``), and +2 when it lies in the clause
of a sentence that reports the deaths while other clauses with places do not ("Shelling
targets Homs and human losses in clashes in Hama": ``clauses.deadly_clauses``). Countries and
regions never locate an event.

A sentence with an event and no place of its own: a back-reference ("The attack resulted in
casualties") adds its casualties and evidence to the event before it; before any event, the
event takes the place the report's first sentence is about ("Yemeni troops entered al-Mukalla
... Hundreds of militants were killed"), unless that first sentence tells of a denied,
feared or past event. Sentences about the same place are one event (a headline and the
sentence that tells the same story). Negated, threatened and remembered events ("no
airstrikes", "threatened to attack", "ten years ago") are not events.

Confidence = the cue's confidence × how sure the place reading is × 1.0 when a word of location
introduces the place (0.8 otherwise; 0.6 for the place of the first sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date

from heritage.domain import EventType
from heritage.geo import GEOD
from heritage.geoparse.clauses import deadly_clauses
from heritage.geoparse.cues import Casualties, EventCue, Span, read_events, sentences
from heritage.geoparse.gazetteer import Gazetteer, PlaceKind
from heritage.geoparse.names import STOP_WORDS
from heritage.geoparse.resolve import Resolved, resolve_mentions
from heritage.geoparse.roles import (
    check_parts,
    containers,
    is_backer,
    place_role,
    precisely_placed,
)

__all__ = ["Extraction", "FoundEvent", "extract_events", "precision_label"]

_LABELS = {
    PlaceKind.SITE: "site",
    PlaceKind.FACILITY: "site",
    PlaceKind.ALIAS: "site",
    PlaceKind.POPULATED: "town",
    PlaceKind.ADMIN2: "district",
    PlaceKind.ADMIN1: "province",
    PlaceKind.COUNTRY: "country",
    PlaceKind.REGION: "country",
}


@dataclass
class FoundEvent:
    """One event of a report: where (a resolved place), what, and the words behind it."""

    place: Resolved
    event_type: EventType
    casualties: Casualties
    confidence: float
    sentences: list[Span] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    role: str = ""

    @property
    def precision_m(self) -> float:
        return self.place.place.precision_m

    @property
    def precision(self) -> str:
        return precision_label(self.place.place.kind)


@dataclass(frozen=True)
class Extraction:
    """What a report yields: its events, and every place it names with the part it plays."""

    events: list[FoundEvent]
    mentions: list[tuple[Resolved, str]]  # (reading, role: event / mentioned / context)
    published: date | None


def precision_label(kind: PlaceKind) -> str:
    return _LABELS[kind]


def extract_events(text: str, gazetteer: Gazetteer, *, published: date | None = None) -> Extraction:
    """The events ``text`` describes, located with ``gazetteer`` (module docstring)."""
    spans = sentences(text)
    starts = [s.start for s in spans]  # in order, and the spans do not overlap
    bodies: dict[int, str | None] = {}
    mentions = [m for m in gazetteer.find(text) if _plausible(m, text, spans, starts, bodies)]
    backers = [m for m in mentions if is_backer(text, m)]
    demonyms = gazetteer.find_demonyms(text)
    within = containers(text, mentions)
    precise = precisely_placed(within)
    resolved = resolve_mentions(mentions, demonyms, backers=backers, within=within)
    readings = [_as_town(r) for r in resolved]
    readings = check_parts(text, readings)
    year = published.year if published else None
    cues = read_events(text, spans, published_year=year)
    # A report that opens on a past, denied or feared event goes on about it: its first
    # sentence's place does not locate the sentences after it.
    by_sentence = _by_sentence(readings, spans, starts)
    lead = None if cues and _is_unreal(cues[0]) else _lead(text, spans, by_sentence)
    events: list[FoundEvent] = []
    for sentence, cue, inside in zip(spans, cues, by_sentence, strict=True):
        if cue is None or _is_unreal(cue):
            continue
        located = _where(text, sentence, cue, inside, precise)
        if located is None:
            if events and (cue.reference or not cue.triggers):
                _add_to(events[-1], sentence, cue)
            if events or lead is None:
                continue
            located = lead
        reading, role_weight, role = located
        confidence = round(cue.confidence * reading.certainty * role_weight, 2)
        same = next((e for e in events if e.place.place.id == reading.place.id), None)
        if same is not None:
            _add_to(same, sentence, cue, event_type=not cue.reference)
            if confidence > same.confidence:
                same.confidence, same.role = confidence, role
            continue
        if cue.reference and events and not cue.triggers:
            _add_to(events[-1], sentence, cue)
            continue
        events.append(
            FoundEvent(
                reading,
                cue.event_type,
                cue.casualties,
                confidence,
                [sentence],
                [t.text for t in cue.triggers],
                role,
            )
        )
    in_event = {e.place.place.id for e in events}
    mentions = [
        (r, "context" if r.is_context else "event" if r.place.id in in_event else "mentioned")
        for r in readings
    ]
    return Extraction(events, mentions, published)


# Words after a first name that make it part of a longer name rather than a person's.
_NAME_PARTS = frozenset(
    "city province governorate district airport base university dam hospital square street "
    "road river valley mountains mountain lake bridge gate camp prison oblast region".split()
)
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
# The word before a name, matched on the reversed text before it: an end-anchored search
# would try every letter of it. The greedy run reaches back to where the word starts.
_PREV_WORD_REVERSED = re.compile(r"[ -]([\w'’-]+)")
_NEXT_WORD = re.compile(r"^[ -]([\w'’-]+)")  # ... and after it
_TOWN_OF_SITE_M = 25_000.0  # Samarra's archaeological city runs 20 km along the Tigris
_DEADLY_POINTS = 2.0  # in the clause that reports the deaths, when others do not
_NOT_THE_EVENT = -2.0  # a role this low (movement, speaker, origin...) never places an event
_PRECISE_POINTS = 4.0  # "al Mayadeen, Deir Ezzor governorate, Syria": down to its country
_LEAD_WEIGHT = 0.6  # an event placed by the report's first sentence, not its own
_UNITS = {PlaceKind.ADMIN1, PlaceKind.ADMIN2}
_CURATED = {PlaceKind.SITE, PlaceKind.ALIAS, PlaceKind.COUNTRY, PlaceKind.REGION}


def _plausible(
    mention, text: str, spans: list[Span], starts: list[int], bodies: dict[int, str | None]
) -> bool:
    """Drop GeoNames names that are most likely not places here: a word of a person's name
    ("Vladimir Putin", "Ahmed Ash-Sharara"), or a word of a title-case heading the body never
    repeats ("… Sparks Concerns …"). ``starts`` are the spans' starts; ``bodies`` keeps, by
    heading, the text without it (None when that is blank)."""
    candidates = mention.candidates
    if " " in mention.surface:
        return True
    if len(candidates) == 1:  # most names: spare the generator
        if candidates[0].kind in _CURATED:
            return True
    elif any(p.kind in _CURATED for p in candidates):
        return True
    at = bisect_right(starts, mention.start) - 1  # the span that holds the name, if any
    if at >= 0 and spans[at].is_title and mention.start < spans[at].end:
        if at not in bodies:
            heading = spans[at]
            body = text[: heading.start] + text[heading.end :]
            bodies[at] = body if body.strip() else None
        if bodies[at] is not None:  # a lone headline is all there is to read
            return re.search(rf"\b{re.escape(mention.surface)}\b", bodies[at]) is not None
    before = text[max(0, mention.start - 40) : mention.start]
    if prev_word := _word_before(before):
        word, at = prev_word
        if (
            _CAPITALISED.fullmatch(word)
            and word.casefold() not in STOP_WORDS
            and not _opens(before[:at])
        ):
            return False
    next_word = _NEXT_WORD.match(text[mention.end : mention.end + 40])
    if next_word and _CAPITALISED.fullmatch(next_word.group(1)):
        return next_word.group(1).casefold() in _NAME_PARTS
    return True


def _word_before(before: str) -> tuple[str, int] | None:
    """The word that ends ``before`` followed by a space or a hyphen, and where it starts: what
    ``([\\w'’-]+)[ -]$`` finds (its ``$`` lets a final line break follow)."""
    tail = before[:-1] if before.endswith("\n") else before
    found = _PREV_WORD_REVERSED.match(tail[::-1])
    if found is None:
        return None
    return found.group(1)[::-1], len(tail) - found.end()


def _opens(head: str) -> bool:
    """Whether a sentence or a line opens at the end of ``head``: its start, a stop and
    spaces, or a line break and spaces (as a search from every letter would find)."""
    if not head:
        return True
    kept = head.rstrip()
    if len(kept) == len(head):
        return False
    return "\n" in head[len(kept) :] or (kept != "" and kept[-1] in ".!?:;")


def _by_sentence(
    readings: list[Resolved], spans: list[Span], starts: list[int]
) -> list[list[Resolved]]:
    """The readings of each sentence that are not countries or regions, in text order."""
    inside: list[list[Resolved]] = [[] for _ in spans]
    for reading in readings:
        start = reading.mention.start
        at = bisect_right(starts, start) - 1
        if at >= 0 and start < spans[at].end and not reading.is_context:
            inside[at].append(reading)
    return inside


def _as_town(reading: Resolved) -> Resolved:
    """A registry site named by a name it shares with its town ("Palmyra", "Aleppo") locates
    an event to the town, with the town's precision: a report saying "in Palmyra" means the
    town and its area, not the ruins. The site's own names ("Temple of Bel") keep the site."""
    place = reading.place
    if place.kind is not PlaceKind.SITE:
        return reading
    towns = [
        p
        for p in reading.mention.candidates
        if p.kind is PlaceKind.POPULATED
        and p.country == place.country
        and GEOD.inv(p.lon, p.lat, place.lon, place.lat)[2] <= _TOWN_OF_SITE_M
    ]
    if not towns:
        return reading
    why = (*reading.why, f"the name of the town of {towns[0].name} too: located to the town")
    return replace(reading, place=towns[0], why=why)


def _where(
    text: str,
    sentence: Span,
    cue: EventCue,
    readings: list[Resolved],
    precise: frozenset[int] = frozenset(),
) -> tuple[Resolved, float, str] | None:
    """The reading of the sentence where its event happened, the weight of its role and why
    (module docstring); None when no place may be it."""
    if not readings:
        return None
    anchor = cue.triggers[0].start + sentence.start if cue.triggers else sentence.start
    deadly = deadly_clauses(sentence, cue, [r.mention.start for r in readings], precise)
    best = None
    for reading in readings:
        score, weight, role = place_role(text, sentence, reading, readings)
        start = reading.mention.start
        if score > _NOT_THE_EVENT and _is_local(reading):
            if start in precise:
                score += _PRECISE_POINTS
                role = f"{role}; placed precisely, down to its country"
            if any(a <= start < b for a, b in deadly):
                score += _DEADLY_POINTS
                role = f"{role}; in the clause that reports the deaths"
        score -= abs(start - anchor) / 100
        if best is None or score > best[0]:
            best = (score, reading, weight, role)
    if best[0] <= _NOT_THE_EVENT:
        return None
    return best[1], best[2], best[3]


def _is_local(reading: Resolved) -> bool:
    """A town, site or facility of a country the report is about: not a province, which says
    less than a town beside it, nor a reading abroad, which may be a homonym."""
    return not reading.is_abroad and reading.place.kind not in _UNITS


def _is_unreal(cue: EventCue | None) -> bool:
    return cue is not None and (cue.negated or cue.hypothetical or cue.anniversary)


def _lead(text: str, spans: list[Span], by_sentence: list[list[Resolved]]):
    """The place the report's first sentence is about, for the first event of a sentence that
    names no place ("Hundreds of fighters were killed"); None when it names none."""
    if not spans:
        return None
    first, inside = spans[0], by_sentence[0]
    scored = [
        (place_role(text, first, r, inside).score - (r.mention.start - first.start) / 100, r)
        for r in inside
    ]
    best = max(scored, key=lambda item: item[0], default=None)
    if best is None or best[0] <= -2.0:
        return None
    return best[1], _LEAD_WEIGHT, "the place the report opens with (the sentence names none)"


def _add_to(event: FoundEvent, sentence: Span, cue: EventCue, *, event_type: bool = False):
    event.sentences.append(sentence)
    event.triggers.extend(t.text for t in cue.triggers)
    event.casualties = _merge(event.casualties, cue.casualties)
    if event_type and cue.confidence > event.confidence and cue.event_type is not EventType.OTHER:
        event.event_type = cue.event_type


def _merge(first: Casualties, second: Casualties) -> Casualties:
    if not second.reported and second.killed is None:
        return first

    def larger(a, b):
        return b if a is None else a if b is None else max(a, b)

    return replace(
        first,
        killed=larger(first.killed, second.killed),
        injured=larger(first.injured, second.injured),
        reported=first.reported or second.reported,
        evidence=first.evidence + second.evidence,
        is_minimum=first.is_minimum or second.is_minimum,
    )
