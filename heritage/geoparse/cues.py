"""What a report says happened: its sentences, and the event cue in each sentence.

The gazetteer and the resolver find *where*; this module reads *what*, with regular expressions
over the words and the lexicon below as data, so that every decision points to a word.

Rules
-----
Sentences
    A sentence ends at ``. ! ? …`` (and any closing quotes or brackets) before whitespace,
    unless the next word starts in lower case (``"Why?" he asked``), or the word before the
    full stop is an initial (``J. Smith``), a title or month (``Gen.``, ``Lt. Col.``, ``St.``,
    ``Jan.``, ``No. 5``), or an abbreviation not followed by a usual sentence opener (``U.S.
    forces``, ``10 a.m. on``, but ``...by the U.S. The...``). A blank line always ends one. A
    single line break ends one after a heading (no final punctuation; title case, or shorter
    than 3/4 of the next line; not ending in a comma or in a word such as ``of``) and before a
    bullet; any other line break is wrapping. Headings get ``Span.is_title``.
Event type
    Each trigger in ``TRIGGERS`` has one type. With several, the sentence takes the first type
    in ``PRIORITY`` among the triggers neither negated nor hypothetical: deliberate destruction,
    air strikes, shelling, explosions, looting, violence against civilians, occupation, armed
    clashes, unrest, other. Effect words (``destroyed``, ``damaged``) decide only when nothing
    else does: "airstrikes destroyed the souk" is an airstrike. Barrel bombs are air strikes
    (dropped from aircraft); a bare "strike(s)" is an air strike, and missile, rocket or
    artillery strikes are shelling; a general or hunger strike is unrest. All triggers are kept
    as evidence.
Reference
    A trigger is a back-reference when it is a noun after a definite determiner (``the``,
    ``this``, ``its``...), with at most three modifiers between and no launching verb before
    ("the attack", "this week's shelling", but not "launched the offensive"). A sentence whose
    triggers are all back-references has ``reference=True``: the resolver adds it to the event
    before it rather than counting a new one. A sentence with casualties and no trigger ("the
    wounded were evacuated", "No one was hurt.") is a reference of type ``other`` too: it tells
    more about the event around it (with no event before it, it may stand as an ``other``).
Negated, hypothetical
    Negated by ``no``, ``not``, ``n't``, ``never``, ``without``, ``denied``, ``foiled``... at
    most three words before the trigger, or "was not reported"-like words up to four words
    after it ("denied responsibility for the attack" denies no attack). Hypothetical after a
    modal or threat (``could``, ``would``, ``will``, ``threatened``, ``warned``, ``fears``,
    ``plans to``, ``if``...) at most six words before, with no comma between, or before "is
    feared/expected/imminent". The sentence is negated (hypothetical) when none of its
    triggers is real and one is negated (hypothetical).
Anniversary (background)
    ``anniversary``, ``commemorat*``, "N years/decades ago", "last year", "in memory of",
    "marks N years"; or dated only by past years: with ``published_year``, every year named is
    earlier (a full date in the year before still counts as current, for reports written at
    the turn of the year); without it, a year is named but no full date ("In 2015, IS
    destroyed..." is background, "On 16 June 2022, militants attacked..." is not).
Casualties
    Counts from "killed 12", "12 people were killed", "at least 7 dead", "killing three",
    "wounding twenty-five", "a dozen injured", "death toll rose to 40" add up within a
    sentence, except after ``including``/``among them`` (a subset) and numbers that are dates
    or years. Vague plurals are documented lower bounds with ``is_minimum=True``: tens 20,
    dozens 24, scores 40, hundreds 200, thousands 2000; ``at least``/``more than``/``over``
    also set it. "Several", "an unknown number" and bare mentions ("resulted in casualties",
    "the wounded") give no number but ``reported=True``. "No casualties", "no one was hurt",
    "without casualties", "neither injuries nor fatalities" give ``reported=False`` and 0 for
    what they cover. Casualties spoken of as a fear ("concerns over civilian casualties") and
    "N casualties" or "N victims" (dead or wounded?) give no count.
Confidence
    0.70 for a verb ("shelled", "launched an attack", "warplanes struck"), 0.55 for a noun
    ("clashes erupted"), 0.40 for a back-reference, 0.30 for casualties alone; +0.10 when an
    actor is named (forces, militants, IS...), +0.10 with casualties; times 0.25 when
    hypothetical, 0.20 when negated, 0.50 for background; at most 0.95.

Speed: the patterns are lower case and run on the lower-cased sentence, compiled on first use
into two regular expressions (triggers; casualty and context cues) whose alternatives are
nested by their first letters (``_dispatch``), so a word start tries only a few of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from heritage.domain import EventType

__all__ = [
    "NO_CASUALTIES",
    "PRIORITY",
    "TRIGGERS",
    "Casualties",
    "EventCue",
    "Span",
    "read_casualties",
    "read_event",
    "sentences",
]

# Trigger lexicon: event type -> lower-case regular expressions matching whole words. The order
# of the types is the priority. At one position the first type wins, so a pattern that must
# yield to another type, or to a look-alike, ends in a lookahead.
TRIGGERS: dict[EventType, tuple[str, ...]] = {
    EventType.DESTRUCTION: (
        r"demolish(?:ed|es|ing)?|demolitions?|bulldoz(?:e|ed|es|ing)|raz(?:e|ed|es|ing)",
        r"bl(?:ew|own|ow|owing|ows) (?:(?:it|them) )?up|dynamit(?:ed|ing)",
        r"used explosives to (?:destroy|demolish|blow up|level)",
        r"rigged (?:\w+ ){0,3}?with explosives|set (?:on )?fire|set ablaze|torch(?:ed|ing)|arson",
        r"burn(?:ed|t|ing) (?:down|to the ground)",
        r"vandali[sz](?:ed|ing|m)|defac(?:ed|ing)|desecrat(?:ed|ion|ing)|levell?ed|flattened",
        r"smash(?:ed|ing) (?:\w+ )?(?:statues?|busts?|reliefs?|artefacts?|artifacts?|tombs?)",
    ),
    EventType.AIRSTRIKE: (
        r"air[- ]?strikes?|air[- ]?raids?|drone (?:strikes?|attacks?)|air-dropped",
        r"aerial (?:attacks?|bombardments?|bombings?|strikes?|raids?|shelling|assaults?|bombs?)",
        r"barrel[- ]bombs?|bombed from the air|bombing (?:raids?|runs?|sorties)",
        r"(?:attack |fighter |military )?(?:warplanes?|planes?|jets?|aircraft|helicopters?|"
        r"gunships?|drones?|bombers)(?: \w+){0,2}? (?:struck|bombed|pounded|hit|targeted|"
        r"attacked|raided|strike|bomb)",
        r"strike(?<!on strike)s?(?! (?:a|an|the) (?:deal|balance|chord|agreement|pose|note)\b)",
    ),
    EventType.SHELLING: (
        r"(?:missile|rocket|artillery|mortar|tank) (?:strikes?|attacks?|fire|shells?|rounds?)",
        r"shell(?:s|ed|ing|ings|fire)?(?! (?:compan(?:y|ies)|game))|artillery|mortars?|howitzers?",
        r"rockets?(?!-propelled)|missiles?(?! defen[cs]e)|bombard(?:ed|ing|ments?)|projectiles?",
        r"grad (?:rockets?|missiles?|launchers?)|katyushas?|pounded",
    ),
    EventType.EXPLOSION: (
        r"improvised explosive devices?|explosive devices?|(?:vb)?ieds?|car[- ]bomb(?:s|ings?)?",
        r"suicide (?:bomb(?:er|ers|ing|ings)?|attacks?|blasts?|car bombs?)",
        r"bl(?:ew|own) (?:himself|herself|themselves) up|unexploded ordnance|grenades?",
        r"bomb(?:s|ing|ings|ed|ers?)?(?! (?:threats?|scares?))|blasts?|detonat(?:ed|ions?|ing)",
        r"explo(?:sions?|sives|ded|de|des|ding)|land ?mines?|anti-(?:personnel|tank) mines?",
        r"booby[- ]trap(?:s|ped)?",
    ),
    EventType.LOOTING: (
        r"loot(?:s|ed|ing|ers)?|pillag(?:e|ed|ing)|plunder(?:ed|ing)?|ransack(?:ed|ing)",
        r"illegal(?:ly)? (?:excavat(?:ions?|ed|ing)|dig(?:s|ging)?)",
        r"(?:illicit|clandestine) (?:excavations?|digging|trafficking|trade)",
        r"smuggl(?:ed|ing|ers?) (?:of )?(?:antiquities|artefacts|artifacts|relics|mosaics)",
        r"(?:antiquities|artefacts?|artifacts?) (?:trafficking|smuggling)",
        r"thefts?|stole|stealing",
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (
        r"execut(?:ed|ions?|ing)(?! (?:a|an|the) (?:plan|operation|order|project|contract)\b)",
        r"massacr(?:e|es|ed)|abduct(?:ed|ions?|ing|s)?|kidnap(?:ped|ping|pings|s)?",
        r"behead(?:ed|ing|ings)|hostages?|tortur(?:e|ed|ing)|assassinat(?:ed|ions?)|lynch(?:ed|ing)",
        r"(?:summary|extrajudicial) killings?|ethnic cleansing",
    ),
    EventType.OCCUPATION: (
        r"(?:took|taken|take|takes|taking|seized|gained|regained|assumed|established) "
        r"(?:back |full |complete )?control|under (?:the )?(?:full )?control of",
        r"(?:took|taken) over|controlled(?! (?:substances?|burns?|explosions?|demolitions?|"
        r"environments?|conditions|release|access|trials?))",
        r"seiz(?:e|ed|es|ing)(?! (?:the )?(?:opportunity|initiative|moment))",
        r"captur(?:e|ed|es|ing)(?! (?:on|by) (?:camera|video|film)| (?:the )?(?:attention|"
        r"imagination|hearts?|moment|carbon|images?|photos?|footage|data|market))",
        r"recaptur(?:e|ed|ing)|retook|retaken|overr(?:an|un|unning)",
        r"occup(?:ied|ying)(?! (?:territor\w*|golan|west bank|palestin\w*|crimea|east jerusalem))",
        r"fell to(?! (?:a |an |its |the )?(?:record|lowest|\d))",
        r"military (?:positions?|posts?) (?:in|inside|within|on|at)",
        r"used (?:it |them |the \w+ )?as an? (?:military )?(?:base|barracks|headquarters|depot|"
        r"prison|position)|(?:turned|converted) into an? (?:military )?(?:base|barracks)",
        r"(?:stationed|entrenched|garrisoned|deployed) (?:in|inside|within|at|on)",
        r"dug trenches|digging trenches",
    ),
    EventType.ARMED_CLASH: (
        r"clash(?:es|ed|ing)?|fighting(?! (?:corruption|poverty|fires?|chance))",
        r"fought(?<!hard fought)(?<!hard-fought)",
        r"battl(?:e|es|ed|ing)(?! (?:against|over) (?:corruption|poverty|inflation))|gun ?battles?",
        r"fire ?fights?|gun ?fights?|shoot-?outs?|skirmish(?:es)?|ambush(?:es|ed|ing)?",
        r"exchang(?:e|es|ed) (?:of )?fire|opened (?:\w+ ){0,3}?fire|fired (?:at|on|upon)|gunfire",
        r"shot (?:and (?:killed|injured|wounded)|dead)|shot at(?<!a shot at)(?<!another shot at)",
        r"snipers? (?:shot|killed|fired|targeted)",
        r"advanc(?:ed|es|ing) (?:on|against|into|towards?)|made advances|fight broke out",
        r"sniper fire",
        r"(?:counter-?)?attack(?:s|ed|ing)?(?! (?:helicopters?|aircraft|dogs?|submarines?))",
        r"(?:counter-?)?offensives?(?! (?:remarks?|comments?|language))|assault(?:s|ed|ing)?",
        r"raid(?:s|ed|ing)?|storm(?:ed|ing)(?! out)|infiltrat(?:ed|ions?|ing)|incursions?",
        r"rocket-propelled grenades?|rpgs?",
    ),
    EventType.UNREST: (
        r"protests?|protest(?:ed|ers|ing)|demonstrations?|demonstrators|riots?|rioting|rioters",
        r"(?:general|hunger|labou?r|workers'?) strikes?|sit-ins?|unrest",
    ),
    EventType.OTHER: (r"cyber[- ]?attacks?|sabotag(?:e|ed|ing)",),
}
# Words for an effect, not an act: destruction only when nothing else is named.
_EFFECT_WORDS = r"destr(?:oy|oyed|oying|oys|uction)|damaged"
# Look-alikes that begin before the trigger word; tried first, they hide the trigger in them.
_NOT_EVENTS = r"(?:heart|panic|asthma) attacks?|(?:charm|diplomatic|media|peace) offensive"
PRIORITY: tuple[EventType, ...] = tuple(TRIGGERS)
"""The order in which a sentence's triggers choose its type (the order of ``TRIGGERS``)."""

