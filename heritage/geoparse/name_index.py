"""The names of the gazetteer's places as one automaton, and which of its matches count.

All the names, folded by :mod:`heritage.geoparse.names` with the spellings of the Arabic
article and of generic words, are the keys of one Aho-Corasick automaton (``pyahocorasick``)
run over the folded text, padded with a space on each side so that a key matches whole words
only: ``Homs`` is not found in ``Homsville``, nor ``Iraq`` in ``Iraqi`` (demonyms have their
own automaton, :func:`index_demonyms`).

Which matches count (``Gazetteer.find``), so that ordinary English does not turn into places:

- Registry sites, user aliases, countries and regions are curated: they match in any case.
- Any other place (from GeoNames) must be written with a capital: the first letter of its first
  word after an article is upper case (or of a script without case). Its key must have three
  characters or more and must not be made of :data:`~heritage.geoparse.names.STOP_WORDS` only
  (function words, numbers, months, titles, institutions: GeoNames has places called "Of",
  "May", "Will", "Mark", "Police" and "New Town"). A surface of three capitals or fewer ("HIV",
  "SOS") is an acronym, not a GeoNames place.
- A key of :data:`~heritage.geoparse.names.COMMON_WORDS` (frequent English words that are also
  place names: "Homes", "Bar", "Said", "Early", "Hit") needs a title-case surface ("Hit", not
  "hit" nor "HIT"), and for GeoNames places also a position that is not the start of a
  sentence or line, where every word is capitalised.
- A curated name written in capitals only (``US``, ``UK``, ``UAE``) matches capitals only.
- Arabic-script names of GeoNames places are keyed as written: without case, "مدينة" (a city)
  must not find "المدينة" (Medina); sites, aliases, countries and regions are also keyed
  without their article.
- An abbreviation written with its dots (a name such as "Fla." or "W.Va.", AP style for US
  states) names its place only when the dot follows the match; one that is also a word, a
  name or two letters ("Mass.", "Ill.", "Pa.") also needs the AP context, after a town and a
  comma ("Quincy, Mass.") or a party ("D-Pa."). Without them the key's other places follow
  the rules above.
- Matches never overlap; the longest wins, then the leftmost.
"""

from __future__ import annotations

import re
from array import array
from typing import NamedTuple

import ahocorasick

from heritage.geoparse.demonyms import DEMONYMS
from heritage.geoparse.folding import FoldedText, fold_name
from heritage.geoparse.names import (
    ARTICLES,
    COMMON_WORDS,
    STOP_WORDS,
    is_abbreviation,
    is_article,
    keys_of_names,
)
from heritage.geoparse.places import Place, PlaceKind

__all__ = [
    "ARTICLE_COUNTRIES",
    "NameIndex",
    "find_demonym_names",
    "find_names",
    "index_demonyms",
    "index_names",
]


# Countries whose place names carry the Arabic article or the generic words of names.VARIANTS:
# the Arab League, Western Sahara and Israel; and Ukraine for Kyiv/Kiev-style variants.
ARTICLE_COUNTRIES = frozenset(
    "AE BH DJ DZ EG EH IL IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split()
)
_VARIANT_COUNTRIES = ARTICLE_COUNTRIES | {"UA"}
_LENIENT = frozenset({PlaceKind.SITE, PlaceKind.ALIAS, PlaceKind.COUNTRY, PlaceKind.REGION})


class _Entry(NamedTuple):
    values: tuple  # the places a key names (countries for a demonym), best first
    length: int  # of the folded key
    is_stop: bool
    is_common: bool
    is_acronym: bool


# Key flags. _CURATED: some place of the key is a site, alias, country or region; _ARTICLE_LED:
# the key starts with an article (its surface may start in lower case: "al-Tanf").
# _ABBREVIATION: some place of the key is named by it as an abbreviation ("Fla.").
_STOP, _COMMON, _ACRONYM, _CURATED, _ARTICLE_LED, _ABBREVIATION = 1, 2, 4, 8, 16, 32
# One-word abbreviations that are also words or names, read in the AP context only.
_WORDLIKE_ABBREVIATIONS = frozenset("conn del ill ind mass miss mont ore penn wash".split())


