"""Matching keys for place names: the spellings of one name that folding cannot equate.

Text and names are folded by :mod:`heritage.geoparse.folding` (case, diacritics, apostrophes,
lookalike letters, Arabic-script forms). The Arabic article is not folded away in running text,
where ``at``, ``an``, ``as`` and ``el`` are ordinary words. Instead :func:`name_keys` lists each
name with every written form of its article (``al``, ``el``, the sun-letter forms
``at``/``et``/``ash``/``esh``... that match the next word, joined forms like ``ezzor``, and
none), so an automaton over the keys finds ``Et-Tanf``, ``At Tanf``, ``al-Tanf`` and ``Tanf``
alike. :func:`normalise` gives one key per name, with the articles removed, for look-ups and
de-duplication. Spellings that folding cannot equate ("Deir"/"Dayr", "Zor"/"Zawr",
"Kyiv"/"Kiev") come from the small table :data:`VARIANTS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from heritage.geoparse.folding import FoldedText, fold, fold_name
from heritage.geoparse.words import COMMON_WORDS, STOP_WORDS

__all__ = [
    "ARTICLES",
    "COMMON_WORDS",
    "STOP_WORDS",
    "VARIANTS",
    "FoldedText",
    "fold",
    "fold_name",
    "is_abbreviation",
    "is_article",
    "keys_of_names",
    "name_keys",
    "normalise",
]

# --- the Arabic article -------------------------------------------------------------------------

# Letters the article assimilates to ("sun letters"), as they begin a transliterated word;
# digraphs first. "ch" is the French spelling of ش (Busra ech-Cham).
_SUN = ("th", "dh", "sh", "ch", "zh", "t", "d", "r", "z", "s", "n", "l")
_PLAIN_ARTICLES = ("al", "el", "il", "ul")
ARTICLES = frozenset(
    _PLAIN_ARTICLES + tuple(v + s for v in "aeiu" for s in _SUN) + ("ech", "esh", "ach")
)
_ARABIC_ARTICLE = "ال"
_MAX_KEYS = 512  # a name with many articles and variant words: keep the first 512 spellings

# Words the folding cannot equate, in the spellings that occur in place names. Each group is
# one word; the first spelling is canonical for normalise(). Only used inside names of two or
# more words (where they are generic terms or well-known parts); single-word names get their
# variants from the gazetteer's own alternate names.
VARIANTS: tuple[tuple[str, ...], ...] = (
    # Arabic generic terms: BGN/PCGN romanisation (GeoNames' main form) vs. press spellings
    ("deir", "dayr", "der", "dair"),  # monastery: Deir ez-Zor = Dayr az Zawr
    ("zor", "zour", "zawr", "zur"),  # Deir ez-Zor, Deir al-Zour, Dayr az Zawr
    ("sheikh", "shaykh", "sheik", "cheikh", "shaikh"),  # Sheikh Maqsoud, Khan Shaykhun
    ("tell", "tall", "tal", "tel"),  # mound: Tell Abyad = Tall Abyad = Tal Abyad
    ("jebel", "jabal", "jabel", "gebel", "djebel"),  # mountain: Jebel Barkal = Gebel Barkal
    ("beit", "bayt", "bait", "beyt"),  # house: Beit Jinn, Bayt Lahm
    ("kafr", "kfar", "kefr", "kfr"),  # village: Kafr Nabl, Kfar Nabel
    ("qalat", "qalaat", "kalaat", "qalaa"),  # castle: Qal'at al-Hisn
    ("wadi", "ouadi", "wady"),  # valley: Wadi Qadisha = Ouadi Qadisha
    ("ain", "ayn", "ein"),  # spring: Ras al-Ain = Ra's al 'Ayn
    ("abu", "abou"),  # father of: Abu Kamal = Abou Kamal
    ("umm", "um", "oum"),  # mother of: Umm Qasr
    ("souq", "suq", "souk"),  # market
    ("sham", "cham"),  # Busra ash-Sham = Bosra ech-Cham
    ("bosra", "busra"),  # Bosra ash-Sham = Busra Esh-Sham
    # Ukrainian vs. Russian-based romanisation, inside compound names (Kyiv Pechersk Lavra)
    ("kyiv", "kiev"),
    ("kharkiv", "kharkov"),
    ("odesa", "odessa"),
)
_VARIANT_GROUP = {spelling: group for group in VARIANTS for spelling in group}
_VARIANT_WORDS = frozenset(_VARIANT_GROUP)


# An abbreviation with its dots: "Fla.", "W.Va.", "N. Y." (AP style for US states).
_ABBREVIATION_RE = re.compile(r"(?:[A-Z][a-z]{0,4}\. ?)*[A-Z][a-z]{0,4}\.")


def is_abbreviation(name: str) -> bool:
    """Whether ``name`` is an abbreviation written with its dots ("Fla.", "W.Va.", "N. Y."):
    folding drops the dots, so the recogniser checks that the dot follows a match
    (:mod:`heritage.geoparse.name_index`)."""
    return _ABBREVIATION_RE.fullmatch(name) is not None


def is_article(word: str, next_word: str) -> bool:
    """Whether folded ``word`` is a form of the Arabic article before folded ``next_word``."""
    if word in _PLAIN_ARTICLES:
        return True
    if word not in ARTICLES or not next_word:
        return False
    consonant = word[1:]
    if consonant == "ch":
        return next_word.startswith(("ch", "sh"))
    return next_word.startswith(consonant) and next_word != consonant


def _article_forms(next_word: str) -> list[tuple[str, int]]:
    """Every written form of the article before ``next_word``, with how many words it takes
    up: 1 for a form of its own ('' is no article), 2 for a form joined to the next word."""
    forms = [("", 1)] + [(form, 1) for form in _PLAIN_ARTICLES]
    sun = next((s for s in _SUN if next_word.startswith(s) and len(next_word) > len(s)), None)
    if sun and sun != "l":
        forms += [(v + sun, 1) for v in "aeu"]
        if sun in ("sh", "ch"):
            forms += [("ech", 1), ("esh", 1)]
        # joined: Deir Ezzor, Addour
        forms += [(v + sun[-1] + next_word, 2) for v in "ae"]
    return forms


def _choices(
    words: list[str], *, articles: bool, arabic: bool, variants: bool
) -> list[list[tuple[str, int]]]:
    """For each word, the spellings it may take in a key ('' drops it), with the number of
    words each takes up."""
    choices = []
    many = len(words) > 1
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if articles and after and is_article(word, after):
            choices.append(_article_forms(after))
        elif arabic and word.startswith(_ARABIC_ARTICLE) and len(word) > 3:
            choices.append([(word, 1), (word[2:], 1)])
        elif variants and many and word in _VARIANT_GROUP:
            choices.append([(spelling, 1) for spelling in _VARIANT_GROUP[word]])
        else:
            choices.append([(word, 1)])
    return choices


def name_keys(
    name: str, *, articles: bool = True, variants: bool = True, arabic_articles: bool | None = None
) -> set[str]:
    """Every folded spelling of ``name`` that should find it in folded text.

    Parameters
    ----------
    name : str
        A place name as written anywhere (``"Deir ez-Zor"``, ``"تدمر"``).
    articles : bool
        List the forms of the Arabic article (Latin and Arabic script): each form that fits
        the next word, joined, and none. Off for names outside the Arabic-speaking world, where
        "El" and "Al" are other words (El Paso).
    variants : bool
        Spell the words of multi-word names every way :data:`VARIANTS` lists.
    arabic_articles : bool, optional
        Also key Arabic-script names without ``ال`` (default: as ``articles``). Without a
        case to tell names from words, "مدينة" (a city) would find "المدينة" (Medina).

    Returns
    -------
    set of str
        The folded name and its other spellings; empty for a name with no letters or digits.
        A spelling that lost its article keeps at least 3 characters.

    Examples
    --------
    >>> sorted(k for k in name_keys("Et-Tanf"))[:5]
    ['al tanf', 'at tanf', 'el tanf', 'et tanf', 'il tanf']
    """
    folded = fold_name(name)
    arabic = articles if arabic_articles is None else arabic_articles
    if not folded:
        return set()
    return _spell(folded, articles=articles, arabic=arabic, variants=variants)


def _spell(folded: str, *, articles: bool, arabic: bool, variants: bool) -> set[str]:
    """:func:`name_keys` of a name already folded."""
    words = folded.split(" ")
    if (
        not (articles and not ARTICLES.isdisjoint(words[:-1]))
        and not (arabic and _ARABIC_ARTICLE in folded)
        and not (variants and len(words) > 1 and not _VARIANT_WORDS.isdisjoint(words))
    ):
        return {folded}  # most names: nothing else to spell
    choices = _choices(words, articles=articles, arabic=arabic, variants=variants)
    keys = {folded}
    keys.update(key for key in _spellings(choices) if len(key) >= 3)
    return keys


def keys_of_names(
    names: Iterable[str], *, articles: bool, variants: bool, arabic_articles: bool
) -> set[str]:
    """The union of :func:`name_keys` of ``names`` (one loop: a gazetteer folds a million)."""
    keys: set[str] = set()
    add = keys.add
    spelled = articles or variants or arabic_articles
    for name in names:
        folded = fold_name(name)
        if not folded:
            continue
        if spelled and (" " in folded or folded.startswith(_ARABIC_ARTICLE)):
            keys |= _spell(folded, articles=articles, arabic=arabic_articles, variants=variants)
        else:
            add(folded)  # one word without an article, or nothing to spell: the usual case
    return keys


def _spellings(choices: list[list[tuple[str, int]]]) -> list[str]:
    """The first :data:`_MAX_KEYS` spellings of the words (their choices' words joined by
    spaces, '' left out), the choices of the first word varying slowest.

    Built from the last word back: the spellings from word ``i`` on are each choice of word
    ``i`` before each spelling from the word after it. The first ``_MAX_KEYS`` from word
    ``i`` on need only the first ``_MAX_KEYS`` from any later word, so each list is cut there.
    """
    count = len(choices)
    spelled: list[list[str]] = [[] for _ in range(count)] + [[""]]  # from word i on
    for i in range(count - 1, -1, -1):
        here = spelled[i]
        for word, taken in choices[i]:
            rest = spelled[min(i + taken, count)]
            if not word:
                here.extend(rest)
            else:
                here.extend([f"{word} {after}" if after else word for after in rest])
            if len(here) >= _MAX_KEYS:
                del here[_MAX_KEYS:]
                break
    return spelled[0]


def normalise(name: str) -> str:
    """One key per name, for look-ups and de-duplication: folded, articles removed, variant
    words in their canonical spelling.

    >>> normalise("Deir al-Zour") == normalise("Dayr az Zawr") == "deir zor"
    True
    """
    words = fold_name(name).split(" ")
    kept = []
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if after and is_article(word, after):
            continue
        if word.startswith(_ARABIC_ARTICLE) and len(word) > 3:
            word = word[2:]
        group = _VARIANT_GROUP.get(word)
        kept.append(group[0] if group else word)
    return " ".join(kept)
