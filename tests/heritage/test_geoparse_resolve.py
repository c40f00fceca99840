"""Which place a name means, and which place of a sentence is where the event was.

A small gazetteer of real places (GeoNames points and populations, rounded) and the
first-level units of the package, so that each rule is seen on the collision it is for.
"""

import pytest

from heritage.geoparse.admin import admin_places, unit_names
from heritage.geoparse.gazetteer import Gazetteer, Place, PlaceKind
from heritage.geoparse.parse import extract_events

COUNTRY, TOWN = PlaceKind.COUNTRY, PlaceKind.POPULATED
PLACES = [
    Place("gn:99237", "Iraq", 43.8, 33.0, COUNTRY, "IQ", population=38_433_600),
    Place("gn:163843", "Syria", 38.5, 35.0, COUNTRY, "SY", population=16_906_283),
    Place("gn:2215636", "Libya", 17.0, 27.0, COUNTRY, "LY", population=6_678_567),
    Place("gn:298795", "Turkey", 35.0, 39.0, COUNTRY, "TR", population=82_319_724),
    Place("gn:690791", "Ukraine", 31.4, 49.0, COUNTRY, "UA", population=40_000_000),
    Place("gn:69543", "Yemen", 47.5, 15.5, COUNTRY, "YE", population=28_498_687),
    Place("gn:6254930", "Palestine", 35.2, 31.9, COUNTRY, "PS", population=4_569_087),
    Place("gn:294640", "Israel", 34.9, 31.5, COUNTRY, "IL", population=8_883_800),
    Place("gn:357994", "Egypt", 30.0, 26.0, COUNTRY, "EG", population=98_423_595),
    Place("gn:6252001", "United States", -98.5, 39.8, COUNTRY, "US", population=327_167_434),
    Place("gn:388349", "Ramadi", 43.3, 33.42, TOWN, "IQ", population=223_500),
    Place("gn:99072", "Mosul", 43.12, 36.34, TOWN, "IQ", population=1_683_000),
    Place("gn:94298", "Sinjār", 41.87, 36.32, TOWN, "IQ", population=38_000),
    Place("gn:163270", "Sinjār", 36.93, 35.86, TOWN, "SY", population=0),
    Place("gn:320392", "Ambar", 40.45, 37.9, TOWN, "TR", population=2_600, names=("Anbar",)),
    Place("gn:750598", "Bünyan", 35.86, 38.85, TOWN, "TR", population=12_821, names=("Bunyan",)),
    Place("gn:2210554", "Sirte", 16.59, 31.21, TOWN, "LY", population=106_705, names=("Surt",)),
    Place("gn:2214846", "Misratah", 15.09, 32.38, TOWN, "LY", population=355_657,
          names=("Misrata",)),
    Place("gn:361058", "Alexandria", 29.92, 31.2, TOWN, "EG", population=3_811_516),
    Place("gn:4744091", "Alexandria", -77.05, 38.8, TOWN, "US", "VA", 150_575),
    Place("gn:703448", "Kyiv", 30.52, 50.45, TOWN, "UA", population=2_952_301, names=("Kiev",)),
    Place("gn:709717", "Donetsk", 37.8, 48.02, TOWN, "UA", population=929_063),
    Place("gn:711660", "Bucha", 30.22, 50.55, TOWN, "UA", population=42_279),
    Place("gn:78754", "Mukalla", 49.12, 14.54, TOWN, "YE", population=594_951),
    Place("gn:170592", "Tadmur", 38.28, 34.56, TOWN, "SY", population=51_323, names=("Palmyra",)),
    Place("gn:281102", "Gaza", 34.47, 31.5, TOWN, "PS", population=410_000),
    Place("gn:281141", "Rafah", 34.25, 31.29, TOWN, "PS", population=126_305),
    Place("gn:7303419", "An Nuşayrāt", 34.39, 31.45, TOWN, "PS", names=("Nuseirat",)),
    Place("gn:293397", "Tel Aviv", 34.78, 32.08, TOWN, "IL", population=432_892),
    Place("gn:5298046", "Goodyear", -112.36, 33.44, TOWN, "US", "AZ", 79_003, names=("Egypt",)),
    Place("gn:4156404", "Gainesville", -82.32, 29.65, TOWN, "US", "FL", 145_214),
    Place("gn:4196586", "Gainesville", -83.82, 34.3, TOWN, "US", "GA", 40_983),
    Place("gn:4180439", "Atlanta", -84.39, 33.75, TOWN, "US", "GA", 498_715),
    Place("gn:5134086", "Rochester", -77.61, 43.15, TOWN, "US", "NY", 211_328),
    Place("gn:4930956", "Boston", -71.06, 42.36, TOWN, "US", "MA", 667_137),
    Place("gn:5128581", "New York City", -74.01, 40.71, TOWN, "US", "NY", 8_804_190,
          names=("New York",)),
    Place("gn:614540", "Georgia", 43.5, 42.0, COUNTRY, "GE", population=3_704_500),
    Place("gn:611717", "Tbilisi", 44.79, 41.69, TOWN, "GE", population=1_049_498),
    Place("gn:943882", "Virginia", 26.87, -28.1, TOWN, "ZA", "03", 122_502),
    # Namesakes in New York state, made-up ids: a hamlet far smaller than Boston, and Palmyra.
    Place("gn:9999104", "Boston", -78.75, 42.63, TOWN, "US", "NY", 8_049),
    Place("gn:9999105", "Palmyra", -77.23, 43.06, TOWN, "US", "NY", 7_500),
    # Two districts of one name: Kyiv's, and a made-up twin in Kharkiv that is larger.
    Place("gn:9999102", "Shevchenkivskyi", 30.5, 50.45, TOWN, "UA", population=220_000,
          names=("Shevchenkivskyi district",)),
    Place("gn:9999103", "Shevchenkivskyi", 36.2, 50.0, TOWN, "UA", population=300_000,
          names=("Shevchenkivskyi district",)),
    # Tell es-Sultan, ancient Jericho: what "Tal as-Sultan" (a quarter of Rafah) also spells.
    Place("gn:9999101", "Tell es-Sultan", 35.44, 31.87, PlaceKind.FACILITY, "PS",
          names=("Tal as-Sultan",)),
]  # fmt: skip


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.build([], [*PLACES, *admin_places(["IQ", "SY", "UA", "YE", "PS", "US"])])


