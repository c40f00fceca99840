"""Event ingestion into the store, on SQLite and PostgreSQL: idempotent, revised, retracted."""

from datetime import timedelta

import pytest
from event_files import ACLED_COLUMNS, UCDP_COLUMNS, acled_row, ucdp_row, write_table
from sqlalchemy import func, select

from heritage import pipeline
from heritage.errors import InvalidInputError
from heritage.store import events as event_store
from heritage.store import feeds
from heritage.store.tables import events as events_table

SHARED_FILES = [
    "ucdp_ged_syria_2016-2019.csv.gz",
    "ucdp_ged_iraq_1989-2018_hdx.csv.gz",
    "ucdp_ged_ukraine_2014-2023.csv.gz",
    "acled_syria_battles_2017-2023.csv.gz",
    "acled_gaza_2023-2025.csv.gz",
    "acled_ukraine_sample_1000.csv.gz",
]


def _ingest(session, path, settings, clock, **options):
    return pipeline.ingest_event_file(session, path, settings, now=clock(), **options)


def _acled(tmp_path, rows, name="acled.csv"):
    return write_table(tmp_path / name, ACLED_COLUMNS, rows)


def test_ingesting_the_same_file_twice_changes_nothing(session, settings, clock, tmp_path):
    path = _acled(tmp_path, [acled_row("SYR1"), acled_row("SYR2")])
    first = _ingest(session, path, settings, clock)
    clock.now += timedelta(hours=1)
    second = _ingest(session, path, settings, clock)
    assert (first.stored, first.unchanged) == (2, 0)
    assert (second.stored, second.updated, second.unchanged) == (0, 0, 2)
    stored, history = event_store.get_event(session, "acled:SYR1")
    assert (
        stored.version == 1
        and len(history) == 1
        and stored.changed_at == clock.now - timedelta(hours=1)
    )


def test_a_newer_revision_updates_the_event_and_keeps_its_history(
    session, settings, clock, tmp_path
):
    _ingest(session, _acled(tmp_path, [acled_row("SYR1")]), settings, clock)
    clock.now += timedelta(days=2)
    revised = _acled(
        tmp_path, [acled_row("SYR1", fatalities="9", timestamp="1700000900")], "v2.csv"
    )
    result = _ingest(session, revised, settings, clock)
    assert result.updated == 1
    stored, history = event_store.get_event(session, "acled:SYR1")
    assert (
        stored.event.fatalities.best == 9 and stored.version == 2 and stored.changed_at == clock.now
    )
    assert [h.version for h in history] == [1, 2]
    assert history[0].data["fatalities_best"] == 3 and history[0].revision == "1700000000"


def test_an_older_revision_never_overwrites_a_newer_one(session, settings, clock, tmp_path):
    _ingest(
        session,
        _acled(tmp_path, [acled_row("SYR1", fatalities="9", timestamp="1700000900")]),
        settings,
        clock,
    )
    old = _acled(tmp_path, [acled_row("SYR1", fatalities="3", timestamp="1700000000")], "old.csv")
    assert _ingest(session, old, settings, clock).unchanged == 1
    assert event_store.get_event(session, "acled:SYR1")[0].event.fatalities.best == 9


def test_a_deletion_list_retracts_events_visibly(session, settings, clock, tmp_path):
    _ingest(session, _acled(tmp_path, [acled_row("SYR1"), acled_row("SYR2")]), settings, clock)
    clock.now += timedelta(days=1)
    deletions = write_table(
        tmp_path / "deleted.csv",
        ["event_id_cnty", "deleted_timestamp"],
        [
            {"event_id_cnty": "SYR1", "deleted_timestamp": "1700001000"},
            {"event_id_cnty": "SYR404", "deleted_timestamp": "1700001000"},
        ],
    )
    result = _ingest(session, deletions, settings, clock)
    assert (result.retracted, result.unknown_retractions) == (1, 1)
    stored, history = event_store.get_event(session, "acled:SYR1")
    assert stored.retracted and stored.changed_at == clock.now and len(history) == 2
    listed, total = event_store.list_events(session, event_store.EventQuery(), limit=10, offset=0)
    assert [e.ref for e in listed] == ["acled:SYR2"] and total == 1
    assert _ingest(session, deletions, settings, clock).retracted == 0  # idempotent


