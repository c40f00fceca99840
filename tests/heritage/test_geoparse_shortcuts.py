"""The shortcuts the geoparser takes for speed read a report as the plain rules do.

`parse` finds the sentence of a name by bisecting the sentences' starts (they must be in
order and must not overlap); `parse` finds the word before a name on the reversed text and
where a sentence opens without an end-anchored search, which must find what the plain
patterns find; `roles.check_parts` checks every reading in one pass; `resolve` skips the
geodesic for an anchor farther in latitude than closeness can reach, or farther in a straight
line through the Earth, and keeps what it works out of a place or a name only for that very
object.
"""

import json
import re
from pathlib import Path

import pytest

from heritage.geo import GEOD
from heritage.geoparse.cues import sentences
from heritage.geoparse.gazetteer import Gazetteer, Place, PlaceKind
from heritage.geoparse.parse import _opens, _word_before, extract_events
from heritage.geoparse.roles import check_part, check_parts

TEAM = Path(__file__).resolve().parents[1] / "data" / "geoparse" / "team_reports.json"
TOWN = PlaceKind.POPULATED
PLACES = [
    Place("gn:281102", "Gaza", 34.47, 31.5, TOWN, "PS", population=410_000),
    Place("gn:281141", "Rafah", 34.25, 31.29, TOWN, "PS", population=126_305),
    Place("gn:9999101", "Tell es-Sultan", 35.44, 31.87, PlaceKind.FACILITY, "PS",
          names=("Tal as-Sultan",)),
    # Made-up towns on one meridian: Beta 2.6 degrees of latitude north of Alpha (about
    # 288 km), Gamma 2.8 degrees south of it (about 310 km).
    Place("gn:9999201", "Alpha", 20.0, 10.0, TOWN, "SD", population=200_000),
    Place("gn:9999202", "Beta", 20.0, 12.6, TOWN, "SD", population=200_000),
    Place("gn:9999203", "Gamma", 20.0, 7.2, TOWN, "SD", population=200_000),
    # On one parallel, where a degree of longitude is about 56 km: Epsilon about 299 km east
    # of Delta, Zeta about 304 km west of it.
    Place("gn:9999301", "Delta", 10.0, 60.0, TOWN, "NO", population=200_000),
    Place("gn:9999302", "Epsilon", 15.35, 60.0, TOWN, "NO", population=200_000),
    Place("gn:9999303", "Zeta", 4.55, 60.0, TOWN, "NO", population=200_000),
]  # fmt: skip


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.build([], PLACES)


def _texts() -> list[str]:
    return [item["text"] for item in json.loads(TEAM.read_text("utf-8"))] + [
        "Headline Over Two Lines\nAnd A Second\n\nThe body. Dr. Smith said so.\n",
        '"Why?" he asked. "Because," she said... No. 5 was hit.\n\n\n',
        "",
    ]


@pytest.mark.parametrize("text", _texts())
def test_sentences_are_in_order_and_do_not_overlap(text):
    spans = sentences(text)

    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert all(span.start < span.end for span in spans)


@pytest.mark.parametrize(
    "before",
    [
        "forces loyal to the government attacked in the area of ",
        "President Vladimir ",
        "the so-called al-",
        "Ahmed Ash-",
        "line one ends\nin the town of \n",
        "it’s near O’Brien ",
        "  ",
        "word",
        "trailing-dash-",
        "two  spaces ",
        "ends with a dash-\n",
        "line break only\n",
    ],
)
def test_the_word_before_a_name_is_the_one_the_plain_pattern_finds(before):
    plain = re.search(r"([\w'’-]+)[ -]$", before)

    assert _word_before(before) == (plain and (plain.group(1), plain.start()))


@pytest.mark.parametrize(
    "head",
    ["", " ", "Fighting.", "Fighting. ", "Fighting.\n", "line\n  ", "one: ", "a b", "x;\t",
     "ends with a space ", "stop.\u00a0", "\n", "two\n\nlines", "so?  "],
)  # fmt: skip
def test_where_a_sentence_opens_is_where_the_plain_pattern_finds_it(head):
    plain = re.search(r"(^|[.!?:;]\s+|\n\s*)$", head) is not None

    assert _opens(head) is plain


@pytest.mark.parametrize(
    "text",
    [
        "An air strike hit the Tal as-Sultan area of western Rafah, killing 45 people.",
        "Shelling in Gaza and Rafah; the Tal as-Sultan area of Gaza was hit, and Rafah again.",
    ],
)
def test_checking_parts_in_one_pass_reads_as_checking_each_alone(gazetteer, text):
    readings = [r for r, _ in extract_events(text, gazetteer).mentions]

    assert check_parts(text, readings) == [check_part(text, r, readings) for r in readings]


def test_a_place_just_within_reach_in_latitude_counts_as_around_and_one_beyond_does_not(
    gazetteer,
):
    text = "Clashes were reported in Alpha on Monday. Troops moved through Beta and Gamma."

    alpha = next(
        r for r, _ in extract_events(text, gazetteer).mentions if r.mention.surface == "Alpha"
    )

    metres = GEOD.inv(20.0, 10.0, 20.0, 12.6)[2]
    assert 250_000 < metres < 300_000 < GEOD.inv(20.0, 10.0, 20.0, 7.2)[2]
    assert [why for why in alpha.why if "also named" in why] == [
        f"{metres / 1000:.0f} km from Beta, also named"
    ]


def _around(gazetteer, text: str, surface: str) -> list[str]:
    reading = next(
        r for r, _ in extract_events(text, gazetteer).mentions if r.mention.surface == surface
    )
    return [why for why in reading.why if "also named" in why]


def test_a_place_just_within_reach_along_a_parallel_counts_as_around_and_one_beyond_not(
    gazetteer,
):
    within = GEOD.inv(10.0, 60.0, 15.35, 60.0)[2]
    beyond = GEOD.inv(10.0, 60.0, 4.55, 60.0)[2]
    assert 295_000 < within < 300_000 < beyond < 305_000

    assert _around(gazetteer, "Clashes in Delta. Troops left Epsilon.", "Delta") == [
        f"{within / 1000:.0f} km from Epsilon, also named"
    ]
    assert _around(gazetteer, "Clashes in Delta. Troops left Zeta.", "Delta") == []


def test_what_is_kept_of_a_place_is_read_again_for_another_place_of_the_same_id():
    text = "Clashes in Alpha. Troops left Beta."
    small = Place("gn:9999201", "Alpha", 20.0, 10.0, TOWN, "SD", population=2_000)
    beta = Place("gn:9999202", "Beta", 20.0, 12.6, TOWN, "SD", population=200_000)

    first = extract_events(text, Gazetteer.build([], PLACES))
    second = extract_events(text, Gazetteer.build([], [small, beta]))

    def population(extraction):
        reading = next(r for r, _ in extraction.mentions if r.mention.surface == "Alpha")
        return [why for why in reading.why if why.startswith("population")]

    assert population(first) == ["population 200,000"]
    assert population(second) == ["population 2,000"]
