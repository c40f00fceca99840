"""Adapters turn each source's rows into typed, located events, or say why they cannot."""

from datetime import date

import pytest
from event_files import (
    ACLED_COLUMNS,
    UCDP_COLUMNS,
    acled_row,
    gdelt_row,
    ucdp_row,
    write_gdelt,
    write_table,
)

from heritage.domain import ConflictEvent, DatePrecision, EventType, Rejection, Retraction
from heritage.errors import InvalidInputError
from heritage.ingest.base import parse_rows
from heritage.ingest.reader import open_event_file


def _items(path, **kwargs):
    event_file = open_event_file(path, **kwargs)
    items = [
        item
        for chunk in event_file.chunks
        for _, item in parse_rows(event_file.adapter, chunk, event_file.name)
    ]
    return event_file.adapter.name, items


@pytest.mark.parametrize(
    "sub_event, expected",
    [
        ("Air/drone strike", EventType.AIRSTRIKE),
        ("Shelling/artillery/missile attack", EventType.SHELLING),
        ("Remote explosive/landmine/IED", EventType.EXPLOSION),
        ("Looting/property destruction", EventType.DESTRUCTION),
        ("Headquarters or base established", EventType.OCCUPATION),
        ("Armed clash", EventType.ARMED_CLASH),
    ],
)
def test_acled_sub_events_map_onto_the_taxonomy_keeping_the_original(tmp_path, sub_event, expected):
    path = write_table(
        tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("SYR1", sub_event_type=sub_event)]
    )
    name, (event,) = _items(path)
    assert name == "acled" and event.event_type is expected
    assert (
        event.original_subtype == sub_event and event.original_type == "Explosions/Remote violence"
    )


def test_acled_row_keeps_place_precision_fatalities_and_revision(tmp_path):
    path = write_table(
        tmp_path / "acled.csv",
        ACLED_COLUMNS,
        [acled_row("SYR1", geo_precision="2", time_precision="2")],
    )
    _, (event,) = _items(path)
    assert (event.source, event.source_id, event.revision) == ("acled", "SYR1", "1700000000")
    assert (event.lon, event.lat) == (38.27, 34.56)
    assert event.precision_m == 25_000 and event.location_precision == "geo_precision 2"
    assert event.date_precision is DatePrecision.WEEK and event.date_start == date(2017, 3, 1)
    assert event.fatalities.best == 3 and event.place == "Tadmor"
    assert event.admin == ("Homs", "Tadmor", "Tadmor")


def test_acled_date_formats_of_the_export_are_understood(tmp_path):
    rows = [
        acled_row("A", event_date="14 August 2020"),
        acled_row("B", event_date="6-Jun-25"),
        acled_row("C", event_date="14/08/2020 00:00:00"),
    ]
    _, events = _items(write_table(tmp_path / "acled.csv", ACLED_COLUMNS, rows))
    assert [e.date_start for e in events] == [
        date(2020, 8, 14),
        date(2025, 6, 6),
        date(2020, 8, 14),
    ]


def test_acled_deletion_list_becomes_retractions(tmp_path):
    path = write_table(
        tmp_path / "deleted.csv",
        ["event_id_cnty", "deleted_timestamp"],
        [{"event_id_cnty": "SYR1", "deleted_timestamp": "1700000500"}],
    )
    name, (item,) = _items(path)
    assert name == "acled-deletions" and item == Retraction("acled", "SYR1", "1700000500")


def test_ucdp_row_keeps_precision_dates_and_fatality_range(tmp_path):
    path = write_table(
        tmp_path / "ged.csv", UCDP_COLUMNS, [ucdp_row("214797", where_prec="4", date_prec="3")]
    )
    name, (event,) = _items(path)
    assert name == "ucdp-ged" and event.source == "ucdp-ged"
    assert event.event_type is EventType.ARMED_CLASH and "state-based" in event.original_type
    assert event.precision_m == 150_000 and event.date_precision is DatePrecision.MONTH
    assert (event.fatalities.best, event.fatalities.low, event.fatalities.high) == (12, 10, 20)
    assert (event.date_start, event.date_end) == (date(2017, 3, 1), date(2017, 3, 2))


def test_one_sided_violence_is_violence_against_civilians_and_unclear_events_weigh_less(tmp_path):
    rows = [
        ucdp_row("1", type_of_violence="3"),
        ucdp_row("2", event_clarity="2"),
        ucdp_row("3", code_status="Check deaths"),
    ]
    _, events = _items(write_table(tmp_path / "ged.csv", UCDP_COLUMNS, rows))
    assert events[0].event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
    assert [e.confidence for e in events] == [1.0, 0.7, 0.7]


def test_candidate_events_need_their_format_named(tmp_path):
    path = write_table(tmp_path / "candidate.csv", UCDP_COLUMNS, [ucdp_row("9")])
    name, (event,) = _items(path, fmt="ucdp-candidate")
    assert name == "ucdp-candidate" and event.source == "ucdp-candidate"


