"""The words the event cues are read from, as lower-case regular expressions over whole words.

Data first: the trigger words of each event type (``TRIGGERS``, in ``PRIORITY`` order), the
words of negation, hypothesis and the past, and the words and numbers of casualties. The rules
that use them are in :mod:`heritage.geoparse.cues`, :mod:`~heritage.geoparse.modality` and
:mod:`~heritage.geoparse.casualties`.

Speed: the patterns run on the lower-cased sentence (:func:`scan_text`), compiled on first use
(:func:`regexes`) into two regular expressions (triggers; casualty and context cues) whose
alternatives are nested by their first letters (:func:`~heritage.geoparse.alternation.dispatch`),
so a word start tries only a few of them. The group that matched tells what it was by its
first letter: ``t<rank>`` a trigger of ``PRIORITY[rank]`` (rank ``len(PRIORITY)``: an effect
word), ``e<rank>`` a word of moving in, ``s`` a look-alike to skip, ``c`` a casualty word;
``z``/``k``/``i``/``m`` no casualties, killed N, injured N, a casualty mention; ``n``
negation, ``h`` hypothesis.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from heritage.domain import EventType
from heritage.geoparse.alternation import dispatch, literal_prefixes

__all__ = [
    "ARMED_CLASH_RANK",
    "OCCUPATION_RANK",
    "PRIORITY",
    "TRIGGERS",
    "WORD_OPENERS",
    "WORD_VALUES",
    "Regexes",
    "regexes",
    "scan_text",
    "trigger_prefixes",
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
        r"rockets?(?!-propelled)|missiles?(?! defen[cs]e)|bombard(?:s|ed|ing|ments?)?|projectiles?",
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
_EFFECT_WORDS = (
    r"destr(?:oy|oyed|oying|oys|uction)|damaged|wrecked|smashed|breach(?:ed|ing)"
    r"(?! (?:of )?(?:the |a |an |its |their )?(?:\w+ )?(?:ceasefire|truce|agreement|deal|accord|"
    r"law|rules?|terms|protocol|contract|peace|ban|embargo|sanctions|resolution|obligations?|"
    r"regulations?|limits?|code|duty|trust|privacy|security)\b)"
)
# Moving into a place: an occupation when an armed actor leads the clause ("troops entered
# the city", not "journalists who entered"; _is_led_by_actor).
_ENTRY_WORDS = (
    r"entered(?! (?:into|talks|negotiations|service|office|politics|the (?:war|conflict|race|"
    r"talks|fray))\b)|(?:moved|marched|rolled|swept) into(?! (?:action|gear|place)\b)"
)
# Look-alikes that begin before the trigger word; tried first, they hide the trigger in them.
_NOT_EVENTS = r"(?:heart|panic|asthma) attacks?|(?:charm|diplomatic|media|peace) offensive"
PRIORITY: tuple[EventType, ...] = tuple(TRIGGERS)
"""The order in which a sentence's triggers choose its type (the order of ``TRIGGERS``)."""
OCCUPATION_RANK = PRIORITY.index(EventType.OCCUPATION)
ARMED_CLASH_RANK = PRIORITY.index(EventType.ARMED_CLASH)

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
_BACKGROUND_WORDS = (
    r"anniversar(?:y|ies)|commemorat\w*|(?:years?|decades?) ago|last year|in memory of|"
    r"marks? (?:\w+ )?years"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


# --- Casualties -------------------------------------------------------------------------------

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
WORD_VALUES: dict[str, int] = (
    {"a": 1}
    | {w: n for n, w in enumerate(_UNITS.split("|"), start=1)}
    | {w: n for n, w in enumerate(_TEENS.split(), start=10)}
    | {w: 10 * n for n, w in enumerate(_SMALL_TENS.split("|"), start=2)}
)


# --- Compiled patterns ------------------------------------------------------------------------

# Patterns run on scan_text() and start with the character before a word: a space or one of
# these (headlines put words right after ";", "," and ":": "Hama;killed").
WORD_OPENERS = "-/([\"'“‘«;,:"
_WORD_START = rf"[\s{re.escape(WORD_OPENERS)}]"


class Regexes(NamedTuple):
    """The compiled patterns of the lexicon (:func:`regexes`)."""

    trigger: re.Pattern[str]
    cue: re.Pattern[str]
    contraction: re.Pattern[str]
    negation_after: re.Pattern[str]
    hypothesis_after: re.Pattern[str]
    background: re.Pattern[str]
    aside: re.Pattern[str]
    year: re.Pattern[str]
    day_before_year: re.Pattern[str]
    count_before: re.Pattern[str]
    number: re.Pattern[str]
    qualifier: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    subset: re.Pattern[str]


def _triggers() -> list[tuple[str, str]]:
    """The named patterns of the trigger expression (the module docstring names them)."""
    triggers = [("skip", _NOT_EVENTS)]
    triggers += [(f"t{rank}", "|".join(TRIGGERS[kind])) for rank, kind in enumerate(PRIORITY)]
    triggers += [(f"e{OCCUPATION_RANK}", _ENTRY_WORDS)]
    triggers += [(f"t{len(PRIORITY)}", _EFFECT_WORDS), ("casualty", _CASUALTY_HINT)]
    return triggers


@cache
def trigger_prefixes() -> frozenset[str]:
    """Strings one of which starts every match of ``Regexes.trigger`` after its first
    character (a space or one of ``WORD_OPENERS``): a sentence without one has no cue."""
    return frozenset().union(*(literal_prefixes(pattern) for _, pattern in _triggers()))


@cache
def regexes() -> Regexes:
    """Compile every pattern once, on first use (importing does no work)."""
    triggers = _triggers()
    cues = list(_CASUALTY_PATTERNS.items())  # groups are told apart by their first letter
    cues += [("negation", _NEGATION), ("hypothesis", _HYPOTHESIS)]
    return Regexes(
        trigger=re.compile(rf"{_WORD_START}(?:{dispatch(triggers)})\b"),
        cue=re.compile(rf"{_WORD_START}(?:{dispatch(cues)})\b"),
        contraction=re.compile(r"n['’]t\b"),  # didn't, wasn't: negations inside a word
        negation_after=re.compile(_NEGATION_AFTER),
        hypothesis_after=re.compile(_HYPOTHESIS_AFTER),
        background=re.compile(rf"\b(?:{_BACKGROUND_WORDS})\b"),
        year=re.compile(r"(?:1[89]|20)\d\d(?!\d|,\d)"),
        # A non-restrictive relative clause, a parenthesis, or "since" before a year.
        aside=re.compile(
            r",\s+(?:which|who|whom|whose|where)\b[^,;:()]*|\([^()]*\)|"
            rf"\bsince (?:the )?(?:(?:early|late|mid)[- ]|{_MONTH} )?(?:1[89]|20)\d\d\b"
        ),
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


def scan_text(sentence: str) -> str:
    """The sentence in lower case after one space: the text every pattern runs on.

    Offsets into it are offsets into the sentence plus one. Each pattern starts with the
    character before a word, so the regex engine can skip to candidates quickly.
    """
    lower = sentence.lower()
    if len(lower) != len(sentence):  # a few characters lower-case to two (İ)
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in sentence)
    return " " + lower