def event_places(gazetteer, text):
    return [event.place.place.name for event in extract_events(text, gazetteer).events]


def reading(gazetteer, text, surface):
    extraction = extract_events(text, gazetteer)
    return next(r for r, _ in extraction.mentions if r.mention.surface == surface)


# --- administrative units ----------------------------------------------------------------------


def test_a_unit_has_its_curated_name_and_the_name_with_each_word_of_a_unit():
    names = unit_names("Donetska", "region", ("Donetsk",))

    assert names[0] == "Donetsk"
    assert {"Donetska", "Donetsk region", "Donetsk oblast", "Donetsk Oblast"} <= set(names)
    assert "Donetsk province" in names


def test_a_unit_named_like_a_region_or_an_ordinary_word_needs_the_word_of_a_unit():
    assert "Crimea" not in unit_names("Crimea", "republic", (), regions={"crimea"})
    north = unit_names("North", "governorate")
    assert "North" not in north and "North governorate" in north


def test_units_come_with_iso_codes_points_and_no_wards_or_parishes():
    units = {p.id: p for p in admin_places(["IQ", "EE"])}

    anbar = units["adm:IQ-AN"]
    assert anbar.name == "Anbar" and anbar.kind is PlaceKind.ADMIN1 and anbar.country == "IQ"
    assert "Al Anbar" in anbar.names and "Anbar province" in anbar.names
    assert 40 < anbar.lon < 44 and 31 < anbar.lat < 35
    assert anbar.precision_m == 100_000.0
    # Estonia's 15 counties, not its 79 municipalities (towns the gazetteer has already)
    assert sum(p.country == "EE" for p in units.values()) == 15


# --- which place a name means ------------------------------------------------------------------


def test_a_province_named_in_a_story_about_its_country_is_the_province(gazetteer):
    found = reading(gazetteer, "A car bomb killed 13 soldiers in Anbar, Iraq.", "Anbar")

    assert found.place.id == "adm:IQ-AN"
    assert "a province or state" in found.why


def test_a_town_that_shares_its_provinces_name_is_the_town(gazetteer):
    town = reading(gazetteer, "Shelling hit Donetsk on Monday.", "Donetsk")
    unit = reading(gazetteer, "Shelling hit villages in the Donetsk region.", "Donetsk region")

    assert town.place.kind is PlaceKind.POPULATED
    assert unit.place.id == "adm:UA-14"


def test_a_small_foreign_town_is_no_reading_in_a_story_about_other_countries(gazetteer):
    text = (
        "Forces of Libya's unity government took the last buildings held by Islamic State in "
        "Sirte. Fighters of the al-Bunyan al-Marsous operation, most of them from Misrata, "
        "cleared the seafront after air strikes."
    )

    surfaces = {r.mention.surface for r, _ in extract_events(text, gazetteer).mentions}

    assert "Bunyan" not in surfaces
    assert {"Sirte", "Misrata"} <= surfaces