class NameIndex:
    """An automaton over folded keys (padded with spaces: whole words only) and, for key ``i``,
    what it names, its length and its flags, kept in flat lists: a gazetteer has hundreds of
    thousands of keys, and an object per key would cost memory and garbage-collector time."""

    def __init__(self):
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.values: list = []  # one Place, or a tuple of places or of country codes
        self.lengths = array("I")
        self.flags: dict[int, int] = {}
        self.unsearched: dict[str, object] = {}  # keys find() never admits, for lookup()
        # key number -> ids of the places it names as an abbreviation (module docstring)
        self.abbreviated: dict[int, frozenset[str]] = {}

    def add(self, key: str, value: object, flags: int = 0) -> int:
        """Add ``key``; its number, or -1 when it is kept for look-ups only."""
        if not flags & (_CURATED | _ABBREVIATION) and (flags & _STOP or len(key) < 3):
            self.unsearched[key] = value  # "of", "ur": no need to find them to reject them
            return -1
        number = len(self.values)
        self.automaton.add_word(f" {key} ", number)
        self.values.append(value)
        self.lengths.append(len(key))
        if flags:
            self.flags[number] = flags
        return number

    def get(self, key: str) -> tuple:
        """What ``key`` names; () if nothing."""
        number = self.automaton.get(f" {key} ", -1)
        value = self.values[number] if number >= 0 else self.unsearched.get(key, ())
        return value if isinstance(value, tuple) else (value,)

    def entry(self, number: int) -> _Entry:
        value, flags = self.values[number], self.flags.get(number, 0)
        return _Entry(
            value if isinstance(value, tuple) else (value,),
            self.lengths[number],
            bool(flags & _STOP),
            bool(flags & _COMMON),
            bool(flags & _ACRONYM),
        )

    def __len__(self) -> int:
        return len(self.values)


def index_names(ranked: list[tuple[Place, list[str]]]) -> NameIndex:
    """The keys of every name of every place.

    ``ranked`` is in candidate order (sites first, then by population), so each key's places
    come out in that order without sorting."""
    index: dict[str, int | list[int]] = {}  # key -> position in ranked, or positions
    acronyms: set[str] = set()
    curated_keys: set[str] = set()  # keys of a site, alias, country or region
    abbreviations: dict[str, set[int]] = {}  # key -> positions named so by an abbreviation
    populated = PlaceKind.POPULATED
    for position, (place, names) in enumerate(ranked):
        curated = place.kind is not populated and place.kind in _LENIENT
        spelled = curated or place.country in ARTICLE_COUNTRIES
        variants = spelled or place.country in _VARIANT_COUNTRIES
        if len(names) == 1 and not variants:  # a small town by its own name: one key
            key = fold_name(names[0])
            keys = (key,) if key else ()
        else:
            keys = keys_of_names(
                names, articles=spelled, variants=variants, arabic_articles=curated
            )
        if curated:
            curated_keys |= keys
            acronyms.update(fold_name(n) for n in names if len(n) <= 8 and n.isupper())
        if place.kind is not populated:  # units: a million town names need not be checked
            for name in names:
                if name[-1:] == "." and is_abbreviation(name):
                    abbreviations.setdefault(fold_name(name), set()).add(position)
        for key in keys:
            known = index.setdefault(key, position)
            if known != position:
                if isinstance(known, int):
                    index[key] = [known, position]
                else:
                    known.append(position)
    acronyms = {k for k in acronyms if k in index and _is_acronym_only(k, ranked, index[k])}
    found = NameIndex()
    add, add_word = found.add, found.automaton.add_word
    values, lengths = found.values, found.lengths
    special = curated_keys | abbreviations.keys()  # keys that may have flags of their own
    for key, positions in index.items():
        if isinstance(positions, int):
            value = ranked[positions][0]
        else:
            value = tuple(ranked[p][0] for p in positions)
        first = key.partition(" ")[0]
        if first not in _FLAGGED_FIRST and key not in special and len(key) >= 3:
            # NameIndex.add inlined for the usual key: no flags, searched
            add_word(f" {key} ", len(values))
            values.append(value)
            lengths.append(len(key))
            continue
        rest = key[len(first) + 1 :]
        flags = _word_flags(key, first)
        if first in ARTICLES and rest and is_article(first, rest.partition(" ")[0]):
            flags |= _ARTICLE_LED
        if key in curated_keys:
            flags |= _CURATED | (_ACRONYM if key in acronyms else 0)
        if key in abbreviations:
            number = add(key, value, flags | _ABBREVIATION)
            found.abbreviated[number] = frozenset(ranked[p][0].id for p in abbreviations[key])
        else:
            add(key, value, flags)
    found.automaton.make_automaton()
    return found


