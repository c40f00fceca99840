"""Name folding: one place written many ways gives one key, and text keeps its offsets."""

import random

import pytest

from heritage.geoparse.folding import fold, fold_name
from heritage.geoparse.names import (
    COMMON_WORDS,
    STOP_WORDS,
    name_keys,
    normalise,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Et-Tanf", "At Tanf", "al-Tanf", "Tanf", "Al Tanf", "et Tanf"),
        ("Busra Esh-Sham", "Bosra al-Sham", "Bosra ash-Sham", "Busra ash Sham"),
        ("Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "Deir el-Zor", "Deir Zor"),
        ("Jisr al-Shughur", "Jisr ash-Shughur", "Jisr esh Shughur", "Jisr Shughur"),
        ("Sana'a", "Sanaa", "Sana’a", "Sanaʿa"),
        ("Maʿarrat al-Nuʿmān", "Ma'arrat an-Nu'man", "Maarrat al Numan", "Ma`arrat an Nu`man"),
        ("Kyiv Pechersk Lavra", "Kiev Pechersk Lavra", "Kyiv-Pechersk Lavra"),
    ],
    ids=lambda spellings: spellings[0],
)
def test_spellings_of_one_name_share_its_normal_key_and_are_found_by_its_keys(spellings):
    # The first spelling is the gazetteer's; a key of it must be a whole-word part of the
    # others. (A name written without its article does not find the spellings with one inside
    # it: "Jisr Shughur" does not find "Jisr al-Shughur"; GeoNames lists the article forms.)
    assert len({normalise(s) for s in spellings}) == 1
    keys = name_keys(spellings[0])
    for written in spellings:
        assert any(f" {key} " in f" {fold_name(written)} " for key in keys), written


def test_the_full_spelling_is_a_key_of_a_name_with_an_article():
    keys = name_keys("Deir ez-Zor")
    for written in ("Deir al-Zour", "Dayr az Zawr", "Deir Ezzor", "Deir ez Zour", "Deir Zor"):
        assert fold_name(written) in keys, written


def test_a_name_of_many_variant_words_keeps_its_first_spellings_in_order():
    # Deir, then 680 spellings of "ez-Zor Sheikh Tell": the first 512 spellings, in the order
    # of the words (the first word's spellings varying slowest), all start with "deir".
    keys = name_keys("Deir ez-Zor Sheikh Tell")
    assert len(keys) == 512
    assert "deir ez zor sheikh tell" in keys  # as written
    assert {"deir zor sheikh tell", "deir al zor shaykh tall", "deir al zawr cheikh tal"} <= keys
    assert all(key.startswith("deir ") for key in keys)
    assert "dayr zor sheikh tell" not in keys  # past the first 512


def test_the_article_is_not_stripped_from_running_text():
    # "at", "as", "an" and "el" are English and Spanish words: only names get article variants
    assert fold("He arrived at Tanf as an observer").text == "he arrived at tanf as an observer"
    assert normalise("At Tanf") == "tanf" and normalise("at home") == "at home"


def test_names_outside_the_arabic_world_can_keep_their_article():
    assert name_keys("El Paso", articles=False) == {"el paso"}
    assert "paso" in name_keys("El Paso")


def test_a_cyrillic_lookalike_inside_a_latin_word_becomes_latin():
    folded = fold_name("Sergei Vеrshinin")  # the "е" is CYRILLIC SMALL LETTER IE
    assert folded == "sergei vershinin" and folded.isascii()


def test_ukrainian_stays_cyrillic_and_a_latin_i_typed_in_it_becomes_cyrillic():
    assert fold_name("Київ") == "киів"
    assert fold_name("Киiв") == fold_name("Київ")  # Latin "i" among Cyrillic letters
    assert fold_name("КИЇВ") == fold_name("Київ")


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Ḥamāh", "hamah"),
        ("Ţarţūs", "tartus"),
        ("Lwów", "lwow"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("Ｈｏｍｓ", "homs"),  # fullwidth letters (NFKC)
        ("Saint-Denis_du.Sud", "saint denis du sud"),
        ("  Deir\tez-Zor \n", "deir ez zor"),
        ("Aleppo's citadel", "aleppo s citadel"),  # the possessive is a word of its own
        ("Qal'at Salah El-Din", "qalat salah el din"),
    ],
)
def test_folding_drops_marks_and_joins_words_with_one_space(written, folded):
    assert fold_name(written) == folded


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("تَدْمُر", "تدمر"),  # tashkeel
        ("تـدمـر", "تدمر"),  # tatweel
        ("أربيل", "اربيل"),  # alef with hamza
        ("إدلب", "ادلب"),
        ("ٱلرقة", "الرقة"),  # alef wasla
        ("سامراء", "سامرا"),  # a lone hamza
        ("حمى", "حمي"),  # alef maksura
        ("الرقة", "الرقه"),  # teh marbuta
        ("بامیان", "باميان"),  # Persian yeh
    ],
)
def test_arabic_script_variants_fold_together(written, same_as):
    assert fold_name(written) == fold_name(same_as)