_NEGATION = (
    r"(?:no|not|never|neither|nor|without|cannot|denied|denies|deny|denying|ruled out|foiled|"
    r"thwarted|prevented|averted)(?! only\b| (?:any )?(?:responsibility|involvement|role|links?)\b)"
)
# After the trigger, up to four words on ("shelling of the old town was not reported").
_VERB_AFTER = (
    r"(?:(?! (?:and|but|while|as|after|when|which|who|that)\b) [^\s,;:.]+){0,4}? "
    r"(?:(?:was|were|has|have|had)(?: been)?|is|are)"
)
_NEGATION_AFTER = (
    rf"{_VERB_AFTER} (?:not|never|denied|ruled out|foiled|thwarted|prevented|averted)\b"
)
_HYPOTHESIS = (
    r"(?:could|might|may|would|will|shall|threat(?:s|en(?:s|ed|ing)?)?|warn(?:s|ed|ing|ings)?|"
    r"fears?|feared|fearing|concerns?|risks?|danger|plan(?:s|ned|ning)?|intend(?:s|ed)?|"
    r"intention|vow(?:s|ed)?|pledged?|prepar(?:e|es|ed|ing)|ready|likely|possible|possibly|"
    r"potential(?:ly)?|expected|imminent|looming|calls? for|aim(?:s|ed)? to|seek(?:s|ing)? to|"
    r"sought to|want(?:s|ed)? to|about to|set to|going to|if|unless|whether|in case)"
)
_HYPOTHESIS_AFTER = (
    rf"{_VERB_AFTER} (?:feared|expected|likely|possible|imminent|planned|threatened|looming|"
    r"anticipated)\b"
)
_ACTORS = frozenset(
    "forces troops army soldier soldiers militant militants fighter fighters rebel rebels gunman "
    "gunmen militia militias militiamen regime insurgents jihadists police policemen warplanes "
    "jets aircraft drones helicopters coalition looters snipers bombers attackers assailants "
    "daesh hezbollah hamas".split()
)
_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(".,;:!?\"'“”‘’()[]", " "))
_ACRONYM_ACTORS = frozenset("IS ISIS ISIL HTS SDF QSD YPG PKK FSA SAA NDF IDF".split())
_BACKGROUND_WORDS = (
    r"anniversar(?:y|ies)|commemorat\w*|(?:years?|decades?) ago|last year|in memory of|"
    r"marks? (?:\w+ )?years"
)
_BACKGROUND_HINTS = ("annivers", "commemorat", " ago", "last year", "in memory", "years")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

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
class Span:
    """A piece of a text: ``text == source[start:end]``; ``is_title`` marks a heading line."""

    start: int
    end: int
    text: str
    is_title: bool = False