def test_a_place_near_the_others_beats_a_second_countrys_votes(gazetteer):
    text = (
        "Islamic State fighters swept into Sinjar on Sunday, killing men and abducting women. "
        "The district lies close to the border with Syria, west of Mosul. Syria's war spilled "
        "over."
    )

    found = reading(gazetteer, text, "Sinjar")

    assert found.place.country == "IQ"
    assert any("from Mosul" in why for why in found.why)


def test_a_countrys_own_name_means_the_country_not_a_town_it_is_another_name_of(gazetteer):
    text = "Visitors from Egypt toured Gainesville and Goodyear this week."

    assert reading(gazetteer, text, "Egypt").place.kind is PlaceKind.COUNTRY


def test_a_town_named_with_its_state_is_the_town_in_that_state(gazetteer):
    text = (
        "Two people were shot in Gainesville, Georgia, on Friday, police in the United States said."
    )

    found = reading(gazetteer, text, "Gainesville")

    assert found.place.admin1 == "GA"
    assert any("as the text says" in why for why in found.why)


def test_a_town_many_states_share_is_in_the_state_of_the_storys_other_places(gazetteer):
    text = "The Gainesville council met on Monday. Officials from Atlanta attended."

    found = reading(gazetteer, text, "Gainesville")

    assert found.place.admin1 == "GA"
    assert any("where the report's other places are" in why for why in found.why)


def test_a_states_name_does_not_pull_a_far_smaller_namesake_into_it(gazetteer):
    text = "The mayor of Boston declared a flu emergency, and New York followed."

    assert reading(gazetteer, text, "Boston").place.admin1 == "MA"


def test_a_state_that_shares_a_countrys_name_is_the_state_in_a_story_about_its_towns(gazetteer):
    text = "Schools in Georgia cut jobs. Atlanta and Gainesville teachers protested."

    assert reading(gazetteer, text, "Georgia").place.id == "adm:US-GA"


def test_georgia_in_a_story_about_tbilisi_is_the_country(gazetteer):
    text = "Russian troops advanced on Tbilisi as fighting spread across Georgia."

    assert reading(gazetteer, text, "Georgia").place.kind is COUNTRY


def test_a_us_state_is_no_vote_for_a_foreign_town_of_its_name(gazetteer):
    text = "Alexandria police found the body on Monday. Her family had moved to Virginia."

    assert reading(gazetteer, text, "Virginia").place.id == "adm:US-VA"
    assert reading(gazetteer, text, "Alexandria").place.country == "US"


def test_palmyra_is_the_syrian_site_in_a_syria_story_and_not_in_a_new_york_one(gazetteer):
    syria = "Islamic State fighters shelled Palmyra, Syrian officials said."
    new_york = "The Palmyra village board met on Monday. Rochester officials attended."

    assert reading(gazetteer, syria, "Palmyra").place.country == "SY"
    assert reading(gazetteer, new_york, "Palmyra").place.admin1 == "NY"


def test_a_lone_reading_abroad_is_unsure(gazetteer):
    text = "Shelling hit Alexandria, killing two, Iraqi officials said in Ramadi."

    found = reading(gazetteer, text, "Alexandria")

    assert found.is_abroad and found.certainty <= 0.5


# --- which place of a sentence is where the event was ------------------------------------------


def test_a_town_named_with_the_province_it_is_the_capital_of_locates_the_event(gazetteer):
    text = "Islamic State fighters overran Ramadi, the capital of Anbar province, on Sunday."

    assert event_places(gazetteer, text) == ["Ramadi"]


def test_the_reference_point_of_an_apposition_does_not_locate_the_event(gazetteer):
    text = "Russian troops killed civilians in Bucha, the town north-west of Kiev, in March."

    assert event_places(gazetteer, text) == ["Bucha"]


def test_a_government_named_by_its_capital_is_not_where_the_event_was(gazetteer):
    text = "Kiev forces shelled Donetsk overnight, killing two civilians."

    assert event_places(gazetteer, text) == ["Donetsk"]


def test_a_quarter_read_far_from_its_town_gives_way_to_the_town(gazetteer):
    text = "An air strike hit the Tal as-Sultan area of western Rafah, killing 45 people."

    assert event_places(gazetteer, text) == ["Rafah"]


def test_where_the_wounded_were_flown_is_not_where_the_event_was(gazetteer):
    text = (
        "Israeli special forces freed four hostages in a raid on Nuseirat in central Gaza. "
        "The freed captives, seized at a festival, were flown by helicopter to a hospital "
        "near Tel Aviv."
    )

    assert "Tel Aviv" not in event_places(gazetteer, text)


