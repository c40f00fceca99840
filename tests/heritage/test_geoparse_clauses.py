"""Headlines that pack several events into one sentence: the event's own clause places it.

`clauses.deadly_clauses` cuts a sentence into clauses and gives those that report deaths;
`roles.place_role` reads attack verbs, origins, backers, roads and bracketed names;
`roles.precisely_placed` finds a place given down to its country. Made-up gazetteer rows at
the towns' real points.
"""

import pytest

from heritage.geoparse.clauses import deadly_clauses
from heritage.geoparse.cues import read_event, sentences
from heritage.geoparse.gazetteer import Gazetteer, Place, PlaceKind
from heritage.geoparse.parse import extract_events
from heritage.geoparse.roles import containers, place_role, precisely_placed

TOWN = PlaceKind.POPULATED
PLACES = [
    Place("gn:163843", "Syria", 38.5, 35.0, PlaceKind.COUNTRY, "SY"),
    Place("gn:169577", "Homs", 36.72, 34.73, TOWN, "SY", population=775_000),
    Place("gn:170017", "Hama", 36.75, 35.13, TOWN, "SY", population=460_000),
    Place("gn:170063", "Aleppo", 37.16, 36.20, TOWN, "SY", population=1_600_000),
    Place("gn:166365", "Manbij", 37.95, 36.53, TOWN, "SY", population=100_000),
    Place("gn:174153", "Kobani", 38.36, 36.89, TOWN, "SY", population=45_000),
    Place("gn:170654", "Damascus", 36.29, 33.51, TOWN, "SY", population=1_570_000),
    Place("gn:173334", "Khan Shaykhun", 36.64, 35.44, TOWN, "SY", population=34_000),
    Place("gn:173576", "Latakia", 35.78, 35.52, TOWN, "SY", population=340_000),
    Place("gn:323786", "Ankara", 32.85, 39.92, TOWN, "TR", population=3_500_000),
]  # fmt: skip


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.build([], PLACES)


def _event_place(text: str, gazetteer: Gazetteer) -> str:
    (event,) = extract_events(text, gazetteer).events
    return event.place.place.name


def _deadly(text: str, *names: str, located: tuple[str, ...] = ()) -> list[str]:
    (sentence,) = sentences(text)
    starts = [text.index(name) for name in names]
    lines = [text.index(name) for name in located]
    return [text[a:b] for a, b in deadly_clauses(sentence, read_event(text), starts, lines)]


def test_the_clause_that_reports_deaths_is_the_one_with_the_casualties():
    text = "Shelling targets Homs and human losses during clashes in Hama"

    assert _deadly(text, "Homs", "Hama") == ["human losses during clashes in Hama"]


def test_no_clause_stands_out_when_every_one_or_none_reports_deaths():
    assert (
        _deadly("17 rebels killed in Hama and IS kills a commander in Homs", "Hama", "Homs") == []
    )
    assert _deadly("Bombardment targets Hama and continued clashes in Homs", "Hama", "Homs") == []


def test_places_in_a_list_stay_in_one_clause():
    assert _deadly("Casualties in Hama and Homs", "Hama", "Homs") == []


def test_casualties_tied_by_and_to_more_casualties_belong_to_the_clause_after_them():
    text = "Barrel bombs on Hama and casualties and injuries in bombing on Homs"

    assert _deadly(text, "Hama", "Homs") == ["casualties and injuries in bombing on Homs"]


def test_casualties_with_no_place_after_a_semicolon_are_another_headline():
    text = "Raids target Hama and clashes in Homs;18 were killed yesterday"

    assert _deadly(text, "Hama", "Homs") == []


def test_a_line_that_only_says_where_belongs_to_the_clause_before_it():
    text = "Clashes in Homs;A massacre in Aleppo;October 5th 2017: Manbij, Aleppo, Syria"

    assert _deadly(text, "Homs", "Aleppo", "Manbij", located=("Manbij",)) == [
        "A massacre in Aleppo;October 5th 2017: Manbij, Aleppo, Syria"
    ]


def test_the_event_is_placed_in_the_clause_that_reports_the_deaths(gazetteer):
    text = "Clashes in the countryside of Hama and a woman killed in the outskirts of Homs"

    assert _event_place(text, gazetteer) == "Homs"


def test_a_place_given_down_to_its_country_places_the_event(gazetteer):
    text = "A massacre by warplanes in Aleppo;October 5th 2017: Manbij, Aleppo, Syria"
    mentions = [m for m in gazetteer.find(text)]

    assert precisely_placed(containers(text, mentions)) == {text.index("Manbij")}
    assert _event_place(text, gazetteer) == "Manbij"


def test_the_object_of_an_attack_verb_is_where_it_happened(gazetteer):
    text = "Bombardment targets Aleppo and continued clashes in Latakia countryside"

    assert _event_place(text, gazetteer) == "Aleppo"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("A fighter of Manbij was killed in clashes at Aleppo", "Aleppo"),
        ("Clashes near Kobani left 3 dead among pro-Ankara factions", "Kobani"),
        ("Clashes on the highway of Damascus – Aleppo near Khan Shaykhun", "Khan Shaykhun"),
        ("Heavy clashes near the Damascus-Aleppo highway at Khan Shaykhun", "Khan Shaykhun"),
    ],
)
def test_origins_backers_and_the_towns_a_road_joins_do_not_place_the_event(gazetteer, text, place):
    assert _event_place(text, gazetteer) == place


def test_a_name_in_brackets_plays_the_part_of_the_name_before_it(gazetteer):
    text = "Shelling hit Manbij as a column moved towards Ayn al-Arab (Kobani)"
    (sentence,) = sentences(text)
    readings = [r for r, _ in extract_events(text, gazetteer).mentions]
    kobani = next(r for r in readings if r.mention.surface == "Kobani")

    assert place_role(text, sentence, kobani, readings).score == -3.0
    assert _event_place(text, gazetteer) == "Manbij"