@dataclass(frozen=True)
class Casualties:
    """Deaths and injuries a sentence reports; None where no number is given.

    ``reported`` is True when there were casualties, counted or not; ``killed=0`` with
    ``reported=False`` is an explicit "no casualties". ``is_minimum`` marks lower bounds.
    """

    killed: int | None
    injured: int | None
    reported: bool
    evidence: tuple[Span, ...]
    is_minimum: bool = False


NO_CASUALTIES = Casualties(None, None, False, ())


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


# --- Sentences ------------------------------------------------------------------------------

# Never end a sentence: titles, ranks, months, "et al.", "vs." ("No." only before a number).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt brig adm cmdr rep sen gov pres rev "
    "st mt ft fr jan feb mar apr jun jul aug sep sept oct nov dec approx ca cf vs al".split()
)
# May end a sentence, and do so only before a word that usually opens one ("U.S. The").
_END_ABBREVIATIONS = frozenset("inc ltd co corp jr sr etc bros plc llc ave rd".split())
_OPENERS = frozenset(
    "the a an in on at it its he she they we this that these those there but however "
    "meanwhile according after before during when while as since following earlier later "
    "yesterday today last".split()
)
# A line ending in one of these words goes on on the next line.
_CONTINUATIONS = frozenset(
    "the a an of in on at to by for from with and or but nor as than that which who whose "
    "near into onto over under between among against after before during its their his her".split()
)
_SENTENCE_END = ".!?…؟\"'”’»)]"


