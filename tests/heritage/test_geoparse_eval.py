"""The geoparser holds its ground on the team's evaluation set and on the seed report.

Floors sit a few points below what `bench/bench_geoparse.py` measured when they were set (the
measured value is beside each), so a change that makes the geoparser worse fails here, and a
change that makes it better is free to raise them.
"""

import csv
import gzip
import json
from datetime import date

import pytest
from conftest import REPO, SHARED_DATA

from heritage.config import RISK_MODEL, Settings
from heritage.domain import EventType
from heritage.geo import GEOD
from heritage.geoparse.gazetteer import Gazetteer, standard_places
from heritage.geoparse.intake import ReportText
from heritage.geoparse.parse import extract_events
from heritage.match import build_site_index
from heritage.pipeline.reports import GazetteerCache, parse_report, read_seed_places
from heritage.registry import build_sites
from heritage.site_files import read_site_records

TEAM = REPO / "tests" / "data" / "geoparse"
SEED_REPORT = REPO / "seeds" / "palmyra-joint-attack-report.txt"
UCDP_SYRIA = SHARED_DATA / "conflict" / "ucdp_ged_syria_2016-2019.csv.gz"
TODAY = date(2026, 11, 24)  # a fixed day for reports without a date (none in the team set)
PALMYRA_LON, PALMYRA_LAT = 38.27, 34.56


def km_between(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


@pytest.fixture(scope="module")
def cache():
    """The gazetteer the pipeline builds for the shipped registry and seed places (2-4 s)."""
    sites, _ = build_sites(read_site_records(REPO / "sites"), Settings())
    seeds = read_seed_places(REPO / "seeds" / "places.csv")
    return GazetteerCache(
        gazetteer=Gazetteer.build(sites, [*seeds, *standard_places(sites)]),
        index=build_site_index(sites),
        sites={site.id: site for site in sites},
    )


def load_team_set(name):
    path = TEAM / name
    if not path.is_file():
        pytest.skip(f"the team's geoparsing set is not there ({path})")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def team_documents(cache):
    """Each team report as the pipeline reads it: (report, GeoJSON document)."""
    return [(item, parse(cache, item)) for item in load_team_set("team_reports.json")]


def parse(cache, item):
    report = ReportText(item["text"], published=date.fromisoformat(item["published"]))
    document, _ = parse_report(cache, report, RISK_MODEL, source="eval", today=TODAY)
    return document


def most_confident(document):
    features = document["features"]
    return max(features, key=lambda f: f["properties"]["confidence"]) if features else None


# --- the team set ------------------------------------------------------------------------------


def test_team_reports_locate_the_event_within_25_km_of_gold(team_documents):
    located = 0
    for item, document in team_documents:
        event = most_confident(document)
        gold = item["gold"]
        located += event is not None and (
            km_between(*event["geometry"]["coordinates"], gold["lon"], gold["lat"]) <= 25
        )

    assert located / len(team_documents) >= 0.92  # measured 0.955 (63 of 66)


def test_team_reports_get_the_event_type_right(team_documents):
    typed = [
        (item["event_type"], event["properties"]["event_type"])
        for item, document in team_documents
        if (event := most_confident(document)) is not None
    ]

    # measured 0.719 (46 of 64; 0.607 before the trigger and background-date fixes)
    assert sum(gold == ours for gold, ours in typed) / len(typed) >= 0.68


def test_team_reports_find_the_place_names_they_contain(team_documents):
    found, gold = [], []
    for number, (item, document) in enumerate(team_documents):
        found += [(number, *span) for m in document["mentions"] for span in m["spans"]]
        gold += [(number, t["start"], t["end"]) for t in [item["gold"], *item["mentions"]]]

    def overlaps(a, b):
        return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]

    precision = sum(any(overlaps(f, g) for g in gold) for f in found) / len(found)
    recall = sum(any(overlaps(f, g) for f in found) for g in gold) / len(gold)
    assert precision >= 0.97  # measured 0.995
    assert recall >= 0.83  # measured 0.868


def test_team_reports_raise_no_event_at_a_registry_site_far_from_gold(team_documents):
    far = [
        (item["id"], event["properties"]["place"], event["properties"]["sites"])
        for item, document in team_documents
        for event in document["features"]
        if event["properties"]["sites"]
        and km_between(*event["geometry"]["coordinates"], item["gold"]["lon"], item["gold"]["lat"])
        > 25
    ]

    # measured 0 ("the Tal as-Sultan area of western Rafah" was read as Tell es-Sultan, Jericho,
    # until a part read far from the place it is a part of gave way to that place)
    assert far == []


def test_negatives_raise_no_alarm_at_a_registry_site_or_in_another_country(cache):
    alarms = []
    for item in load_team_set("team_negatives.json"):
        for feature in parse(cache, item)["features"]:
            found = feature["properties"]
            if found["precision"] == "country":
                continue
            if found["sites"] or found["country"] != item["country"]:
                alarms.append((item["id"], found["place"], found["country"], found["sites"]))

    assert alarms == []  # measured: none (one event, Rochester NY, in the US story it is in)


# --- the seed report ---------------------------------------------------------------------------


def test_seed_report_yields_one_armed_clash_at_palmyra(cache):
    text = SEED_REPORT.read_text(encoding="utf-8")

    extraction = extract_events(text, cache.gazetteer)

    assert len(extraction.events) == 1
    event = extraction.events[0]
    place = event.place.place
    assert place.name == "Tadmur" or place.site_id == "palmyra"
    assert km_between(place.lon, place.lat, PALMYRA_LON, PALMYRA_LAT) <= 5
    assert event.precision == "town"
    assert event.event_type is EventType.ARMED_CLASH
    assert event.casualties.reported


def test_seed_report_names_no_other_place_of_an_event(cache):
    text = SEED_REPORT.read_text(encoding="utf-8")

    extraction = extract_events(text, cache.gazetteer)

    event_places = {r.place.name for r, role in extraction.mentions if role == "event"}
    others = {r.place.name for r, role in extraction.mentions if role == "mentioned"}
    assert event_places == {extraction.events[0].place.place.name}
    assert "At Tanf garrison" in others  # where the wounded were flown, not where it happened


# --- UCDP headlines (shared data) --------------------------------------------------------------


def ucdp_sample(path, every=50):
    """Every 50th precise row (where_prec 1-2) with a headline: (headline, day, lon, lat)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        rows = [
            row
            for row in csv.DictReader(stream)
            if row["where_prec"] in ("1", "2") and row["source_headline"].strip()
        ]
    return [
        (
            row["source_headline"],
            date.fromisoformat(row["date_start"][:10]),
            float(row["longitude"]),
            float(row["latitude"]),
        )
        for row in rows[::every]
    ]


def test_ucdp_syria_headlines_are_located_near_the_coded_point(cache):
    if not UCDP_SYRIA.is_file():
        pytest.skip(f"the team's shared data is not beside the repo ({UCDP_SYRIA})")
    sample = ucdp_sample(UCDP_SYRIA)
    located = 0
    for headline, day, lon, lat in sample:
        extraction = extract_events(headline, cache.gazetteer, published=day)
        if extraction.events:
            place = max(extraction.events, key=lambda e: e.confidence).place.place
        else:
            local = [r for r, _ in extraction.mentions if not r.is_context]
            place = max(local, key=lambda r: r.certainty).place if local else None
        located += place is not None and km_between(place.lon, place.lat, lon, lat) <= 25

    # measured 0.314 of 296 (0.203 before provinces, closeness and the roles of places);
    # most misses name no place within 25 km of the coded point, or several places
    assert located / len(sample) >= 0.29
