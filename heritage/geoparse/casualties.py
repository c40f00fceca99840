"""Deaths and injuries a sentence reports.

Rules
-----
Counts from "killed 12", "12 people were killed", "at least 7 dead", "killing three", "wounding
twenty-five", "a dozen injured", "death toll rose to 40" add up within a sentence, except after
``including``/``among them`` (a subset) and numbers that are dates or years. Vague plurals are
documented lower bounds with ``is_minimum=True``: tens 20, dozens 24, scores 40, hundreds 200,
thousands 2000; ``at least``/``more than``/``over`` also set it. "Several", "an unknown number"
and bare mentions ("resulted in casualties", "the wounded") give no number but
``reported=True``. "No casualties", "no one was hurt", "without casualties", "neither injuries
nor fatalities" give ``reported=False`` and 0 for what they cover. Casualties spoken of as a
fear ("concerns over civilian casualties") and "N casualties" or "N victims" (dead or
wounded?) give no count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heritage.geoparse.lexicon import WORD_VALUES, Regexes, regexes, scan_text
from heritage.geoparse.modality import Context, is_hypothetical
from heritage.geoparse.sentences import Span

__all__ = ["NO_CASUALTIES", "Casualties", "read_casualties", "read_cues"]

_MINIMUM_QUALIFIERS = ("at least", "more than", "over", "upwards of", "no fewer", "no less")
_DATE_WORDS = frozenset(
    "on since until from by in of at january february march april may june july august "
    "september october november december".split()
)
_INJURED_WORDS = ("wound", "injur", "hurt", "was hurt", "were hurt")
_VAGUE_MINIMUM = {"tens": 20, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}


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
    return read_cues(sentence, scan_text(sentence), regexes())[1]


def read_cues(sentence: str, scan: str, rx: Regexes) -> tuple[Context, Casualties]:
    """Read the context cues and the casualties of a sentence in one pass."""
    context, tally, evidence = Context(), _Tally(), []
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


def _add_casualty(
    scan: str, m: re.Match[str], tally: _Tally, context: Context, rx: Regexes
) -> int | None:
    """Add one match to the tally and return where its evidence starts; None if it does not
    count (a fear, a subset)."""
    kind, start, text = m.lastgroup[0], m.start() + 1, m.group()[1:]
    if kind == "z":  # zero: "no casualties"
        tally.deny(text)
        return start
    if is_hypothetical(scan, start, m.end(), context, rx):
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


def _count_before(scan: str, end: int, rx: Regexes) -> re.Match[str] | None:
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
            value += WORD_VALUES.get(token, 0)
    return (value // 2 if is_half else value), False
