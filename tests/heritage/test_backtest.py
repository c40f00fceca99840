"""Backtesting: the CLI replays event files in memory; real UCDP history gives known levels."""

import csv
from datetime import date, timedelta

import pytest
from conftest import REPO
from event_files import UCDP_COLUMNS, ucdp_row, write_table

from heritage.backtest import backtest, dates_between
from heritage.config import RISK_MODEL, Settings
from heritage.pipeline.backtest import _read_events
from heritage.registry import build_sites
from heritage.site_files import read_site_records


@pytest.fixture(scope="module")
def registry():
    return {s.id: s for s in build_sites(read_site_records(REPO / "sites"), Settings())[0]}


def test_backtest_writes_a_timeline_and_a_plot_without_a_database(tmp_path):
    from click.testing import CliRunner

    from heritage.web import create_app

    rows = [
        ucdp_row(
            str(i),
            date_start=f"2017-02-{10 + i:02d}",
            date_end=f"2017-02-{10 + i:02d}",
            latitude="34.5520",
            longitude="38.2680",
        )
        for i in range(5)
    ]
    events = write_table(tmp_path / "ged.csv", UCDP_COLUMNS, rows)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.sqlite3'}"}
    )
    result = CliRunner().invoke(
        app.cli,
        [
            "backtest",
            "--events",
            str(events),
            "--from",
            "2017-01-01",
            "--to",
            "2017-04-01",
            "--step",
            "14d",
            "--sites",
            "palmyra,petra",
            "--out",
            str(tmp_path / "risk.csv"),
            "--plot",
            str(tmp_path / "risk.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader((tmp_path / "risk.csv").read_text().splitlines()))
    assert {r["site_id"] for r in table} == {"palmyra", "petra"} and len(table) == 14
    assert {r["date"] for r in table} >= {"2017-01-01", "2017-02-26"}
    late_feb = next(r for r in table if r["site_id"] == "palmyra" and r["date"] == "2017-02-26")
    assert late_feb["level"] != "none" and int(late_feb["n_events"]) == 5
    assert all(r["level"] == "none" for r in table if r["site_id"] == "petra")
    assert (tmp_path / "risk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "never-created.sqlite3").exists()


def test_unknown_sites_are_named(tmp_path):
    from click.testing import CliRunner

    from heritage.web import create_app

    events = write_table(tmp_path / "ged.csv", UCDP_COLUMNS, [ucdp_row("1")])
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    result = CliRunner().invoke(
        app.cli,
        [
            "backtest",
            "--events",
            str(events),
            "--from",
            "2017-01-01",
            "--to",
            "2017-02-01",
            "--sites",
            "atlantis",
            "--out",
            str(tmp_path / "r.csv"),
        ],
    )
    assert result.exit_code == 1 and "unknown site id(s): atlantis" in result.output


def _levels(registry, files, site_ids, first, last):
    events, _ = _read_events(files, None)
    rows = backtest(
        [registry[i] for i in site_ids],
        events,
        dates_between(first, last, timedelta(days=7)),
        RISK_MODEL,
    )
    return {(r.site_id, r.date): r.level for r in rows}


def test_syria_2016_2019_levels_match_what_is_publicly_known(registry, shared_data):
    levels = _levels(
        registry,
        [shared_data / "conflict" / "ucdp_ged_syria_2016-2019.csv.gz"],
        ["palmyra", "aleppo", "damascus", "petra"],
        date(2016, 1, 1),
        date(2019, 11, 30),
    )

    def during(site, first, last):
        return [v for (s, d), v in levels.items() if s == site and first <= d <= last]

    order = ["none", "low", "elevated", "high", "critical"]
    # Palmyra: IS returned in December 2016; the army retook it in March 2017.
    assert max(during("palmyra", date(2016, 12, 10), date(2017, 3, 5)), key=order.index) in (
        "high",
        "critical",
    )
    # Afterwards only the odd attack in the desert around it ("low" means one recent event).
    assert set(during("palmyra", date(2018, 1, 1), date(2019, 11, 30))) <= {"none", "low"}
    # Aleppo: the battle ended in December 2016.
    assert "critical" in during("aleppo", date(2016, 9, 1), date(2016, 12, 20))
    assert "critical" not in during("aleppo", date(2018, 1, 1), date(2019, 11, 30))
    # Damascus: Eastern Ghouta fell in April 2018; quiet in 2019.
    assert "critical" in during("damascus", date(2018, 2, 1), date(2018, 4, 15))
    assert max(during("damascus", date(2019, 1, 1), date(2019, 11, 30)), key=order.index) in (
        "none",
        "low",
    )
    assert set(during("petra", date(2016, 1, 1), date(2019, 11, 30))) == {"none"}
