"""The screen before the cue patterns (cue_screen) passes over only sentences in which the
trigger expression finds nothing, so reading a report's cues through it changes nothing."""

import json
from pathlib import Path

import pytest

from heritage.geoparse.alternation import literal_prefixes
from heritage.geoparse.cue_screen import may_hold_cues
from heritage.geoparse.cues import read_event, read_events, sentences
from heritage.geoparse.lexicon import regexes, scan_text

TEAM = Path(__file__).resolve().parents[1] / "data" / "geoparse" / "team_reports.json"
# Sentences that open on a trigger after no space, after the openers, inside words, with
# letters outside ASCII, and one with no trigger at all.
TRICKY = (
    "Airstrikes hit Idlib.Shelling followed.\n"
    "“Shelling” was reported; «raids» and (clashes) and [looting] and -bombing- went on.\n"
    "Counter-attacks, air-strikes and car bombs: İstanbul’s quiet Café was untouched.\n"
    "The committee met in the capital to discuss the budget.\n"
    "Five people were killed\u00a0and\u2009dozens wounded near the border.\n"
    "Over 20 civilians died.Fighters blew it up.\tRockets fell."
)


def _texts() -> list[str]:
    return [item["text"] for item in json.loads(TEAM.read_text("utf-8"))] + [TRICKY, ""]


def _finds_something(sentence: str) -> bool:
    return next(regexes().trigger.finditer(scan_text(sentence)), None) is not None


@pytest.mark.parametrize("text", _texts())
def test_every_sentence_the_trigger_expression_finds_something_in_is_read(text):
    spans = sentences(text)

    flags = may_hold_cues(text, spans)

    assert len(flags) == len(spans)
    assert [
        s.text for s, f in zip(spans, flags, strict=True) if _finds_something(s.text) and not f
    ] == []


@pytest.mark.parametrize("text", _texts())
def test_reading_a_reports_cues_through_the_screen_reads_each_sentence_alike(text):
    spans = sentences(text)

    assert read_events(text, spans, published_year=2016) == [
        read_event(s.text, published_year=2016) for s in spans
    ]


def test_a_sentence_without_a_trigger_is_passed_over_and_one_opening_on_a_trigger_is_read():
    text = "The committee met in the capital.\nShelling followed. Nobody came."

    assert may_hold_cues(text, sentences(text)) == [False, True, False]


@pytest.mark.parametrize(
    ("pattern", "prefixes"),
    [
        ("bl(?:ew|own) up", {"blew up", "blown up"}),
        ("air[- ]?strikes?", {"air strike", "air-strike", "airstrike"}),
        ("kill\\w*|killed", {"kill"}),  # a prefix of another makes it redundant
        ("(?:vb)?ieds?", {"ied", "vbied"}),
        ("strike(?<!on strike)s?(?! (?:a|an) deal)", {"strike"}),  # lookarounds passed over
        ("jets?(?: \\w+){0,2}? struck", {"jet"}),
        ("a+b", {"a"}),
        ("[a-z]x", {""}),  # a range: a match may start with anything
    ],
)
def test_literal_prefixes_start_every_match(pattern, prefixes):
    assert literal_prefixes(pattern) == prefixes