def sentences(text: str) -> list[Span]:
    """Split a report into sentences and headings, with offsets into ``text``.

    Parameters
    ----------
    text : str
        The report as received, with any line wrapping.

    Returns
    -------
    list of Span
        In reading order, without surrounding whitespace; headings have ``is_title=True``.
        The rules are in the module docstring.
    """
    rx = _regexes()
    out: list[Span] = []
    begin = line_start = 0
    for m in rx.boundary.finditer(text):
        start, end = m.span()
        if text[start] != "\n":
            if not _is_inside_quote(text, begin, end) and _ends_sentence(text, start, end, rx):
                _append(out, text, begin, end)
                begin = end
            continue
        if text[begin:start].isspace() or begin == start:
            begin = end  # nothing pending
        else:
            next_end = text.find("\n", end)
            line, next_line = (
                text[line_start:start],
                text[end : next_end if next_end >= 0 else None],
            )
            if text.count("\n", start, end) > 1 or _breaks_line(line, next_line, rx):
                is_title = begin <= line_start and _is_title(line, rx)
                _append(out, text, begin, start, is_title=is_title)
                begin = end
        line_start = end
    is_title = begin <= line_start and _is_title(text[line_start:], rx)
    _append(out, text, begin, len(text), is_title=is_title)
    return out


def _is_title(line: str, rx: _Regexes) -> bool:
    """A line without final punctuation that is not a bullet."""
    return line.rstrip()[-1:] not in _SENTENCE_END and rx.bullet.match(line) is None


def _breaks_line(line: str, next_line: str, rx: _Regexes) -> bool:
    """Whether a single line break ends a sentence: after a heading, before a bullet."""
    line = line.strip()
    if not line or rx.bullet.match(next_line):
        return bool(line)
    if line[-1] in _SENTENCE_END or line[-1] in ",;-–—(" or next_line.lstrip()[:1].islower():
        return False  # punctuation is handled by the boundary itself
    if line.rsplit(None, 1)[-1].lower() in _CONTINUATIONS:
        return False
    words = [w.lstrip("\"'“‘(") for w in line.split() if len(w) >= 4]
    is_title_case = bool(words) and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)
    return is_title_case or len(line) < 0.75 * len(next_line.strip())


def _is_inside_quote(text: str, begin: int, end: int) -> bool:
    """Whether ``text[begin:end]`` opens a quotation it does not close (up to 600 characters,
    so that a stray quote mark does not swallow a report)."""
    if end - begin > 600:
        return False
    piece = text[begin:end]
    return piece.count('"') % 2 == 1 or piece.count("“") > piece.count("”")


