"""Whether a sentence tells of an event that happened: negation, hypothesis and the past.

Rules
-----
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
    destroyed..." is background, "On 16 June 2022, militants attacked..." is not). What a
    relative clause after a comma or a parenthesis says, and a year after "since", do not
    count: "The group, whose leader spoke there in 2014, attacked..." is not background.

The functions take the sentence as :func:`~heritage.geoparse.lexicon.scan_text` gives it, the
compiled :func:`~heritage.geoparse.lexicon.regexes`, and offsets into the scanned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from heritage.geoparse.lexicon import Regexes

__all__ = ["Context", "is_background", "is_hypothetical", "is_negated", "last_before"]

_BACKGROUND_HINTS = ("annivers", "commemorat", " ago", "last year", "in memory", "years")


@dataclass(slots=True)
class Context:
    """Where a sentence's negation and hypothesis cues end, and what else it names."""

    negation_ends: list[int] = field(default_factory=list)
    hypothesis_ends: list[int] = field(default_factory=list)


def last_before(ends: list[int], start: int) -> int | None:
    """The last of the sorted ``ends`` at or before ``start``; None if there is none."""
    last = None
    for end in ends:
        if end > start:
            break
        last = end
    return last


def is_negated(scan: str, start: int, end: int, context: Context, rx: Regexes) -> bool:
    """Whether the trigger at ``scan[start:end]`` is negated (module docstring)."""
    negation = last_before(context.negation_ends, start)
    if negation is not None and len(scan[negation:start].split()) <= 3:
        return True
    return rx.negation_after.match(scan, end) is not None


def is_hypothetical(scan: str, start: int, end: int, context: Context, rx: Regexes) -> bool:
    """Whether the words at ``scan[start:end]`` are spoken of as a threat, a fear or a plan."""
    cue_end = last_before(context.hypothesis_ends, start)
    if cue_end is not None:
        between = scan[cue_end:start]
        if len(between.split()) <= 6 and not any(c in between for c in ",;:"):
            return True
    return rx.hypothesis_after.match(scan, end) is not None


def is_background(scan: str, published_year: int | None, rx: Regexes) -> bool:
    """Whether the sentence recalls the past (module docstring), not counting what a relative
    clause or a parenthesis says of a noun ("The group, whose leader proclaimed his caliphate
    there in 2014, claimed...") nor the start of a period that lasts ("since 2014")."""
    if not _names_the_past(scan, published_year, rx):
        return False
    main = rx.aside.sub(_blank, scan)  # blanked out, so that offsets stay
    return main == scan or _names_the_past(main, published_year, rx)


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _names_the_past(scan: str, published_year: int | None, rx: Regexes) -> bool:
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
