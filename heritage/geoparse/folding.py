"""Folding text for matching: one name written many ways folds to one string, and folded
text keeps its way back to the original.

Running text and gazetteer names go through the same :func:`fold`, character by character, so
a name is found in a report when its folded form occurs there between word boundaries:

- NFKC, then casefold; diacritics and other combining marks are dropped (``Ḥamāh`` → ``hamah``,
  ``Київ`` → ``киів``: the breve of й and the diaeresis of ї go too, on both sides alike).
- Ayn, hamza and apostrophe marks (``ʿ ʾ ' ’ ‘ ` ´ ′ ʼ ʻ``) are dropped inside a word, so
  ``Sana'a`` is ``sanaa`` and ``Ma'arrat`` is ``maarrat`` (and not ``marrat``: a writer who drops
  the ayn keeps its vowel). The English possessive ``'s`` is a word of its own, so ``Aleppo's``
  still contains ``aleppo``.
- Any run of other non-letters (spaces, hyphens, underscores, dots, commas...) is one space.
- Letters of another script that look like Latin ones (Cyrillic ``е``, Greek ``ο``) become Latin
  inside a mostly Latin word (``Vеrshinin`` → ``vershinin``), and Latin lookalikes become
  Cyrillic inside a mostly Cyrillic word. A word wholly in Cyrillic stays Cyrillic.
- Arabic script: tashkeel and tatweel dropped, alef forms (أ إ آ ٱ) → ا, ى and Persian ی → ي,
  Persian ک → ك, ة → ه, and a lone hamza ء dropped (``سامراء`` is ``سامرا``).

The spellings of a name that folding cannot equate (the Arabic article, variant words) are
:mod:`heritage.geoparse.names`' business.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FoldedText", "fold", "fold_name"]

# Dropped inside words. Checked before NFKC, which turns the acute accent into a space + mark.
_APOSTROPHES = "'’‘`´′ʹʻʼʽʾʿ"
# Letters that NFD does not decompose but a reader takes for the plain one.
_EXTRA_FOLDS = {
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ŀ": "l", "ƚ": "l",
    "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
    "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا", "ى": "ي", "ی": "ي", "ک": "ك",
    "ة": "ه", "ە": "ه", "ـ": "", "ء": "",
}  # fmt: skip
# Combining marks and joiners that belong to the word they are in (Python's \w leaves them out).
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0711\u0730-\u074a\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f\u00ad"
)
_WORD = rf"(?:[^\W_]|[{_MARKS}])"
_QUOTE = "'’‘`´′"  # apostrophes that are punctuation, not letters (the others are \w already)
# A word, with the apostrophes inside it, but not a possessive 's.
_TOKEN_RE = re.compile(rf"{_WORD}+(?:[{_QUOTE}](?![sS]\b){_WORD}+)*")
# Plain ASCII words separated by single spaces: folded by str.lower, no per-word work.
_EDGE = rf"[\w{_MARKS}{_QUOTE}]"
_PLAIN_RE = re.compile(rf"(?<!{_EDGE})[A-Za-z0-9]++(?: [A-Za-z0-9]++)*+(?!{_EDGE})")

# Lookalikes, applied after casefold. Capital-only lookalikes (В, Н, К, М, Т) are listed by
# their lower case: inside a Latin word a Cyrillic в can only have been meant as a B.
_CYRILLIC_GREEK_TO_LATIN = str.maketrans(
    "аеорсухіјѕһӏԁԛԝвнкмтαβεζηικμνορτυχ", "aeopcyxijshldqwbhkmtabezhikmvoptux"
)
_LATIN_TO_CYRILLIC = str.maketrans("aeopcyxijsbhkmt", "аеорсухіјѕвнкмт")
_LATIN_RE = re.compile(r"[a-z]")
_CYRILLIC_GREEK_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


class _CharFolds(dict):
    """char -> folded string, computed on first use; remembers chars that do not fold to one."""

    def __init__(self):
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, char: str) -> str:
        folded = _fold_char(char)
        self[char] = folded
        if len(folded) != 1:
            self.irregular.add(char)
        return folded


def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return ""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", char).casefold())
    kept = [
        _EXTRA_FOLDS.get(c, c)
        for c in text
        if c not in _APOSTROPHES and unicodedata.category(c) not in ("Mn", "Me", "Cf")
    ]
    return "".join(kept)


_FOLDS = _CharFolds()


@dataclass(frozen=True)
class FoldedText:
    """A folded text and the way back from its characters to the original's.

    ``text`` is the folded text (words joined by single spaces). Folded character ``i`` comes
    from ``source[offset(i)]``; :meth:`original_span` maps a folded span to the original one.
    """

    source: str
    text: str
    _folded_starts: list[int] = field(repr=False)
    _source_starts: list[int] = field(repr=False)
    _cased: str | None = field(default=None, repr=False)  # ``text`` before lower-casing

    def offset(self, index: int) -> int:
        """Index in ``source`` of the character that folded character ``index`` comes from."""
        if not 0 <= index < len(self.text):
            raise IndexError(f"folded index {index} out of range 0..{len(self.text) - 1}")
        segment = bisect_right(self._folded_starts, index) - 1
        return self._source_starts[segment] + index - self._folded_starts[segment]

    @property
    def cased_text(self) -> str | None:
        """``text`` before lower-casing, kept for an ASCII source (None otherwise)."""
        return self._cased

    def is_lower(self, index: int) -> bool:
        """Whether folded character ``index`` comes from a lower-case letter."""
        if self._cased is not None:
            return self._cased[index].islower()
        return self.source[self.offset(index)].islower()

    @property
    def offsets(self) -> list[int]:
        """``offset(i)`` for every folded character (built on demand)."""
        return [self.offset(i) for i in range(len(self.text))]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``source`` that folded ``text[start:end]`` comes from (``end`` > ``start``).

        The span ends after any marks, tatweel or hamza that folded to nothing at its end, so
        ``تدمرُ`` keeps its damma.
        """
        folded_starts, source_starts = self._folded_starts, self._source_starts
        if 0 <= start < end <= len(self.text):  # offset() without its checks, done here once
            at = bisect_right(folded_starts, start) - 1
            first = source_starts[at] + start - folded_starts[at]
            at = bisect_right(folded_starts, end - 1) - 1
            stop = source_starts[at] + end - folded_starts[at]
        else:
            first, stop = self.offset(start), self.offset(end - 1) + 1
        if self._cased is None:  # an ASCII text has no silent characters
            while stop < len(self.source) and _is_silent(self.source[stop]):
                stop += 1
        return first, stop