def test_an_arabic_name_is_also_keyed_without_its_article():
    assert {"الحضر", "حضر"} <= name_keys("الحضر")
    assert normalise("الحضر") == "حضر"


def test_folded_spans_map_back_to_exact_original_spans():
    text = "ﬁrst Ｈｏｍｓ, then e\u0301 Vеrshinin’s tour of Sana'a and تَدْمُرُ; Київ."
    folded = fold(text)
    for word, original in [
        ("homs", "Ｈｏｍｓ"),
        ("vershinin", "Vеrshinin"),
        ("sanaa", "Sana'a"),
        ("تدمر", "تَدْمُرُ"),  # the span keeps the final damma
        ("киів", "Київ"),
    ]:
        start = folded.text.index(word)
        first, stop = folded.original_span(start, start + len(word))
        assert text[first:stop] == original


@pytest.mark.parametrize(
    "alphabet",
    [
        "ab Z9'’`_-.,  \n()s",  # ASCII but for curly apostrophes
        "aé ÉZ9'’_-.“”—…£ª\x97s",  # letters that fold to one ASCII letter, punctuation
    ],
)
def test_ascii_like_text_folds_as_any_other_text(alphabet):
    # Text in ASCII, or whose other characters have ASCII stand-ins, takes a faster path;
    # appending a Cyrillic word forces the other one.
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        fast, general = fold(text), fold(text + " ж")
        assert general.text in (fast.text + " ж", "ж")
        assert fast.offsets == general.offsets[: len(fast.text)]
        assert [fast.is_lower(i) for i in range(len(fast.text))] == [
            general.is_lower(i) for i in range(len(fast.text))
        ]
        for start in range(len(fast.text)):
            assert fast.original_span(start, len(fast.text)) == general.original_span(
                start, len(fast.text)
            )


def test_fold_name_folds_as_fold_does():
    rng = random.Random(11)
    alphabet = "aZé'’`s -.,ʿتж"
    for _ in range(3000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert fold_name(name) == fold(name).text, name


@pytest.mark.parametrize(
    "name", ["Deir ez-Zor", "تَدْمُر", "Київ", "Sana’a", "Vеrshinin", "St. John's", "Ḥamāh"]
)
def test_a_name_folds_the_same_alone_and_in_running_text(name):
    key = fold_name(name)
    assert key == fold(name).text
    assert f" {key} " in f" {fold(f'Near {name}, forces').text} "


def test_the_word_lists_are_lower_case_words_and_do_not_overlap():
    for word in STOP_WORDS | COMMON_WORDS:
        assert word == fold_name(word) and " " not in word
    assert not STOP_WORDS & COMMON_WORDS
    assert {"of", "will", "may", "march", "police"} <= STOP_WORDS
    assert {"homes", "said", "early", "bar", "hit"} <= COMMON_WORDS


@pytest.mark.parametrize(
    "text",
    [
        "Shelling near Homs 😀 and Hama",  # a character outside the BMP
        "Fire at a`b, then `Raqqa`",  # backticks join a word like an apostrophe
        "Ｈｏｍｓ and ｈａｍａ, “Palmyra” — al‑Tanf",  # full-width letters, quotes, dashes
        "Broken \ud800 text near Idlib",  # a lone surrogate from a bad decode
        "ª and º are letters without case",
    ],
)
def test_text_with_ascii_stand_ins_folds_as_the_general_path(text):
    # These characters all have ASCII stand-ins: the fast path must give what the general one
    # (forced by a Cyrillic word) gives, offsets and case included.
    fast, general = fold(text), fold(text + " ж")
    assert fast.text + " ж" == general.text
    assert fast.offsets == general.offsets[: len(fast.text)]
    assert [fast.is_lower(i) for i in range(len(fast.text))] == [
        general.is_lower(i) for i in range(len(fast.text))
    ]


def test_a_span_outside_the_folded_text_is_an_index_error():
    folded = fold("Homs, Hama")
    with pytest.raises(IndexError):
        folded.original_span(5, 40)
    with pytest.raises(IndexError):
        folded.original_span(-1, 3)
