"""A report's sentences and headings, with their offsets into the report.

Rules
-----
A sentence ends at ``. ! ? …`` (and any closing quotes or brackets) before whitespace, unless
the next word starts in lower case (``"Why?" he asked``), or the word before the full stop is
an initial (``J. Smith``), a title or month (``Gen.``, ``Lt. Col.``, ``St.``, ``Jan.``, ``No.
5``), or an abbreviation not followed by a usual sentence opener (``U.S. forces``, ``10 a.m.
on``, but ``...by the U.S. The...``). A blank line always ends one. A single line break ends
one after a heading (no final punctuation; title case, or shorter than 3/4 of the next line;
not ending in a comma or in a word such as ``of``) and before a bullet; any other line break
is wrapping. Headings get ``Span.is_title``. A quotation of several sentences (up to 600
characters) stays in one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

__all__ = ["Span", "sentences"]


@dataclass(frozen=True)
class Span:
    """A piece of a text: ``text == source[start:end]``; ``is_title`` marks a heading line."""

    start: int
    end: int
    text: str
    is_title: bool = False


class _Patterns(NamedTuple):
    boundary: re.Pattern[str]
    bullet: re.Pattern[str]
    acronym: re.Pattern[str]
    next_word: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compile the patterns once, on first use (importing does no work)."""
    return _Patterns(
        boundary=re.compile(  # starts with one character class: the engine scans for it fast
            r"[.!?…؟\n](?:(?<=\n)(?:[ \t\r]*\n)*|(?<!\n)[.!?…؟]*[\"'”’»)\]]*(?=\s))"
        ),
        bullet=re.compile(r"[ \t]*(?:[-*•–—]|\d{1,2}[.)])\s"),
        acronym=re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]"),
        next_word=re.compile(r"[ \t\r]*\n?[ \t\r]*(\S+)"),
    )


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
    rx = _patterns()
    out: list[Span] = []
    begin = line_start = 0
    for m in rx.boundary.finditer(text):
        start, end = m.span()
        if text[start] != "\n":
            if _ends_sentence(text, start, end, rx) and not _is_inside_quote(text, begin, end):
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


def _is_title(line: str, rx: _Patterns) -> bool:
    """A line without final punctuation that is not a bullet."""
    return line.rstrip()[-1:] not in _SENTENCE_END and rx.bullet.match(line) is None


def _breaks_line(line: str, next_line: str, rx: _Patterns) -> bool:
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
    # Counted in place: slicing a copy of each sentence cost more than the counting.
    return text.count('"', begin, end) % 2 == 1 or text.count("“", begin, end) > text.count(
        "”", begin, end
    )


def _ends_sentence(text: str, punct_start: int, punct_end: int, rx: _Patterns) -> bool:
    # The usual case, one space and a word, is read without the regex; the next word itself
    # is needed only after an abbreviation.
    first = text[punct_end + 1 : punct_end + 2]
    if text[punct_end] == " " and first and not first.isspace():
        next_word = None
    else:
        following = rx.next_word.match(text, punct_end)
        if following is None:
            return True
        next_word = following.group(1)
        first = next_word[0]
    if first.islower():
        return False
    if text[punct_start] != "." or text[punct_start + 1 : punct_end].startswith("."):
        return True  # ? ! … and "...", before a capital
    # The word before the full stop starts after the last space or line break; the line break
    # is looked for only after the space, not back to the previous paragraph.
    space = text.rfind(" ", 0, punct_start)
    line_break = text.rfind("\n", space + 1, punct_start)
    word = text[max(space, line_break) + 1 : punct_start].lstrip("\"'“‘([")
    lower = word.lower()
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    if lower in ("no", "nos"):
        return not first.isdigit()
    if lower in _ABBREVIATIONS:
        return False
    if lower in _END_ABBREVIATIONS or ("." in word and rx.acronym.fullmatch(word)):
        if next_word is None:
            next_word = rx.next_word.match(text, punct_end).group(1)
        return next_word.strip("\"'“‘,").lower() in _OPENERS
    return True


def _append(out: list[Span], text: str, start: int, end: int, *, is_title: bool = False) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + piece.find(stripped[0])  # only whitespace comes before it
        out.append(Span(offset, offset + len(stripped), stripped, is_title))