def test_gdelt_keeps_material_conflict_and_rejects_the_rest_with_a_reason(tmp_path):
    rows = [
        gdelt_row("1"),
        gdelt_row("2", EventCode="194", EventBaseCode="194"),
        gdelt_row("3", EventCode="1831", EventBaseCode="183", EventRootCode="18"),
        gdelt_row("4", EventCode="042", EventBaseCode="042", EventRootCode="04"),
        gdelt_row("5", ActionGeo_Type="1"),
    ]
    name, items = _items(write_gdelt(tmp_path / "20170301.export.CSV", rows))
    assert name == "gdelt"
    assert [i.event_type for i in items[:3]] == [
        EventType.AIRSTRIKE,
        EventType.SHELLING,
        EventType.EXPLOSION,
    ]
    assert items[0].precision_m == 10_000 and items[0].confidence == 0.4
    assert isinstance(items[3], Rejection) and "not material conflict" in items[3].reason
    assert isinstance(items[4], ConflictEvent) and items[4].precision_m == 1_000_000


def test_generic_csv_with_a_column_mapping(tmp_path):
    path = tmp_path / "partner.csv"
    path.write_text(
        "Ref;Date;X;Y;Kind\nr1;2024-01-02;38.27;34.55;airstrike\nr2;2024-01-03;38.27;34.55;raid\n"
    )
    mapping = {"id": "Ref", "date": "Date", "lon": "X", "lat": "Y", "type": "Kind"}
    path.write_text(path.read_text().replace(";", ","))
    name, (a, b) = _items(path, mapping=mapping, source="partner")
    assert name == "csv" and a.source == "partner"
    assert a.event_type is EventType.AIRSTRIKE
    assert b.event_type is EventType.OTHER and b.original_type == "raid"


def test_geojson_points_become_events_and_other_geometries_are_rejected(tmp_path):
    path = tmp_path / "events.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.27, 34.55]},'
        ' "properties": {"id": "e1", "date": "2024-02-01", "type": "shelling", "fatalities": 2}},'
        '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},'
        ' "properties": {"id": "e2", "date": "2024-02-01"}}]}'
    )
    name, (event, rejection) = _items(path)
    assert name == "geojson" and event.fatalities.best == 2
    assert (rejection.row, rejection.column) == (2, "geometry") and "Point" in rejection.reason


@pytest.mark.parametrize(
    "values, column, words",
    [
        ({"latitude": ""}, "latitude", "missing value"),
        ({"latitude": "138.27", "longitude": "34.56"}, "longitude/latitude", "swapped"),
        ({"longitude": "east"}, "longitude", "not a number"),
        ({"event_date": "02/03/2017"}, "event_date", "ambiguous date"),
        ({"event_date": "2017-02-30"}, "event_date", "not a calendar date"),
        ({"geo_precision": "9"}, "geo_precision", "must be 1, 2 or 3"),
        ({"fatalities": "-1"}, "fatalities", "whole number"),
        (
            {"event_type": "Parade", "sub_event_type": "March"},
            "event_type",
            "unknown ACLED event type",
        ),
        ({"event_id_cnty": ""}, "event_id_cnty", "missing event id"),
    ],
)
def test_bad_rows_are_rejected_naming_row_and_column(tmp_path, values, column, words):
    path = write_table(
        tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("OK1"), acled_row("BAD", **values)]
    )
    _, (good, bad) = _items(path, fmt="acled")
    assert isinstance(good, ConflictEvent)
    assert isinstance(bad, Rejection) and (bad.row, bad.column) == (3, column)
    assert words in bad.reason


def test_a_row_with_the_wrong_number_of_fields_is_rejected_not_dropped(tmp_path):
    path = write_table(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("A")])
    path.write_text(path.read_text() + "B,too,few\n")
    _, (event, rejection) = _items(path)
    assert isinstance(rejection, Rejection) and rejection.row == 3 and "fields" in rejection.reason


def test_unknown_header_asks_for_the_format(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InvalidInputError, match="cannot tell the format.*--format"):
        open_event_file(path)


def test_gdelt_fields_with_a_quote_do_not_swallow_the_next_lines(tmp_path):
    rows = [gdelt_row("1", ActionGeo_FullName='"Palmyra, Hims'), gdelt_row("2"), gdelt_row("3")]
    _, items = _items(write_gdelt(tmp_path / "quoted.export.CSV", rows))
    assert [i.source_id for i in items] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "values, column, words",
    [
        ({"fatalities": "²"}, "fatalities", "not a number"),
        ({"fatalities": "9999999999"}, "fatalities", "larger than"),
        ({"geo_precision": ""}, "geo_precision", "missing value"),
    ],
)
def test_values_a_database_cannot_hold_or_that_mean_nothing_are_rejected(
    tmp_path, values, column, words
):
    path = write_table(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("BAD", **values)])
    _, (bad,) = _items(path)
    assert isinstance(bad, Rejection) and bad.column == column and words in bad.reason