def _ends_sentence(text: str, punct_start: int, punct_end: int, rx: _Regexes) -> bool:
    following = rx.next_word.match(text, punct_end)
    if following is None:
        return True
    next_word = following.group(1)
    if next_word[0].islower():
        return False
    if text[punct_start] != "." or text[punct_start + 1 : punct_end].startswith("."):
        return True  # ? ! … and "...", before a capital
    word_start = max(text.rfind(" ", 0, punct_start), text.rfind("\n", 0, punct_start)) + 1
    word = text[word_start:punct_start].lstrip("\"'“‘([")
    lower = word.lower()
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    if lower in ("no", "nos"):
        return not next_word[0].isdigit()
    if lower in _ABBREVIATIONS:
        return False
    if lower in _END_ABBREVIATIONS or rx.acronym.fullmatch(word):
        return next_word.strip("\"'“‘,").lower() in _OPENERS
    return True


def _append(out: list[Span], text: str, start: int, end: int, *, is_title: bool = False) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        out.append(Span(offset, offset + len(stripped), stripped, is_title))


# --- Event cues -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """Where a sentence's negation and hypothesis cues end, and what else it names."""

    negation_ends: list[int] = field(default_factory=list)
    hypothesis_ends: list[int] = field(default_factory=list)


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
    rx, scan = _regexes(), _scan_text(sentence)
    matches, may_have_casualties = [], False
    for m in rx.trigger.finditer(scan):
        if m.lastgroup[0] == "t":
            matches.append(m)
        may_have_casualties |= m.lastgroup[0] == "c"
    if not matches and not may_have_casualties:
        return None
    context, casualties = _read_cues(sentence, scan, rx)
    if not matches and not casualties.evidence:
        return None
    anniversary = _is_background(scan, published_year, rx)
    if not matches:
        confidence = _CASUALTIES_ONLY * (_BACKGROUND_FACTOR if anniversary else 1.0)
        return EventCue(
            EventType.OTHER, (), casualties, False, False, anniversary, confidence, True
        )
    triggers = [_read_trigger(sentence, scan, m, context, rx) for m in matches]
    words = sentence.translate(_PUNCTUATION_TO_SPACE).split()
    has_actor = not _ACRONYM_ACTORS.isdisjoint(words) or not _ACTORS.isdisjoint(
        scan.translate(_PUNCTUATION_TO_SPACE).split()
    )
    return _cue(triggers, casualties, anniversary=anniversary, has_actor=has_actor)


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


def _scan_text(sentence: str) -> str:
    """The sentence in lower case after one space: the text every pattern runs on.

    Offsets into it are offsets into the sentence plus one. Each pattern starts with the
    character before a word, so the regex engine can skip to candidates quickly.
    """
    lower = sentence.lower()
    if len(lower) != len(sentence):  # a few characters lower-case to two (İ)
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in sentence)
    return " " + lower


def _read_cues(sentence: str, scan: str, rx: _Regexes) -> tuple[_Context, Casualties]:
    """Read the context cues and the casualties of a sentence in one pass."""
    context, tally, evidence = _Context(), _Tally(), []
    for m in rx.cue.finditer(scan):
        kind = m.lastgroup[0]
        if kind == "n":
            context.negation_ends.append(m.end())
        elif kind == "h":
            if m.group()[1:] != "may" or sentence[m.start()] == "m":  # not the month May
                context.hypothesis_ends.append(m.end())
        else:
            start = _add_casualty(scan, m, tally, context, rx)
            if start is not None:
                evidence.append(Span(start - 1, m.end() - 1, sentence[start - 1 : m.end() - 1]))
            if kind == "z":  # "no casualties or clashes": the "no" negates what follows
                first_word_end = scan.find(" ", m.start() + 1, m.end())
                context.negation_ends.append(first_word_end if first_word_end > 0 else m.end())
    if "'t" in scan or "’t" in scan:
        context.negation_ends += (m.end() for m in rx.contraction.finditer(scan))
        context.negation_ends.sort()
    return context, tally.casualties(tuple(evidence))


def _read_trigger(
    sentence: str, scan: str, m: re.Match[str], context: _Context, rx: _Regexes
) -> _Trigger:
    start, end = m.start() + 1, m.end()
    name = m.lastgroup
    negation = _last_before(context.negation_ends, start)
    return _Trigger(
        span=Span(start - 1, end - 1, sentence[start - 1 : end - 1]),
        rank=int(name[1 : name.index("_")]),
        form=_trigger_form(scan, start, scan[start:end]),
        negated=(negation is not None and len(scan[negation:start].split()) <= 3)
        or rx.negation_after.match(scan, end) is not None,
        hypothetical=_is_hypothetical(scan, start, end, context, rx),
    )


def _last_before(ends: list[int], start: int) -> int | None:
    last = None
    for end in ends:
        if end > start:
            break
        last = end
    return last