def test_a_retracted_event_comes_back_only_with_a_newer_revision(
    session, settings, clock, tmp_path
):
    path = _acled(tmp_path, [acled_row("SYR1")])
    _ingest(session, path, settings, clock)
    deletions = write_table(
        tmp_path / "deleted.csv",
        ["event_id_cnty", "deleted_timestamp"],
        [{"event_id_cnty": "SYR1", "deleted_timestamp": "1700001000"}],
    )
    _ingest(session, deletions, settings, clock)
    assert _ingest(session, path, settings, clock).unchanged == 1  # the old export: still deleted
    assert event_store.get_event(session, "acled:SYR1")[0].retracted
    republished = _acled(tmp_path, [acled_row("SYR1", timestamp="1700002000")], "republished.csv")
    assert _ingest(session, republished, settings, clock).updated == 1
    assert not event_store.get_event(session, "acled:SYR1")[0].retracted


def test_candidate_events_dropped_by_a_later_release_are_retracted(
    session, settings, clock, tmp_path
):
    march = [
        ucdp_row("1"),
        ucdp_row("2"),
        ucdp_row("3", date_start="2017-02-01", date_end="2017-02-01"),
    ]
    _ingest(
        session,
        write_table(tmp_path / "c1.csv", UCDP_COLUMNS, march),
        settings,
        clock,
        fmt="ucdp-candidate",
    )
    later = [
        ucdp_row("1"),
        ucdp_row("4"),
    ]  # drops 2 (same dates); 3 is outside this release's range
    result = _ingest(
        session,
        write_table(tmp_path / "c2.csv", UCDP_COLUMNS, later),
        settings,
        clock,
        fmt="ucdp-candidate",
    )
    assert (result.stored, result.retracted) == (1, 1)
    assert event_store.get_event(session, "ucdp-candidate:2")[0].retracted
    assert not event_store.get_event(session, "ucdp-candidate:3")[0].retracted


def test_bad_rows_are_quarantined_and_the_good_ones_stored(session, settings, clock, tmp_path):
    rows = [
        acled_row("SYR1"),
        acled_row("SYR2", latitude="north"),
        acled_row("SYR3"),
        acled_row("SYR1", fatalities="7"),
    ]
    result = _ingest(session, _acled(tmp_path, rows), settings, clock)
    assert (result.rows, result.stored, result.rejected) == (4, 2, 2)
    assert result.stored + result.rejected == result.rows
    quarantined, total = feeds.list_quarantine(session, source=None, limit=10, offset=0)
    assert total == 2
    by_row = {q.row: q for q in quarantined}
    assert by_row[3].column == "latitude" and "not a number" in by_row[3].reason
    assert by_row[3].raw["event_id_cnty"] == "SYR2" and by_row[3].file == "acled.csv"
    assert "duplicate event id 'SYR1' (first at row 2)" in by_row[5].reason


def test_strict_ingest_fails_the_whole_file_and_records_the_failure(
    session, settings, clock, tmp_path
):
    rows = [acled_row("SYR1"), acled_row("SYR2", latitude="north")]
    with pytest.raises(InvalidInputError, match="acled.csv, row 3, field 'latitude'"):
        _ingest(session, _acled(tmp_path, rows), settings, clock, strict=True)
    assert session.execute(select(func.count()).select_from(events_table)).scalar_one() == 0
    (status,) = feeds.list_sources(session)
    assert status.last_success_at is None and "row 3" in status.last_error
    assert status.last_error_at == clock()


def test_each_source_records_its_last_good_ingest_and_counts(session, settings, clock, tmp_path):
    path = _acled(tmp_path, [acled_row("SYR1")])
    _ingest(session, path, settings, clock)
    clock.now += timedelta(hours=6)
    with pytest.raises(InvalidInputError):
        _ingest(session, tmp_path / "missing.csv", settings, clock)
    statuses = {s.location: s for s in feeds.list_sources(session)}
    good = statuses[str(path.resolve())]
    assert good.last_success_at == clock.now - timedelta(hours=6) and good.last_error is None
    assert good.last_counts["stored"] == 1
    broken = statuses[str((tmp_path / "missing.csv").resolve())]
    assert broken.last_success_at is None and "not found" in broken.last_error


