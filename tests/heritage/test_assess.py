"""Match-and-assess on the stored events, on SQLite and PostgreSQL: incremental and explained."""

from datetime import date, timedelta

from alembic import command
from event_files import UCDP_COLUMNS, ucdp_row, write_table
from shapely.geometry import box
from site_files_zoo import write_geojson
from sqlalchemy import insert

from heritage import pipeline
from heritage.config import RISK_MODEL
from heritage.domain import Retraction
from heritage.jobs import run_once
from heritage.runtime import build_runtime
from heritage.store import events as event_store
from heritage.store import risk as risk_store
from heritage.store import sites as site_store
from heritage.store.session import _alembic_config, migrate, session_factory
from heritage.store.tables import assessments

PALMYRA = {"id": "palmyra", "name": "Site of Palmyra", "countries": ["SY"], "vulnerability": 1.5}
PETRA = {"id": "petra", "name": "Petra", "countries": ["JO"]}
AS_OF = date(2017, 3, 10)


def _setup(session, settings, clock, tmp_path, rows):
    registry = write_geojson(
        tmp_path / "sites.geojson",
        [(PALMYRA, box(38.245, 34.53, 38.29, 34.57)), (PETRA, box(35.43, 30.31, 35.46, 30.34))],
    )
    pipeline.import_site_files(session, registry, settings, now=clock())
    events = write_table(tmp_path / "ged.csv", UCDP_COLUMNS, rows)
    pipeline.ingest_event_file(session, events, settings, now=clock())
    return registry


def _clashes(n, day="2017-03-0{}"):
    return [
        ucdp_row(
            str(i),
            date_start=day.format(i + 1),
            date_end=day.format(i + 1),
            latitude="34.5510",
            longitude="38.2690",
            best="4",
        )
        for i in range(n)
    ]


def test_assess_matches_scores_and_explains_every_site(session, settings, clock, tmp_path):
    _setup(session, settings, clock, tmp_path, _clashes(6))
    result = pipeline.match_and_assess(
        session, RISK_MODEL, now=clock(), as_of=AS_OF, reassess_all=True
    )
    assert (result.events_matched, result.exposures) == (6, 6)
    assert result.levels["petra"] == "none" and result.levels["palmyra"] in ("high", "critical")
    latest = risk_store.latest_assessments(session)["palmyra"]
    assert latest["as_of"] == "2017-03-10" and latest["n_events"] == 6
    top = latest["contributions"][0]
    assert top["zone"] == "core" and {"severity", "proximity", "recency", "confidence"} <= set(top)
    assert any("inside the core zone" in reason for reason in latest["reasons"])
    top_five = risk_store.latest_assessments(session, ["palmyra"], top=5)["palmyra"]
    assert top_five["contributions"] == latest["contributions"][:5]
    assert risk_store.latest_assessment(session, "palmyra") == latest
    assert risk_store.latest_assessments(session, top=0)["petra"]["contributions"] == []


def test_a_second_run_matches_nothing_new_and_a_retraction_lowers_the_level(
    session, settings, clock, tmp_path
):
    _setup(session, settings, clock, tmp_path, _clashes(6))
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    clock.now += timedelta(minutes=5)
    again = pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    assert again.events_matched == 0 and again.levels == {}
    clock.now += timedelta(minutes=5)
    retractions = [Retraction("ucdp-ged", ref) for ref in ("2", "3", "4", "5")]
    event_store.retract_events(session, retractions, now=clock())
    session.commit()
    clock.now += timedelta(minutes=5)
    after = pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    assert after.events_matched == 4 and set(after.levels) == {"palmyra"}
    assert risk_store.latest_assessments(session)["palmyra"]["n_events"] == 2


def test_a_registry_change_matches_everything_again(session, settings, clock, tmp_path):
    registry = _setup(session, settings, clock, tmp_path, _clashes(3))
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    write_geojson(
        registry,
        [(PALMYRA, box(38.10, 34.40, 38.12, 34.42)), (PETRA, box(35.43, 30.31, 35.46, 30.34))],
    )
    pipeline.import_site_files(session, registry, settings, now=clock())
    clock.now += timedelta(minutes=5)
    result = pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    assert result.registry_changed and result.events_matched == 3
    assert risk_store.site_exposures(session, "palmyra") == []  # now out of a clash's reach


def test_the_scheduler_tick_runs_the_same_step(runtime, settings, clock, tmp_path):
    with runtime.session() as session:
        _setup(session, settings, clock, tmp_path, _clashes(2, day="2026-11-2{}"))
    assert run_once(runtime, only="assess") == {"assess": True}
    with runtime.session() as session:
        latest = risk_store.latest_assessments(session)
    assert latest["palmyra"]["as_of"] == clock().date().isoformat()
    assert latest["palmyra"]["level"] != "none"


def test_the_site_index_is_kept_between_ticks_until_the_registry_changes(
    session, settings, clock, tmp_path
):
    from heritage.pipeline.risk import IndexCache

    registry = _setup(session, settings, clock, tmp_path, _clashes(2))
    cache = IndexCache()
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF, index_cache=cache)
    first = cache.index
    clock.now += timedelta(minutes=5)
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF, index_cache=cache)
    assert cache.index is first
    write_geojson(
        registry, [(PALMYRA, box(38.2, 34.5, 38.3, 34.6)), (PETRA, box(35.43, 30.31, 35.46, 30.34))]
    )
    pipeline.import_site_files(session, registry, settings, now=clock())
    clock.now += timedelta(minutes=5)
    result = pipeline.match_and_assess(
        session, RISK_MODEL, now=clock(), as_of=AS_OF, index_cache=cache
    )
    assert cache.index is not first and result.registry_changed