def _is_hypothetical(scan: str, start: int, end: int, context: _Context, rx: _Regexes) -> bool:
    cue_end = _last_before(context.hypothesis_ends, start)
    if cue_end is not None:
        between = scan[cue_end:start]
        if len(between.split()) <= 6 and not any(c in between for c in ",;:"):
            return True
    return rx.hypothesis_after.match(scan, end) is not None


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


def _is_background(scan: str, published_year: int | None, rx: _Regexes) -> bool:
    if any(w in scan for w in _BACKGROUND_HINTS) and rx.background.search(scan):
        return True
    if "19" not in scan and "20" not in scan:
        return False
    years = [
        (
            int(m.group()),
            rx.day_before_year.search(scan, max(0, m.start() - 25), m.start()) is not None
            or (scan.startswith("-", m.end()) and scan[m.end() + 1 : m.end() + 3].isdigit()),
        )
        for m in rx.year.finditer(scan)
        if scan[m.start() - 1] not in ",.0123456789"
    ]
    if not years:
        return False
    if published_year is None:
        return not any(is_full_date for _, is_full_date in years)
    return all(
        year < published_year - 1 or (year == published_year - 1 and not is_full_date)
        for year, is_full_date in years
    )


# --- Casualties -----------------------------------------------------------------------------

_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_SMALL_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMBER = (  # four-digit numbers from 1900 to 2099 are years, not counts
    r"[1-9]\d{0,2}(?:,\d{3})+|(?:[03-9]|1(?!9\d\d\b)|2(?!0\d\d\b))\d*|"
    rf"(?:a|{_UNITS}) hundred|(?:half a|a|{_UNITS}) dozen|"
    rf"(?:{_SMALL_TENS})(?:[- ](?:{_UNITS}))?|"
    rf"{_TEENS.replace(' ', '|')}|{_UNITS}|"
    r"tens|dozens|scores|hundreds|thousands"
)
_QUALIFIER = (
    r"(?:at least|more than|over|upwards of|no (?:fewer|less) than|nearly|almost|about|around|"
    r"some|approximately|roughly|up to|as many as)"
)
_MINIMUM_QUALIFIERS = ("at least", "more than", "over", "upwards of", "no fewer", "no less")
_HARM = (
    r"(?:casualt(?:y|ies)|injur(?:y|ies)|fatalit(?:y|ies)|deaths?|victims|losses|injured|dead|"
    r"wounded)"
)
_CASUALTY_PATTERNS = {
    "zero": (
        r"no(?:body| one)(?: \w+){0,2}? (?:was |were )?(?:hurt|injured|killed|harmed|wounded)|"
        rf"(?:no|without|zero)(?: (?:reported|immediate|known|human|civilian|further|other|any|"
        rf"serious))* {_HARM}(?:,? (?:or|and|nor) {_HARM})*|neither {_HARM} nor {_HARM}|"
        rf"(?:did not|didn['’]t|does not|doesn['’]t) (?:result in|cause|lead to) (?:any )?{_HARM}|"
        rf"{_HARM} (?:were|was|have been|has been) not reported"
    ),
    "killed": (
        r"(?:kill(?:ed|ing|s)?|execut(?:ed|ing)|murder(?:ed|ing)|claim(?:ed|ing) the lives of|"
        rf"death toll(?: \w+){{0,3}}? (?:to|at|of|reached))\s+(?:{_QUALIFIER}\s+)?(?:{_NUMBER})"
    ),
    "injured": (
        r"(?:wound(?:ed|ing|s)?|injur(?:ed|ing|es)|hurt(?:ing)?)\s+"
        rf"(?:{_QUALIFIER}\s+)?(?:{_NUMBER})"
    ),
    # A number before one of these ("12 people were killed") is found by _COUNT_BEFORE.
    "mention": (
        r"kill(?:ed|ing|s)?|dead(?! sea)|died|deaths?|fatalit(?:y|ies)|casualt(?:y|ies)|"
        r"wound(?:ed|ing)|injur(?:ed|ing|y|ies)|victims?|slain|perished|lost their lives|"
        r"human losses|(?:was|were) hurt|murdered|"
        r"executed(?! (?:a|an|the) (?:plan|operation|order|project|contract)\b)"
    ),
}
# Any casualty word: a sentence without a trigger is read further only when it has one.
_CASUALTY_HINT = (
    r"(?:kill|dead|died|death|fatalit|casualt|wound|injur|hurt|victim|slain|perish|lives|losses|"
    r"harm|murder|execut)\w*"
)
_COUNT_BEFORE = (  # a number, up to four words and three auxiliaries, then the casualty word
    rf"[\s(](?P<n>{_NUMBER})(?: [^\s,;:.]+){{0,4}}?"
    r"(?: (?:were|was|have|has|had|been|are|is|got|reportedly|also|later|being)){0,3}$"
)
_DATE_WORDS = frozenset(
    "on since until from by in of at january february march april may june july august "
    "september october november december".split()
)
_KILLED_WORDS = ("kill", "dead", "died", "death", "fatalit", "slain", "murder", "execut", "perish")
_INJURED_WORDS = ("wound", "injur", "hurt", "was hurt", "were hurt")
_VAGUE_MINIMUM = {"tens": 20, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}
_WORD_VALUES = (
    {"a": 1}
    | {w: n for n, w in enumerate(_UNITS.split("|"), start=1)}
    | {w: n for n, w in enumerate(_TEENS.split(), start=10)}
    | {w: 10 * n for n, w in enumerate(_SMALL_TENS.split("|"), start=2)}
)