_LISTED_WORDS = STOP_WORDS | COMMON_WORDS
_FLAGGED_FIRST = _LISTED_WORDS | ARTICLES  # first words of keys that may have word flags


def _word_flags(key: str, first: str) -> int:
    """_STOP for a key of stop words only ("of", "new town"), _COMMON for one of stop and
    common words only ("homes", "white house"); ``first`` is its first word."""
    if first not in _LISTED_WORDS:
        return 0
    if key in STOP_WORDS:
        return _STOP
    if key in COMMON_WORDS:
        return _COMMON
    if " " in key:
        words = key.split(" ")
        if STOP_WORDS.issuperset(words):
            return _STOP
        if all(word in STOP_WORDS or word in COMMON_WORDS for word in words):
            return _COMMON
    return 0


def _is_acronym_only(key: str, ranked, positions: int | list[int]) -> bool:
    """Whether the curated places spelled ``key`` are only ever written in capitals (US, UK:
    the country is not "us"); GeoNames places have their own rules."""
    return all(
        name.isupper()
        for position in ([positions] if isinstance(positions, int) else positions)
        if ranked[position][0].kind in _LENIENT
        for name in ranked[position][1]
        if fold_name(name) == key
    )


def index_demonyms() -> NameIndex:
    keys = NameIndex()
    for demonym, countries in DEMONYMS.items():
        for form in _demonym_forms(demonym):
            key = fold_name(form)
            keys.add(key, countries, _COMMON if key in COMMON_WORDS else 0)
    keys.automaton.make_automaton()
    return keys


def _demonym_forms(demonym: str) -> tuple[str, ...]:
    """The demonym and its English plural: Syrians, Iraqis, Kurds; not Lebanese, Polish."""
    if demonym.endswith(("sh", "ch", "ese", "be", "bè")):
        return (demonym,)
    return (demonym, demonym + "s")


# --- finding ----------------------------------------------------------------------------------


def find_names(folded: FoldedText, index: NameIndex) -> list[tuple[int, int, tuple]]:
    """(start, end, places) of the place names in ``folded``, with offsets into its source."""
    return _select(folded, index, _admitted)


def find_demonym_names(folded: FoldedText, index: NameIndex) -> list[tuple[int, int, tuple]]:
    """(start, end, countries) of the demonyms in ``folded``, with offsets into its source."""
    return _select(folded, index, _admitted_demonym)


