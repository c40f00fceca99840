"""A report's text → the located, typed events it describes, with the evidence for each.

Per sentence (``cues.sentences``): the event cue (``cues.read_event``), and the places named in
it (``Gazetteer.find``, read by ``resolve.resolve_mentions``). Where the event happened is the
sentence's place with the best role:

- +2 after a word of location ("in", "near", "at", "around", "outside", "in the area of",
  "east of"...); -3 after a word of movement or of who speaks ("to", "from", "flown to",
  "based in", "officials in", "speaking in"...) or before "-based";
- minus the distance in characters from the trigger / 100, so the place nearest the words of
  the event wins among equals;
- countries and regions never locate an event: a sentence that names no other place gives no
  event of its own.

Events are then merged: a back-reference ("The attack resulted in casualties") adds its
casualties and evidence to the event before it; sentences about the same place are one event
(a headline and the sentence that tells the same story). Negated, threatened and remembered
events ("no airstrikes", "threatened to attack", "ten years ago") are not events.

Confidence = the cue's confidence × how sure the place reading is × 1.0 when a word of location
introduces the place (0.8 otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from heritage.domain import EventType
from heritage.geoparse.cues import Casualties, EventCue, Span, read_event, sentences
from heritage.geoparse.gazetteer import Gazetteer, PlaceKind
from heritage.geoparse.names import STOP_WORDS
from heritage.geoparse.resolve import Resolved, resolve_mentions

__all__ = ["Extraction", "FoundEvent", "extract_events", "precision_label"]

_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|around|outside|inside|on|across|into|throughout|within|of|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
    r"(?:area|outskirts|vicinity|countryside|suburbs?|centre|center|heart|town|city|village|"
    r"district|province|governorate|neighbourhood|neighborhood|region|desert)\s+of)"
    r"(?:\s+the)?(?:\s+(?:town|city|village|ancient\s+city|district|province|governorate|"
    r"area|region|base|camp))?)\s*$",
    re.IGNORECASE,
)
_AWAY = re.compile(
    r"(?:\b(?:to|from|towards?|via|into\s+exile\s+in|based\s+in|officials\s+in|"
    r"speaking\s+in|spoke\s+in|said\s+in|told\s+\w+\s+in|headquartered\s+in|returned\s+to|"
    r"fled\s+to|flown\s+to|taken\s+to|transferred\s+to|evacuated\s+to|moved\s+to|sent\s+to|"
    r"visit(?:ed|ing)?|embassy\s+in|meeting\s+in|talks\s+in|conference\s+in)"
    r"(?:\s+(?:the|a))?(?:\s+[\w-]+)?)\s*$",
    re.IGNORECASE,
)
_BASED = re.compile(r"^-(?:based|backed|led|born|made)\b", re.IGNORECASE)
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
    readings = [_as_town(r) for r in resolve_mentions(mentions, gazetteer.find_demonyms(text))]
    year = published.year if published else None
    events: list[FoundEvent] = []
    for sentence in spans:
        cue = read_event(sentence.text, published_year=year)
        if cue is None or cue.negated or cue.hypothetical or cue.anniversary:
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
            continue
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
        and abs(p.lat - place.lat) < 0.1
        and abs(p.lon - place.lon) < 0.12
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
        before = text[max(sentence.start, reading.mention.start - 60) : reading.mention.start]
        after = text[reading.mention.end : reading.mention.end + 12]
        score, weight, role = 0.0, 0.8, "named in the sentence of the event"
        if _AWAY.search(before) or _BASED.match(after):
            score -= 3.0
            role = "a place of movement or of the speaker, not of the event"
        elif _LOCATIVE.search(before):
            score += 2.0
            weight = 1.0
            role = f"introduced by “{_LOCATIVE.search(before).group(0).strip()}”"
        score -= abs(reading.mention.start - anchor) / 100
        if best is None or score > best[0]:
            best = (score, reading, weight, role)
    if best[0] <= -2.0:
        return None
    return best[1], best[2], best[3]


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