@dataclass(slots=True)
class _Tally:
    killed: int | None = None
    injured: int | None = None
    no_killed: bool = False
    no_injured: bool = False
    reported: bool = False
    is_minimum: bool = False

    def count(self, field: str, number: str, qualifier: str) -> None:
        value, is_vague = _number_value(number)
        setattr(self, field, (getattr(self, field) or 0) + value)
        self.reported = self.reported or value > 0
        self.is_minimum |= is_vague or qualifier.startswith(_MINIMUM_QUALIFIERS)

    def casualties(self, evidence: tuple[Span, ...]) -> Casualties:
        if not evidence:
            return NO_CASUALTIES
        return Casualties(
            killed=self.killed if self.killed is not None else (0 if self.no_killed else None),
            injured=self.injured if self.injured is not None else (0 if self.no_injured else None),
            reported=self.reported,
            evidence=evidence,
            is_minimum=self.is_minimum,
        )

    def deny(self, text: str) -> None:
        both = any(w in text for w in ("casualt", "hurt", "harmed", "victim", "losses"))
        self.no_killed |= both or any(w in text for w in ("fatalit", "death", "dead", "killed"))
        self.no_injured |= both or any(w in text for w in ("injur", "wounded"))


def read_casualties(sentence: str) -> Casualties:
    """Read the deaths and injuries one sentence reports (rules in the module docstring)."""
    return _read_cues(sentence, _scan_text(sentence), _regexes())[1]


def _add_casualty(
    scan: str, m: re.Match[str], tally: _Tally, context: _Context, rx: _Regexes
) -> int | None:
    """Add one match to the tally and return where its evidence starts; None if it does not
    count (a fear, a subset)."""
    kind, start, text = m.lastgroup[0], m.start() + 1, m.group()[1:]
    if kind == "z":  # zero: "no casualties"
        tally.deny(text)
        return start
    if _is_hypothetical(scan, start, m.end(), context, rx):
        return None
    count = _count_before(scan, start - 1, rx) if kind == "m" else m
    if count is None or (kind == "m" and text.startswith(("casualt", "victim", "human"))):
        tally.reported = True
        return start
    number_start = count.start("n") if kind == "m" else start
    if rx.subset.search(scan, max(0, number_start - 20), number_start):
        return None
    if kind == "m":
        qualifier = rx.qualifier_before.search(scan, max(0, number_start - 25), number_start)
        number, is_killed = count.group("n"), not text.startswith(_INJURED_WORDS)
    else:
        qualifier = rx.qualifier.search(text)
        number, is_killed = list(rx.number.finditer(text))[-1].group(), kind == "k"
    field = "killed" if is_killed else "injured"
    tally.count(field, number, qualifier.group() if qualifier else "")
    return min(number_start, start)


def _count_before(scan: str, end: int, rx: _Regexes) -> re.Match[str] | None:
    """The count before a casualty word ("12 people were" killed), unless it is a date."""
    count = rx.count_before.search(scan, max(0, end - 60), end)
    while count is not None and (later := rx.count_before.search(scan, count.start() + 1, end)):
        count = later  # the number nearest the word
    if count is None:
        return None
    before = scan[max(0, count.start("n") - 10) : count.start("n")].split()
    words_between = scan[count.end("n") : end].split()
    if (before and before[-1] in _DATE_WORDS) or not _DATE_WORDS.isdisjoint(words_between):
        return None
    return count