def test_event_filters(session, settings, clock, tmp_path):
    rows = [
        acled_row("A", sub_event_type="Air/drone strike", event_date="2017-01-05"),
        acled_row("B", event_date="2017-03-05", longitude="36.2", latitude="33.5"),
        acled_row("C", event_date="2018-01-01"),
    ]
    _ingest(session, _acled(tmp_path, rows), settings, clock)

    def refs(**query):
        found, _ = event_store.list_events(
            session, event_store.EventQuery(**query), limit=10, offset=0
        )
        return sorted(e.ref.split(":")[1] for e in found)

    from datetime import date

    assert refs(event_type="airstrike") == ["A"]
    assert refs(since=date(2017, 2, 1), until=date(2017, 12, 31)) == ["B"]
    assert refs(bbox=(38.0, 34.0, 39.0, 35.0)) == ["A", "C"]
    assert refs(source="acled") == ["A", "B", "C"] and refs(source="gdelt") == []


@pytest.mark.parametrize("name", SHARED_FILES)
def test_every_shared_conflict_file_is_ingested_whole_and_only_once(
    session, settings, clock, shared_data, name
):
    path = shared_data / "conflict" / name
    first = _ingest(session, path, settings, clock)
    assert first.rows > 0 and first.stored + first.rejected == first.rows
    assert (
        session.execute(select(func.count()).select_from(events_table)).scalar_one() == first.stored
    )
    again = _ingest(session, path, settings, clock)
    assert (again.stored, again.updated, again.unchanged) == (0, 0, first.stored)


def test_a_candidate_release_retracts_only_within_its_countries_and_not_unreadable_rows(
    session, settings, clock, tmp_path
):
    first = [
        ucdp_row("1"),
        ucdp_row("2"),
        ucdp_row("7", country="Iraq", latitude="36.3", longitude="43.1"),
    ]
    _ingest(
        session,
        write_table(tmp_path / "c1.csv", UCDP_COLUMNS, first),
        settings,
        clock,
        fmt="ucdp-candidate",
    )
    later = [ucdp_row("1"), ucdp_row("2", latitude="north")]  # Syria only; row of 2 unreadable
    result = _ingest(
        session,
        write_table(tmp_path / "c2.csv", UCDP_COLUMNS, later),
        settings,
        clock,
        fmt="ucdp-candidate",
    )
    assert result.retracted == 0 and result.rejected == 1
    assert not event_store.get_event(session, "ucdp-candidate:7")[0].retracted
    assert not event_store.get_event(session, "ucdp-candidate:2")[0].retracted


def test_an_older_export_cannot_win_after_a_newer_identical_one(session, settings, clock, tmp_path):
    _ingest(
        session, _acled(tmp_path, [acled_row("SYR1", timestamp="100")], "t100.csv"), settings, clock
    )
    _ingest(
        session,
        _acled(tmp_path, [acled_row("SYR1", fatalities="9", timestamp="300")], "t300.csv"),
        settings,
        clock,
    )
    _ingest(
        session,
        _acled(tmp_path, [acled_row("SYR1", fatalities="9", timestamp="400")], "t400.csv"),
        settings,
        clock,
    )
    _ingest(
        session,
        _acled(tmp_path, [acled_row("SYR1", fatalities="5", timestamp="350")], "t350.csv"),
        settings,
        clock,
    )
    stored, _ = event_store.get_event(session, "acled:SYR1")
    assert stored.event.fatalities.best == 9 and stored.event.revision == "400"


def test_an_id_named_twice_in_a_deletion_list_is_retracted_once(session, settings, clock, tmp_path):
    _ingest(session, _acled(tmp_path, [acled_row("SYR1")]), settings, clock)
    deletions = write_table(
        tmp_path / "deleted.csv",
        ["event_id_cnty", "deleted_timestamp"],
        [
            {"event_id_cnty": "SYR1", "deleted_timestamp": "1700001000"},
            {"event_id_cnty": "SYR1", "deleted_timestamp": "1700001000"},
        ],
    )
    assert _ingest(session, deletions, settings, clock).retracted == 1
    assert [h.version for h in event_store.get_event(session, "acled:SYR1")[1]] == [1, 2]