def _select(folded: FoldedText, keys: NameIndex, admit) -> list[tuple[int, int, tuple]]:
    """Whole-word matches of the automaton's keys in the folded text, longest first,
    non-overlapping, each kept when ``admit(keys, number, surface, text, start)`` returns a
    non-empty tuple."""
    text = folded.source
    hits = []
    lengths, flags, is_lower = keys.lengths, keys.flags, folded.is_lower
    cased = folded.cased_text
    any_case = _CURATED | _ARTICLE_LED
    for last, number in keys.automaton.iter(f" {folded.text} "):
        length = lengths[number]
        start = last - length - 1
        # A key of GeoNames places only, found in lower case ("said", "homes"): no need to
        # look further. (An ASCII text keeps its cased fold: one string index, no call.)
        if (cased[start].islower() if cased else is_lower(start)) and not (
            flags.get(number, 0) & any_case
        ):
            continue
        hits.append((-length, start, number))
    if not hits:
        return []
    hits.sort()
    taken = bytearray(len(folded.text))
    chosen = []
    original_span = folded.original_span
    for negative, start, number in hits:
        end = start - negative
        if taken.find(1, start, end) != -1:
            continue
        first, stop = original_span(start, end)
        values = admit(keys, number, text[first:stop], text, first)
        if values:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((first, stop, values))
    chosen.sort()  # by start: the spans do not overlap, so no two starts are equal
    return chosen


def _admitted(keys: NameIndex, number: int, surface: str, text: str, start: int) -> tuple:
    """The places a match of key ``number`` may name, by the rules of the module docstring."""
    if number not in keys.flags and surface[0].isupper():  # the usual: "Aleppo"
        if keys.lengths[number] >= 3 and not (len(surface) <= 3 and surface.isupper()):
            value = keys.values[number]
            return value if isinstance(value, tuple) else (value,)
        return ()
    entry = keys.entry(number)
    values = entry.values
    dotted = keys.abbreviated.get(number)
    if dotted is not None:
        if _is_abbreviation_at(entry, surface, text, start):
            return tuple(p for p in values if p.id in dotted)
        values = tuple(p for p in values if p.id not in dotted)
    lenient = (not entry.is_common or _is_title(surface)) and (
        not entry.is_acronym or surface.isupper()
    )
    strict = (
        entry.length >= 3
        and not entry.is_stop
        and _is_capitalised(surface)
        and not (len(surface) <= 3 and surface.isupper())  # HIV, SOS: acronyms, not places
        and _passes_common(entry, surface, text, start)
    )
    if lenient and strict:
        return values
    if not (lenient or strict):
        return ()
    return tuple(p for p in values if (lenient if p.kind in _LENIENT else strict))


def _is_abbreviation_at(entry: _Entry, surface: str, text: str, start: int) -> bool:
    """Whether ``surface`` at ``start`` is an abbreviation ("Fla.", "W.Va."): capitalised,
    its dot after it, and in the AP context when it is also a word (module docstring)."""
    end = start + len(surface)
    if text[end : end + 1] != "." or not surface[:1].isupper():
        return False
    key = surface.lower()
    if " " in key or "." in key or (entry.length >= 3 and key not in _WORDLIKE_ABBREVIATIONS):
        return True  # "W.Va", "N. Y", "Fla"
    before = text[max(0, start - 40) : start]
    return before.rstrip().endswith(",") or before.endswith(("D-", "R-", "I-"))


def _admitted_demonym(keys: NameIndex, number: int, surface: str, text: str, start: int) -> tuple:
    entry = keys.entry(number)
    if _is_capitalised(surface) and _passes_common(entry, surface, text, start):
        return entry.values
    return ()


_WORDS_RE = re.compile(r"[^\W_]+")
_OPENERS = "\"'“”‘’«»([{*•-–—"


def _is_capitalised(surface: str) -> bool:
    """The first word after any article starts with a capital or an uncased letter."""
    words = _WORDS_RE.findall(surface)
    for i, word in enumerate(words):
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        if not (after and is_article(word.lower(), after)):
            return not word[0].islower()
    return False


def _is_title(surface: str) -> bool:
    """Title case: a capital first, and not all capitals ("Hit", not "hit" or "HIT")."""
    return _is_capitalised(surface) and not surface.isupper()


def _passes_common(entry: _Entry, surface: str, text: str, start: int) -> bool:
    """A common English word names a place only in title case, not opening a sentence."""
    return not entry.is_common or (_is_title(surface) and not _opens_sentence(text, start))


def _opens_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and (text[index] in " \t" or text[index] in _OPENERS):
        index -= 1
    return index < 0 or text[index] in ".!?:;…\n\r"
