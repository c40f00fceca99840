"""What a report says happened: the event cue in each of its sentences.

The gazetteer and the resolver find *where*; this module reads *what*, with regular expressions
over the words of :mod:`heritage.geoparse.lexicon`, so that every decision points to a word.
A report is split into sentences by :mod:`~heritage.geoparse.sentences`; whether an event
is negated, hypothetical or past is read by :mod:`~heritage.geoparse.modality`, and its
casualties by :mod:`~heritage.geoparse.casualties` (each module states its rules).

Rules
-----
Event type
    Each trigger in ``TRIGGERS`` has one type. With several, the sentence takes the first type
    in ``PRIORITY`` among the triggers neither negated nor hypothetical: deliberate destruction,
    air strikes, shelling, explosions, looting, violence against civilians, occupation, armed
    clashes, unrest, other. Effect words (``destroyed``, ``damaged``, ``wrecked``, ``smashed``,
    ``breached`` but not a breached ceasefire or ban) decide only when nothing else does:
    "airstrikes destroyed the souk" is an airstrike, "the dam was breached" a destruction. A
    place taken in a fight is an armed clash: an occupation trigger with a clash trigger
    ("retook the town in a surprise assault", "captured the village after clashes"). Moving
    in (``entered``, ``moved into``, ``swept into``) is an occupation when an armed actor
    leads its clause ("troops entered the city", not "journalists who entered"). Barrel bombs
    are air strikes (dropped from aircraft); a bare "strike(s)" is an air strike, and missile,
    rocket or artillery strikes are shelling; a general or hunger strike is unrest. All
    triggers are kept as evidence.
Reference
    A trigger is a back-reference when it is a noun after a definite determiner (``the``,
    ``this``, ``its``...), with at most three modifiers between and no launching verb before
    ("the attack", "this week's shelling", but not "launched the offensive"). A sentence whose
    triggers are all back-references has ``reference=True``: the resolver adds it to the event
    before it rather than counting a new one. A sentence with casualties and no trigger ("the
    wounded were evacuated", "No one was hurt.") is a reference of type ``other`` too: it tells
    more about the event around it (with no event before it, it may stand as an ``other``).
Confidence
    0.70 for a verb ("shelled", "launched an attack", "warplanes struck"), 0.55 for a noun
    ("clashes erupted"), 0.40 for a back-reference, 0.30 for casualties alone; +0.10 when an
    actor is named (forces, militants, IS...), +0.10 with casualties; times 0.25 when
    hypothetical, 0.20 when negated, 0.50 for background; at most 0.95.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from heritage.domain import EventType
from heritage.geoparse.casualties import NO_CASUALTIES, Casualties, read_casualties, read_cues
from heritage.geoparse.cue_screen import may_hold_cues
from heritage.geoparse.lexicon import (
    ARMED_CLASH_RANK,
    OCCUPATION_RANK,
    PRIORITY,
    TRIGGERS,
    Regexes,
    regexes,
    scan_text,
)
from heritage.geoparse.modality import Context, is_background, is_hypothetical, is_negated
from heritage.geoparse.sentences import Span, sentences

__all__ = [
    "NO_CASUALTIES",
    "PRIORITY",
    "TRIGGERS",
    "Casualties",
    "EventCue",
    "Span",
    "read_casualties",
    "read_event",
    "read_events",
    "sentences",
]

_ACTORS = frozenset(
    "forces troops army soldier soldiers militant militants fighter fighters rebel rebels gunman "
    "gunmen militia militias militiamen regime insurgents jihadists police policemen warplanes "
    "jets aircraft drones helicopters coalition looters snipers bombers attackers assailants "
    "daesh hezbollah hamas".split()
)
_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(".,;:!?\"'“”‘’()[]", " "))
_ASCII_PUNCTUATION_TO_SPACE = bytes.maketrans(b".,;:!?\"'()[]", b" " * 12)
_SUBORDINATORS = frozenset(
    "where when who whom whose which that after before as while because if until since".split()
)
_ACRONYM_ACTORS = frozenset("IS ISIS ISIL HTS SDF QSD YPG PKK FSA SAA NDF IDF".split())
_DEFINITE = frozenset("the this that these those its their his her our such said same".split())
_INDEFINITE = frozenset(
    "a an another new fresh renewed several two three four many multiple further more series "
    "numerous one some heavy fierce".split()
)
_LAUNCH_VERBS = frozenset(
    "launched launch launches launching carried carry carries carrying out conducted conduct "
    "conducting staged stage mounted mount waged wage began begin begun started start resumed "
    "resume intensified escalated committed perpetrated unleashed initiated".split()
)
# Between a determiner and its noun stand modifiers; these words end the search instead.
_STOP_WORDS = frozenset(
    "of in on at by for from to with into onto against near over under after before during "
    "since between among amid without within across through and or but nor was were is are be "
    "been being has have had did does do will would could may might can shall should not no "
    "who which whom whose when where while as than if then also reportedly allegedly".split()
)
_IRREGULAR_PAST = frozenset(
    "fought struck hit took taken blew blown fell overran overrun stole stolen set shot retook "
    "retaken dug".split()
)
# Words in -ed that describe rather than tell what someone did.
_ADJECTIVES_IN_ED = frozenset(
    "improvised armed booby-trapped unexploded air-dropped alleged suspected reported renewed "
    "coordinated continued repeated failed attempted sustained unprecedented so-called "
    "organised organized concerted".split()
)

_FORM_CONFIDENCE = {"verb": 0.70, "noun": 0.55, "reference": 0.40}
_CASUALTIES_ONLY, _ACTOR_BONUS, _CASUALTY_BONUS = 0.30, 0.10, 0.10
_HYPOTHETICAL_FACTOR, _NEGATED_FACTOR, _BACKGROUND_FACTOR = 0.25, 0.20, 0.50
_MAX_CONFIDENCE = 0.95


@dataclass(frozen=True)
class EventCue:
    """The event one sentence describes, with the words it was read from."""

    event_type: EventType
    triggers: tuple[Span, ...]
    casualties: Casualties
    negated: bool
    hypothetical: bool
    anniversary: bool
    confidence: float
    reference: bool = False


class _Trigger(NamedTuple):
    span: Span
    rank: int
    form: str  # "verb", "noun" or "reference"
    negated: bool
    hypothetical: bool


def read_event(sentence: str, *, published_year: int | None = None) -> EventCue | None:
    """Read the conflict event one sentence describes.

    Parameters
    ----------
    sentence : str
        One sentence, as given by :func:`sentences`.
    published_year : int, optional
        The report's year; a sentence dated only by earlier years is background.

    Returns
    -------
    EventCue or None
        None when the sentence names no event and no casualties. The rules for the type,
        reference, negation, hypothesis, background and confidence are in the module docstring.
    """
    rx, scan = regexes(), scan_text(sentence)
    matches, may_have_casualties = [], False
    for m in rx.trigger.finditer(scan):
        kind = m.lastgroup[0]
        if kind == "t" or (kind == "e" and _is_led_by_actor(sentence, m.start())):
            matches.append(m)
        may_have_casualties |= kind == "c"
    if not matches and not may_have_casualties:
        return None
    context, casualties = read_cues(sentence, scan, rx)
    if not matches and not casualties.evidence:
        return None
    anniversary = is_background(scan, published_year, rx)
    if not matches:
        confidence = _CASUALTIES_ONLY * (_BACKGROUND_FACTOR if anniversary else 1.0)
        return EventCue(
            EventType.OTHER, (), casualties, False, False, anniversary, confidence, True
        )
    triggers = [_read_trigger(sentence, scan, m, context, rx) for m in matches]
    has_actor = not _ACRONYM_ACTORS.isdisjoint(_words(sentence)) or not _ACTORS.isdisjoint(
        _words(scan)
    )
    return _cue(triggers, casualties, anniversary=anniversary, has_actor=has_actor)


def read_events(
    text: str, spans: Sequence[Span], *, published_year: int | None = None
) -> list[EventCue | None]:
    """:func:`read_event` of each sentence of ``text`` (``spans``, from :func:`sentences`),
    reading only those that may hold a cue (:mod:`~heritage.geoparse.cue_screen`)."""
    flags = may_hold_cues(text, spans)
    return [
        read_event(span.text, published_year=published_year) if flag else None
        for span, flag in zip(spans, flags, strict=True)
    ]


def _is_led_by_actor(sentence: str, start: int) -> bool:
    """Whether an armed actor is named in the clause before ``sentence[start:]``, at most eight
    words before it ("Yemeni troops supported by forces from the UAE entered"; not "police do
    not know where he entered")."""
    clause = sentence[max(0, start - 100) : start]
    cut = max(clause.rfind(c) for c in ",;:()")
    words = _words(clause[cut + 1 :])[-8:]
    lower = [w.lower() for w in words]
    opens = max((i for i, w in enumerate(lower) if w in _SUBORDINATORS), default=-1)
    return not _ACRONYM_ACTORS.isdisjoint(words[opens + 1 :]) or not _ACTORS.isdisjoint(
        lower[opens + 1 :]
    )


def _words(text: str) -> list[str]:
    """The words of ``text`` without the punctuation around them. On a short ASCII text
    bytes.translate is several times faster than str.translate, which sets up a table per call.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_PUNCTUATION_TO_SPACE).decode("ascii").split()
    return text.translate(_PUNCTUATION_TO_SPACE).split()


def _cue(
    triggers: list[_Trigger], casualties: Casualties, *, anniversary: bool, has_actor: bool
) -> EventCue:
    real = [t for t in triggers if not (t.negated or t.hypothetical)]
    considered = real or triggers
    negated = not real and any(t.negated for t in triggers)
    hypothetical = not real and any(t.hypothetical for t in triggers)
    confidence = max(_FORM_CONFIDENCE[t.form] for t in considered)
    confidence += _ACTOR_BONUS * has_actor + _CASUALTY_BONUS * casualties.reported
    confidence *= _NEGATED_FACTOR if negated else 1.0
    confidence *= _HYPOTHETICAL_FACTOR if hypothetical else 1.0
    confidence *= _BACKGROUND_FACTOR if anniversary else 1.0
    rank = min(t.rank for t in considered)
    if rank == OCCUPATION_RANK and any(t.rank == ARMED_CLASH_RANK for t in considered):
        rank = ARMED_CLASH_RANK  # a place taken in a fight ("retook the town in an assault")
    return EventCue(
        event_type=PRIORITY[rank] if rank < len(PRIORITY) else EventType.DESTRUCTION,
        triggers=tuple(t.span for t in triggers),
        casualties=casualties,
        negated=negated,
        hypothetical=hypothetical,
        anniversary=anniversary,
        confidence=round(min(confidence, _MAX_CONFIDENCE), 2),
        reference=all(t.form == "reference" for t in considered),
    )


def _read_trigger(
    sentence: str, scan: str, m: re.Match[str], context: Context, rx: Regexes
) -> _Trigger:
    start, end = m.start() + 1, m.end()
    name = m.lastgroup
    return _Trigger(
        span=Span(start - 1, end - 1, sentence[start - 1 : end - 1]),
        rank=int(name[1 : name.index("_")]),
        form=_trigger_form(scan, start, scan[start:end]),
        negated=is_negated(scan, start, end, context, rx),
        hypothetical=is_hypothetical(scan, start, end, context, rx),
    )


def _trigger_form(scan: str, start: int, trigger: str) -> str:
    """ "reference" (the attack), "verb" (attacked, launched an attack) or "noun" (attacks)."""
    before = scan[max(0, start - 60) : start].split()[-5:]
    is_verbal = any(_is_past(w) for w in trigger.split())
    determiner, index = None, 0
    for index, raw in enumerate(reversed(before)):
        word = raw.strip("\"'“”‘’()[]")
        if word in _LAUNCH_VERBS:
            return "verb"
        if word in _DEFINITE or word in _INDEFINITE:
            determiner = word
            break
        if raw[-1] in ",;:" or word in _STOP_WORDS or index >= 3 or _is_past(word):
            break  # a clause boundary or a verb ("the army denied shelling")
    if determiner is None or (is_verbal and (index > 0 or determiner == "that")):
        return "verb" if is_verbal else "noun"  # "the group beheaded", "the one that attacked"
    earlier = before[-index - 2] if index + 2 <= len(before) else ""
    if earlier in _LAUNCH_VERBS:
        return "verb"
    return "reference" if determiner in _DEFINITE else "noun"


def _is_past(word: str) -> bool:
    return word in _IRREGULAR_PAST or (word.endswith("ed") and word not in _ADJECTIVES_IN_ED)
