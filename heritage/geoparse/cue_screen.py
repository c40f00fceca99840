"""Which sentences of a report may hold an event cue, found in one pass over the report.

Most sentences name no event and no casualties (seven in eight of the benchmark's reports),
and running the trigger expression over each of them costs more than all the rest of reading
the cues. So one Aho-Corasick automaton (pyahocorasick) holds the expression's literal
prefixes (:func:`~heritage.geoparse.lexicon.trigger_prefixes`), each after a space, and runs
once over the lower-cased report in which every character that may open a word (whitespace,
``WORD_OPENERS``, anything outside ASCII) is a space. A sentence in which no prefix starts
cannot match the expression, which starts with such a character, then one of the prefixes:
it is not read. A sentence that does not follow an opening character is always read, since
the expression sees it after a space (:func:`~heritage.geoparse.lexicon.scan_text`). The
screen only passes over sentences the expression would find nothing in: the cues read are the
same.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cache

import ahocorasick

from heritage.geoparse.lexicon import WORD_OPENERS, trigger_prefixes
from heritage.geoparse.sentences import Span

__all__ = ["may_hold_cues"]

_SPACE = 32
# ASCII whitespace (as ``\s`` has it), the ASCII openers, and "?", which stands for every
# character outside ASCII: all of them a space.
_OPENING = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f?" + "".join(c for c in WORD_OPENERS if c.isascii())
_TO_SPACE = bytes.maketrans(_OPENING.encode("ascii"), b" " * len(_OPENING))


@cache
def _automaton() -> ahocorasick.Automaton | None:
    """The prefixes after a space, each keyed to its length; None when a match may start
    with anything (a prefix is empty), so that every sentence must be read."""
    prefixes = trigger_prefixes()
    if "" in prefixes:
        return None
    automaton = ahocorasick.Automaton()
    for prefix in prefixes:
        key = _openers_to_spaces(f" {prefix}")
        automaton.add_word(key, len(key))
    automaton.make_automaton()
    return automaton


def may_hold_cues(text: str, spans: Sequence[Span]) -> list[bool]:
    """For each sentence of ``text`` (``spans``, in order and not overlapping), whether the
    trigger expression may find something in it (module docstring)."""
    automaton = _automaton()
    if automaton is None or not spans:
        return [True] * len(spans)
    screened = _openers_to_spaces(f" {_lower(text)}")  # screened[i + 1] is text[i]
    starts = [s.start for s in spans]
    flags = [screened[s.start] != " " for s in spans]  # after no opener: read
    for last, length in automaton.iter(screened):
        start = last - length + 1  # where the prefix starts in text
        at = bisect_right(starts, start) - 1
        if at >= 0 and start < spans[at].end:
            flags[at] = True
    return flags


def _lower(text: str) -> str:
    """The text in lower case, letter for letter, as ``scan_text`` lowers a sentence."""
    lower = text.lower()
    if len(lower) != len(text):  # a few characters lower-case to two (İ)
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lower


def _openers_to_spaces(text: str) -> str:
    """``text`` with every opening character a space, one character for one."""
    data = text.encode("ascii", "replace")  # each character outside ASCII: one "?"
    return data.translate(_TO_SPACE).decode("ascii")