def _is_silent(char: str) -> bool:
    return char not in _APOSTROPHES and _FOLDS[char] == "" and _TOKEN_RE.match(char) is not None


def fold(text: str) -> FoldedText:
    """Fold ``text`` for matching (see the module docstring), keeping the way back.

    Examples
    --------
    >>> fold("Et-Tanf, Sana'a").text
    'et tanf sanaa'
    """
    if text.isascii() and "`" not in text:
        return _fold_ascii(text, text)
    plain = _ascii_stand_in(text)
    if plain is not None:
        return _fold_ascii(text, plain)
    return _fold_any(text)


def _ascii_stand_in(text: str) -> str | None:
    """``text`` with each character replaced by its ASCII stand-in (:class:`_StandIns`), one
    for one so that offsets do not move; None when a character has none.

    A report has a few distinct characters to replace (“ ” ’ — é): they are found and replaced
    as an array of code points, several times faster than a regex callback per occurrence or
    str.translate, which looks up every character.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    at = np.flatnonzero((codes > 0x7F) | (codes == _BACKTICK))
    found = codes[at]
    stand_ins = {}
    for code in set(found.tolist()):
        stand_in = _STAND_INS[chr(code)]
        if not stand_in.isascii():
            return None
        stand_ins[code] = ord(stand_in)
    plain = codes.astype(np.uint8)  # the ASCII characters as they are
    plain[at] = [stand_ins[code] for code in found.tolist()]
    return plain.tobytes().decode("ascii")


def _fold_any(text: str) -> FoldedText:
    """:func:`fold` of any text: ASCII words by str.lower, other words character by character."""
    builder = _Builder(text)
    position = 0
    for match in _PLAIN_RE.finditer(text):
        start, end = match.span()
        if start > position:
            builder.add_gap(position, start)
        builder.add(match.group().lower(), start, end)
        position = end
    if position < len(text):
        builder.add_gap(position, len(text))
    return builder.build()


class _StandIns(dict):
    """char -> an ASCII character that folds as it does, for :func:`fold`'s fast path: a quote
    that may join a word → ``'``; a character outside words (“ ” — … £) → a space; a letter or
    digit that folds to one ASCII one (é, Ü, ｈ) → that one, in the same case. Any other
    character stands for itself, which keeps the text out of the fast path (Cyrillic, Arabic,
    ß, combining marks)."""

    def __missing__(self, char: str) -> str:
        if char in _QUOTE:
            stand_in = "'"
        elif char.isascii():
            stand_in = char
        elif _TOKEN_RE.match(char) is None:
            stand_in = " "
        else:
            stand_in = _folded_letter(char)
        self[char] = stand_in
        return stand_in


def _folded_letter(char: str) -> str:
    folded = _FOLDS[char]
    if len(folded) != 1 or not folded.isascii() or not folded.isalnum():
        return char
    stand_in = folded.upper() if char.isupper() else folded
    if stand_in.isupper() != char.isupper() or stand_in.islower() != char.islower():
        return char  # "ª" is a letter without case: "a" would read as lower case
    return stand_in


_STAND_INS = _StandIns()
_STAND_IN_RE = re.compile("[^\x00-\x5f\x61-\x7f]")  # not ASCII, or the backtick
_BACKTICK = ord("`")


def _stand_in(match: re.Match[str]) -> str:
    return _STAND_INS[match.group()]


_ASCII_TO_SPACE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_SPACE = ord(" ")


def _fold_ascii(source: str, plain: str) -> FoldedText:
    """:func:`fold` of a text in ASCII (``plain``: ``source`` with ASCII stand-ins), the usual
    report, with whole-array operations: no step per word or per run of separators."""
    spaced_text = plain.translate(_ASCII_TO_SPACE)  # letters, digits and spaces
    spaced = np.frombuffer(spaced_text.encode("ascii"), dtype=np.uint8)
    is_word = spaced != _SPACE
    keep = is_word.copy()
    keep[1:] |= is_word[:-1]  # of a run of separators, the first one stands for the run
    keep[len(spaced_text.rstrip(" ")) :] = False  # trailing separators
    if "'" in plain:
        keep[_joining_apostrophes(plain.lower())] = False
    cased = spaced[keep].tobytes().decode("ascii")
    if not cased:
        return FoldedText(source, "", [0], [0], "")
    # Segments: runs of kept characters. A run starts at the first kept character and where
    # a kept character follows a dropped one; its folded index counts the kept before it.
    offsets = np.flatnonzero(keep)  # folded character i comes from source[offsets[i]]
    opens = np.flatnonzero(keep[1:] > keep[:-1]) + 1
    if keep[0]:
        opens = np.concatenate(([0], opens))
    source_starts = opens.tolist()
    folded_starts = np.searchsorted(offsets, opens).tolist()
    return FoldedText(source, cased.lower(), folded_starts, source_starts, cased)


def _fold_ascii_text(plain: str) -> str:
    """``_fold_ascii(source, plain).text`` without the way back: for short names, where the
    arrays would cost more than they save."""
    lowered = plain.lower()
    for index in reversed(_joining_apostrophes(lowered)):
        lowered = lowered[:index] + lowered[index + 1 :]
    return " ".join(lowered.translate(_ASCII_TO_SPACE).split())


def _joining_apostrophes(lowered: str) -> list[int]:
    """Indexes of the apostrophes that _TOKEN_RE keeps inside a word (not a possessive 's)."""
    found = []
    index = lowered.find("'")
    while index != -1:
        before, after = lowered[index - 1 : index], lowered[index + 1 : index + 2]
        if before.isalnum() and after.isalnum():
            third = lowered[index + 2 : index + 3]
            if not (after == "s" and not (third.isalnum() or third == "_")):
                found.append(index)
        index = lowered.find("'", index + 1)
    return found


class _Builder:
    """Joins folded words with single spaces and records where each piece came from."""

    def __init__(self, source: str):
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.folded_starts: list[int] = []
        self.source_starts: list[int] = []
        self.source_end = 0  # where the last word added ends in the source

    def add(self, folded: str, source_start: int, source_end: int) -> None:
        """A word (or words joined by single spaces), after a space if not the first."""
        if self.parts:
            self._segment(" ", self.source_end)  # the space stands for the first separator
        self._segment(folded, source_start)
        self.source_end = source_end

    def add_gap(self, start: int, end: int) -> None:
        for match in _TOKEN_RE.finditer(self.source, start, end):
            token = match.group()
            folded = "".join(map(_FOLDS.__getitem__, token))
            if not folded.strip():
                continue
            if len(folded) == len(token) and _FOLDS.irregular.isdisjoint(token):
                self.add(_unspoof(folded), match.start(), match.end())
            else:
                self._add_irregular(token, match.start())

    def _add_irregular(self, token: str, source_start: int) -> None:
        """A word whose characters do not fold one to one: one segment per folded character."""
        pieces = [(piece, source_start + i) for i, c in enumerate(token) if (piece := _FOLDS[c])]
        folded = _unspoof("".join(piece for piece, _ in pieces))
        if self.parts:
            self._segment(" ", self.source_end)
        at = 0
        for piece, origin in pieces:
            for _ in piece:
                self._segment(folded[at], origin)
                at += 1
        self.source_end = source_start + len(token)

    def _segment(self, folded: str, source_start: int) -> None:
        self.parts.append(folded)
        self.folded_starts.append(self.length)
        self.source_starts.append(source_start)
        self.length += len(folded)

    def build(self) -> FoldedText:
        return FoldedText(self.source, "".join(self.parts), self.folded_starts, self.source_starts)


def _unspoof(word: str) -> str:
    """Fold lookalike letters of the minority script into the word's main script."""
    if word.isascii() or not _LATIN_RE.search(word) or not _CYRILLIC_GREEK_RE.search(word):
        return word
    latin = len(_LATIN_RE.findall(word))
    other = len(_CYRILLIC_GREEK_RE.findall(word))
    if latin > other:
        return word.translate(_CYRILLIC_GREEK_TO_LATIN)
    if len(_CYRILLIC_RE.findall(word)) > latin:
        return word.translate(_LATIN_TO_CYRILLIC)
    return word


class _NameTable(dict):
    """ord -> folded string for str.translate: a word character folds as in :func:`fold`,
    anything else (space, punctuation) becomes a space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _FOLDS[char] if _TOKEN_RE.match(char) else " "
        self[code] = folded
        return folded


_NAME_TABLE = _NameTable()
_QUOTE_RE = re.compile(f"[{_QUOTE}]")


def fold_name(name: str) -> str:
    """``fold(name).text``, several times faster (no way back to the original is kept)."""
    if name.isascii() and name.replace(" ", "").isalnum():  # most names: letters and spaces
        return " ".join(name.lower().split()) if " " in name else name.lower()
    if _QUOTE_RE.search(name):  # apostrophes: inside a word, possessive or quote
        plain = _STAND_IN_RE.sub(_stand_in, name)
        return _fold_ascii_text(plain) if plain.isascii() else fold(name).text
    if name.isascii():  # str.translate has a fast path for ASCII to ASCII
        return " ".join(name.lower().translate(_ASCII_TO_SPACE).split())
    folded = " ".join(name.translate(_NAME_TABLE).split())
    if not folded.isascii() and _LATIN_RE.search(folded) and _CYRILLIC_GREEK_RE.search(folded):
        folded = " ".join(map(_unspoof, folded.split(" ")))
    return folded