def test_events_of_an_ingest_still_running_during_a_tick_are_matched_by_the_next(
    session, settings, clock, tmp_path
):
    from heritage.store import feeds

    _setup(session, settings, clock, tmp_path, _clashes(1))
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    started = clock.now = clock.now + timedelta(minutes=1)
    source_id, ingest_id = feeds.start_ingest(session, "slow.csv", "acled", "slow.csv", now=started)
    session.commit()  # its first chunk is in; a tick runs before its second
    clock.now += timedelta(minutes=5)
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    late = write_table(
        tmp_path / "late.csv",
        UCDP_COLUMNS,
        [ucdp_row("99", latitude="34.5510", longitude="38.2690")],
    )
    pipeline.ingest_event_file(session, late, settings, now=started)  # stamped with the slow start
    feeds.finish_ingest(session, source_id, ingest_id, {}, now=clock())
    session.commit()
    clock.now += timedelta(minutes=5)
    result = pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    assert result.events_matched >= 1
    assert any(
        x.event_ref == "ucdp-ged:99" for x, _ in risk_store.site_exposures(session, "palmyra")
    )


def test_a_level_decays_on_later_days_without_new_events(session, settings, clock, tmp_path):
    _setup(session, settings, clock, tmp_path, _clashes(6))
    first = pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF)
    later = pipeline.match_and_assess(
        session, RISK_MODEL, now=clock(), as_of=AS_OF + timedelta(days=60)
    )
    gone = pipeline.match_and_assess(
        session, RISK_MODEL, now=clock(), as_of=AS_OF + timedelta(days=400)
    )
    order = ["none", "low", "elevated", "high", "critical"]
    assert order.index(later.levels["palmyra"]) < order.index(first.levels["palmyra"])
    assert gone.levels["palmyra"] == "none"


def test_the_current_risk_is_the_newest_day_even_when_an_older_day_is_assessed_again(
    session, settings, clock, tmp_path
):
    _setup(session, settings, clock, tmp_path, _clashes(6))
    later = AS_OF + timedelta(days=60)
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=later, reassess_all=True)
    pipeline.match_and_assess(session, RISK_MODEL, now=clock(), as_of=AS_OF, reassess_all=True)
    current = risk_store.latest_assessments(session, top=5)
    assert current["palmyra"]["as_of"] == later.isoformat()
    assert current["palmyra"] == risk_store.latest_assessment(session, "palmyra", top=5)
    history = risk_store.assessment_series(session, "palmyra", None, None)
    assert current["palmyra"]["level"] == history[-1]["level"]
    assert risk_store.latest_levels(session)["palmyra"] == (later, history[-1]["level"], 6)


def test_assessments_stored_before_the_current_risks_table_are_current_after_the_upgrade(
    database_url, settings, clock, tmp_path
):
    rt = build_runtime(settings, database_url, clock)
    command.upgrade(_alembic_config(rt.engine), "0007")
    contributions = [{"event": f"ucdp-ged:{i}", "value": 1.0 / (i + 1)} for i in range(12)]
    with session_factory(rt.engine)() as session:  # rt.session() refuses an old schema
        _setup(session, settings, clock, tmp_path, [])
        session.execute(
            insert(assessments),
            [
                _stored("palmyra", AS_OF, "high", contributions, clock()),
                _stored("palmyra", AS_OF - timedelta(days=1), "critical", [], clock()),
                _stored("petra", AS_OF - timedelta(days=3), "none", [], clock()),
            ],
        )
        session.commit()
    migrate(rt.engine)
    with rt.session() as session:
        current = risk_store.latest_assessments(session, top=3)
        full = risk_store.latest_assessments(session)
        everywhere = site_store.SiteQuery(bbox=(-180.0, -90.0, 180.0, 90.0))
        keys, _ = site_store.list_site_keys(session, everywhere, limit=10, offset=0)
        by_id = {item.site.id: item for item in site_store.get_sites(session, ["palmyra", "petra"])}
    rt.engine.dispose()
    assert [(k.id, k.version, k.updated_at) for k in keys] == [
        (site_id, by_id[site_id].version, by_id[site_id].updated_at)
        for site_id in ("palmyra", "petra")
    ]
    assert all(key.risk_revision is not None for key in keys)
    assert current["palmyra"]["contributions"] == contributions[:3]
    assert current["palmyra"]["level"] == full["palmyra"]["level"] == "high"
    assert current["petra"]["as_of"] == (AS_OF - timedelta(days=3)).isoformat()
    assert set(current) == set(full) == {"palmyra", "petra"}


def _stored(site_id, day, level, contributions, now):
    return {
        "site_id": site_id,
        "as_of": day,
        "score": 0.5,
        "level": level,
        "trend": "steady",
        "previous_score": None,
        "n_events": len(contributions),
        "contributions": contributions,
        "reasons": ["why"],
        "computed_at": now,
    }