def test_an_event_in_a_sentence_naming_no_place_takes_the_place_the_report_opens_with(
    gazetteer,
):
    text = (
        "Yemeni troops reached Mukalla on Sunday, ending a year of rule by the group. "
        "Coalition officials said hundreds of militants had been killed."
    )

    (event,) = extract_events(text, gazetteer).events

    assert event.place.place.name == "Mukalla"
    assert event.role.startswith("the place the report opens with")


def test_a_report_that_opens_on_a_past_event_lends_its_place_to_no_later_sentence(gazetteer):
    text = (
        "Ten years ago this week, Islamic State militants blew up the Temple of Bel in "
        "Palmyra. A week earlier the group had destroyed a smaller temple nearby."
    )

    assert extract_events(text, gazetteer).events == []


def test_where_fighters_retreated_from_is_where_they_were(gazetteer):
    text = "Islamist fighters retreating from Mukalla set fire to the port's warehouses."

    assert event_places(gazetteer, text) == ["Mukalla"]


def test_a_district_named_with_its_city_is_read_inside_the_city(gazetteer):
    text = "A missile hit a hospital in the Shevchenkivskyi district of Kyiv, killing two."

    found = reading(gazetteer, text, "Shevchenkivskyi district")

    assert found.place.id == "gn:9999102"
    assert any("as the text says" in why for why in found.why)


# --- namesakes and counties in US local news -----------------------------------------------------

ADMIN2 = PlaceKind.ADMIN2
US_LOCAL = [
    Place("gn:2988507", "Paris", 2.35, 48.85, TOWN, "FR", population=2_138_551),
    Place("gn:3017382", "France", 2.0, 46.0, COUNTRY, "FR", population=66_987_244),
    Place("gn:4717560", "Paris", -95.56, 33.66, TOWN, "US", "TX", 25_171, is_namesake=True),
    Place("gn:4647963", "Paris", -88.33, 36.3, TOWN, "US", "TN", 10_156, is_namesake=True),
    Place("gn:272103", "Lebanon", 35.83, 33.83, COUNTRY, "LB", population=6_848_925),
    Place("gn:4699066", "Palestine", -95.63, 31.76, TOWN, "US", "TX", 18_042, is_namesake=True),
    Place("gn:4738214", "Tyler", -95.3, 32.35, TOWN, "US", "TX", 104_798),
    Place("fips:48001", "Anderson County", -95.65, 31.81, ADMIN2, "US", "TX", 40_000),
    Place("fips:45007", "Anderson County", -82.64, 34.52, ADMIN2, "US", "SC", 120_000),
    Place("fips:47001", "Anderson County", -84.2, 36.12, ADMIN2, "US", "TN", 80_000),
]


@pytest.fixture(scope="module")
def local_gazetteer():
    return Gazetteer.build([], [*PLACES, *US_LOCAL, *admin_places(["US", "LB"])])


def test_a_namesake_town_without_evidence_of_its_state_gives_way(local_gazetteer):
    text = "United States officials said the Paris talks would decide the climate plan."

    assert reading(local_gazetteer, text, "Paris").place.country == "FR"


def test_a_namesake_town_in_the_state_of_the_storys_other_places_is_read(local_gazetteer):
    text = "Police in Tyler and Paris searched for the driver. Texas troopers joined them."

    found = reading(local_gazetteer, text, "Paris")

    assert (found.place.country, found.place.admin1) == ("US", "TX")


def test_a_namesake_town_named_with_its_state_is_read(local_gazetteer):
    text = "A tornado struck Paris, Tenn., on Sunday night."

    assert reading(local_gazetteer, text, "Paris").place.admin1 == "TN"


def test_a_name_that_several_states_share_splits_its_vote_between_them(local_gazetteer):
    text = (
        "Deputies of the Anderson County sheriff arrested a man in Palestine, the United States"
        " Marshals said. He is held in the Anderson County jail."
    )

    assert reading(local_gazetteer, text, "Palestine").place.admin1 == "TX"


def test_a_countrys_namesake_town_casts_no_vote_for_its_state(local_gazetteer):
    text = "Talks in Lebanon stalled. In Anderson County, farmers watched the news."

    assert reading(local_gazetteer, text, "Lebanon").place.kind is COUNTRY


def test_a_bare_state_name_is_the_state_and_with_city_the_city(gazetteer):
    assert reading(gazetteer, "Flu cases rose across New York.", "New York").place.id == (
        "adm:US-NY"
    )
    text = "Flu cases rose across New York City."
    assert reading(gazetteer, text, "New York City").place.kind is TOWN
