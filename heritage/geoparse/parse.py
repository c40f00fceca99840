"""A report's text → the located, typed events it describes, with the evidence for each.

Per sentence (``cues.sentences``): the event cue (``cues.read_event``), and the places named in
it (``Gazetteer.find``, read by ``resolve.resolve_mentions``, which is told which names the text
puts inside the next one and which name who backs or speaks: ``roles.containers``,
``roles.is_backer``). Where the event happened is the sentence's place with the best role
(``roles.place_role``: +2 after a word of location, -3 for a place of movement, of a speaker,
of a government or a reference point, less for a place around which it happened, a province
or a place abroad), minus the distance in characters from the trigger / 100, so the place
nearest the words of the event wins among equals. Countries and regions never locate an event.

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
from dataclasses import dataclass, field, replace
from datetime import date

from heritage.domain import EventType
from heritage.geo import GEOD
from heritage.geoparse.cues import Casualties, EventCue, Span, read_event, sentences
from heritage.geoparse.gazetteer import Gazetteer, PlaceKind
from heritage.geoparse.names import STOP_WORDS
from heritage.geoparse.resolve import Resolved, resolve_mentions
from heritage.geoparse.roles import check_part, containers, is_backer, place_role

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
    mentions = [m for m in gazetteer.find(text) if _plausible(m, text, spans)]
    backers = [m for m in mentions if is_backer(text, m)]
    demonyms = gazetteer.find_demonyms(text)
    within = containers(text, mentions)
    resolved = resolve_mentions(mentions, demonyms, backers=backers, within=within)
    readings = [_as_town(r) for r in resolved]
    readings = [check_part(text, r, readings) for r in readings]
    year = published.year if published else None
    cues = [read_event(sentence.text, published_year=year) for sentence in spans]
    # A report that opens on a past, denied or feared event goes on about it: its first
    # sentence's place does not locate the sentences after it.
    lead = None if cues and _is_unreal(cues[0]) else _lead(text, spans, readings)
    events: list[FoundEvent] = []
    for sentence, cue in zip(spans, cues, strict=True):
        if cue is None or _is_unreal(cue):
            continue
        inside = [
            r
            for r in readings
            if sentence.start <= r.mention.start < sentence.end and not r.is_context
        ]
        located = _where(text, sentence, cue, inside)
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
_TOWN_OF_SITE_M = 25_000.0  # Samarra's archaeological city runs 20 km along the Tigris
_LEAD_WEIGHT = 0.6  # an event placed by the report's first sentence, not its own
_CURATED = {PlaceKind.SITE, PlaceKind.ALIAS, PlaceKind.COUNTRY, PlaceKind.REGION}


def _plausible(mention, text: str, spans: list[Span]) -> bool:
    """Drop GeoNames names that are most likely not places here: a word of a person's name
    ("Vladimir Putin", "Ahmed Ash-Sharara"), or a word of a title-case heading the body never
    repeats ("… Sparks Concerns …")."""
    if any(p.kind in _CURATED for p in mention.candidates) or " " in mention.surface:
        return True
    before = text[max(0, mention.start - 40) : mention.start]
    after = text[mention.end : mention.end + 40]
    prev_word = re.search(r"([\w'’-]+)[ -]$", before)
    next_word = re.match(r"^[ -]([\w'’-]+)", after)
    heading = next((s for s in spans if s.start <= mention.start < s.end and s.is_title), None)
    body = text[: heading.start] + text[heading.end :] if heading is not None else ""
    if heading is not None and body.strip():  # a lone headline is all there is to read
        return re.search(rf"\b{re.escape(mention.surface)}\b", body) is not None
    if prev_word and _CAPITALISED.fullmatch(prev_word.group(1)):
        opens = re.search(r"(^|[.!?:;]\s+|\n\s*)$", before[: prev_word.start()]) is not None
        if not opens and prev_word.group(1).casefold() not in STOP_WORDS:
            return False
    if next_word and _CAPITALISED.fullmatch(next_word.group(1)):
        return next_word.group(1).casefold() in _NAME_PARTS
    return True


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
    text: str, sentence: Span, cue: EventCue, readings: list[Resolved]
) -> tuple[Resolved, float, str] | None:
    if not readings:
        return None
    anchor = cue.triggers[0].start + sentence.start if cue.triggers else sentence.start
    best = None
    for reading in readings:
        score, weight, role = place_role(text, sentence, reading, readings)
        score -= abs(reading.mention.start - anchor) / 100
        if best is None or score > best[0]:
            best = (score, reading, weight, role)
    if best[0] <= -2.0:
        return None
    return best[1], best[2], best[3]


def _is_unreal(cue: EventCue | None) -> bool:
    return cue is not None and (cue.negated or cue.hypothetical or cue.anniversary)


def _lead(text: str, spans: list[Span], readings: list[Resolved]):
    """The place the report's first sentence is about, for the first event of a sentence that
    names no place ("Hundreds of fighters were killed"); None when it names none."""
    if not spans:
        return None
    first = spans[0]
    inside = [
        r for r in readings if first.start <= r.mention.start < first.end and not r.is_context
    ]
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