def _number_value(text: str) -> tuple[int, bool]:
    """The value of "12", "1,200", "twenty-five", "a dozen", "two hundred"; and whether it is
    a vague lower bound ("dozens")."""
    words = text.replace(",", "")
    if words.isdigit():
        return int(words), False
    if words in _VAGUE_MINIMUM:
        return _VAGUE_MINIMUM[words], True
    value, is_half = 0, False
    for token in re.split(r"[\s-]+", words):
        if token == "half":
            is_half = True
        elif token in ("hundred", "dozen"):
            value = (value or 1) * (100 if token == "hundred" else 12)
        else:
            value += _WORD_VALUES.get(token, 0)
    return (value // 2 if is_half else value), False


# --- Compiled patterns ----------------------------------------------------------------------


_TRIE_DEPTH = 3
_QUANTIFIERS = ("?", "*", "+", "{")


# Patterns run on _scan_text() and start with the character before a word.
_WORD_START = r"[\s\-/(\[\"'“‘«]"


class _Regexes(NamedTuple):
    boundary: re.Pattern[str]
    bullet: re.Pattern[str]
    acronym: re.Pattern[str]
    next_word: re.Pattern[str]
    trigger: re.Pattern[str]
    cue: re.Pattern[str]
    contraction: re.Pattern[str]
    negation_after: re.Pattern[str]
    hypothesis_after: re.Pattern[str]
    background: re.Pattern[str]
    year: re.Pattern[str]
    day_before_year: re.Pattern[str]
    count_before: re.Pattern[str]
    number: re.Pattern[str]
    qualifier: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    subset: re.Pattern[str]


@cache
def _regexes() -> _Regexes:
    """Compile every pattern once, on first use (importing does no work)."""
    triggers = [("skip", _NOT_EVENTS)]
    triggers += [(f"t{rank}", "|".join(TRIGGERS[kind])) for rank, kind in enumerate(PRIORITY)]
    triggers += [(f"t{len(PRIORITY)}", _EFFECT_WORDS), ("casualty", _CASUALTY_HINT)]
    cues = list(_CASUALTY_PATTERNS.items())  # groups are told apart by their first letter
    cues += [("negation", _NEGATION), ("hypothesis", _HYPOTHESIS)]
    return _Regexes(
        boundary=re.compile(  # starts with one character class: the engine scans for it fast
            r"[.!?…؟\n](?:(?<=\n)(?:[ \t\r]*\n)*|(?<!\n)[.!?…؟]*[\"'”’»)\]]*(?=\s))"
        ),
        bullet=re.compile(r"[ \t]*(?:[-*•–—]|\d{1,2}[.)])\s"),
        acronym=re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]"),
        next_word=re.compile(r"[ \t\r]*\n?[ \t\r]*(\S+)"),
        trigger=re.compile(rf"{_WORD_START}(?:{_dispatch(triggers)})\b"),
        cue=re.compile(rf"{_WORD_START}(?:{_dispatch(cues)})\b"),
        contraction=re.compile(r"n['’]t\b"),  # didn't, wasn't: negations inside a word
        negation_after=re.compile(_NEGATION_AFTER),
        hypothesis_after=re.compile(_HYPOTHESIS_AFTER),
        background=re.compile(rf"\b(?:{_BACKGROUND_WORDS})\b"),
        year=re.compile(r"(?:1[89]|20)\d\d(?!\d|,\d)"),
        day_before_year=re.compile(
            rf"(?:\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH}|"
            rf"\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?|\b\d{{1,2}}/\d{{1,2}}/),? ?$"
        ),
        count_before=re.compile(_COUNT_BEFORE),
        number=re.compile(rf"\b(?:{_NUMBER})\b"),
        qualifier=re.compile(rf"\b{_QUALIFIER}\b"),
        qualifier_before=re.compile(rf"\b{_QUALIFIER}\s+$"),
        subset=re.compile(r"\b(?:including|among them|of whom|among whom)\s+$"),
    )


def _dispatch(named: Iterable[tuple[str, str]]) -> str:
    """Join named patterns into one alternation, as a trie of their first letters.

    Python's regex engine tries alternatives one by one, but skips one that starts with a
    literal other than the current character almost for free; nesting the alternatives by
    their first three letters makes each word start try a few of them. The group holding the
    alternatives of pattern ``name`` under prefix ``abc`` is named ``name_abc`` (``name_0`` at
    the root). At one position, alternatives under a longer common prefix are tried before the
    others, and the patterns keep their order among themselves.
    """
    return _trie([(name, alt) for name, pattern in named for alt in _alternatives(pattern)], "")


def _trie(items: list[tuple[str, str]], prefix: str) -> str:
    children: dict[str, list[tuple[str, str]]] = defaultdict(list)
    leaves: dict[str, list[str]] = defaultdict(list)
    for name, alternative in items:
        first = alternative[:1]
        if len(prefix) < _TRIE_DEPTH and first.isalnum() and alternative[1:2] not in _QUANTIFIERS:
            children[first].append((name, alternative[1:]))
        else:
            leaves[name].append(alternative)
    parts = [f"{char}(?:{_trie(sub, prefix + char)})" for char, sub in children.items()]
    parts += [f"(?P<{name}_{prefix or 0}>{'|'.join(alts)})" for name, alts in leaves.items()]
    return "|".join(parts)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, with a leading ``(?:a|b)`` or ``(?:a)?`` group
    multiplied out, so that most alternatives start with a literal letter."""
    out = []
    for alternative in _split_top(pattern):
        if alternative.startswith("(?:"):
            close = _group_end(alternative)
            rest = alternative[close + 1 :]
            is_optional = rest.startswith("?")
            rest = rest[1:] if is_optional else rest
            if rest[:1] not in _QUANTIFIERS:
                inner = _split_top(alternative[3:close])
                out += _alternatives("|".join(a + rest for a in inner))
                out += _alternatives(rest) if is_optional and rest else []
                continue
        out.append(alternative)
    return out


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at the ``|`` outside any group or character class."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = pattern.index("]", i + 1)
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _group_end(pattern: str) -> int:
    """The index of the parenthesis closing the group that opens ``pattern``."""
    depth, i = 0, 0
    while True:
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = pattern.index("]", i + 1)
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return i
        i += 1
