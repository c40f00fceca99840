"""The reports and api-keys commands as users run them."""

import http.server
import threading

import pytest
from event_files import ACLED_COLUMNS, acled_row, write_table

from heritage.store.session import migrate
from heritage.web import create_app


@pytest.fixture
def acled_file(tmp_path):
    rows = [acled_row("SYR1"), acled_row("SYR2", longitude="far"), acled_row("SYR3")]
    return write_table(tmp_path / "acled.csv", ACLED_COLUMNS, rows)


def test_ingest_prints_a_summary_with_the_first_reasons(runner, acled_file):
    result = runner.invoke(args=["reports", "ingest", str(acled_file)])
    assert result.exit_code == 0, result.output
    assert "3 row(s); 2 stored, 0 updated, 0 unchanged, 0 retracted, 1 rejected" in result.output
    assert "rejected: acled.csv, row 3, column longitude: not a number: 'far'" in result.output
    again = runner.invoke(args=["reports", "ingest", str(acled_file)])
    assert "0 stored, 0 updated, 2 unchanged" in again.output


def test_strict_ingest_fails_with_the_reason_and_stores_nothing(runner, acled_file):
    result = runner.invoke(args=["reports", "ingest", "--strict", str(acled_file)])
    assert result.exit_code == 1
    assert "acled.csv, row 3, field 'longitude'" in result.output
    events = runner.invoke(args=["reports", "sources"])
    assert "last good ingest never" in events.output and "last error" in events.output


def test_quarantine_and_sources_commands(runner, acled_file):
    runner.invoke(args=["reports", "ingest", str(acled_file)])
    quarantine = runner.invoke(args=["reports", "quarantine"])
    assert "acled.csv, row 3, column longitude: not a number: 'far'" in quarantine.output
    assert "1 of 1 quarantined row(s)" in quarantine.output
    sources = runner.invoke(args=["reports", "sources"])
    assert f"{acled_file.resolve()} [acled] last good ingest 2026-11-24" in sources.output


def test_generic_csv_needs_a_valid_mapping(runner, tmp_path):
    path = tmp_path / "partner.csv"
    path.write_text("Ref,When,X,Y\nr1,2024-01-02,38.27,34.55\n")
    bad = runner.invoke(args=["reports", "ingest", str(path), "--map", "when=When"])
    assert bad.exit_code == 2 and "unknown field 'when'" in bad.output
    unknown = runner.invoke(args=["reports", "ingest", str(path)])
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.output
    good = runner.invoke(
        args=[
            "reports",
            "ingest",
            str(path),
            "--source",
            "partner",
            "--map",
            "id=Ref,date=When,lon=X,lat=Y",
        ]
    )
    assert good.exit_code == 0 and "1 stored" in good.output


def test_ingest_from_a_url_on_loopback(runner, loopback_runner, acled_file):
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(acled_file.parent), **k
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/acled.csv"
        refused = runner.invoke(args=["reports", "ingest", url])  # loopback not allowed
        result = loopback_runner.invoke(
            args=["reports", "ingest", url + "?key=SECRET&country=Syria"]
        )
        sources = loopback_runner.invoke(args=["reports", "sources"])
        missing = loopback_runner.invoke(
            args=["reports", "ingest", url.replace("acled", "nothing")]
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0 and "2 stored" in result.output
    summary = result.output.splitlines()[0]  # (the test server logs the request it got)
    assert summary.startswith(url + " [acled]") and "SECRET" not in sources.output
    assert missing.exit_code == 1 and "cannot download" in missing.output
    assert refused.exit_code == 1 and "127.0.0.1 is a loopback address" in refused.output


@pytest.fixture
def loopback_runner(database_url, clock):
    """A runner whose monitor may fetch from loopback, where the tests' servers listen."""
    config = {"DATABASE_URL": database_url, "CLOCK": clock, "ALLOW_LOOPBACK_FETCH": True}
    app = create_app({"TESTING": True, **config})
    migrate(app.extensions["heritage"].engine)
    yield app.test_cli_runner()
    app.extensions["heritage"].engine.dispose()


def test_api_key_is_printed_alone_on_the_last_line(runner):
    result = runner.invoke(args=["api-keys", "create", "partner-a"])
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    assert len(key) >= 40 and " " not in key
    again = runner.invoke(args=["api-keys", "create", "partner-a"])
    assert again.exit_code == 1 and "exists already" in again.output


def test_api_keys_are_listed_rotated_and_revoked_by_name(runner):
    runner.invoke(args=["api-keys", "create", "partner-a"])
    assert "partner-a\tcreated " in runner.invoke(args=["api-keys", "list"]).output
    rotated = runner.invoke(args=["api-keys", "rotate", "partner-a"])
    assert rotated.exit_code == 0 and "the old one no longer works" in rotated.output
    assert runner.invoke(args=["api-keys", "revoke", "partner-a"]).exit_code == 0
    assert "\trevoked " in runner.invoke(args=["api-keys", "list"]).output
    unknown = runner.invoke(args=["api-keys", "revoke", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_a_folder_is_ingested_file_by_file(runner, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_table(inbox / "a.csv", ACLED_COLUMNS, [acled_row("A1")])
    write_table(inbox / "b.csv", ACLED_COLUMNS, [acled_row("B1"), acled_row("B2")])
    (inbox / "notes.md").write_text("not events")
    result = runner.invoke(args=["reports", "ingest", str(inbox)])
    assert result.exit_code == 0 and "3 row(s); 3 stored" in result.output
    sources = runner.invoke(args=["reports", "sources"]).output
    assert "a.csv [acled]" in sources and "b.csv [acled]" in sources


def test_acled_api_json_is_read_like_the_export(runner, tmp_path):
    import json

    path = tmp_path / "acled-api.json"
    path.write_text(
        json.dumps(
            {"status": 200, "success": True, "count": 1, "data": [acled_row("SYR9", fatalities=4)]}
        )
    )
    result = runner.invoke(args=["reports", "ingest", str(path)])
    assert result.exit_code == 0 and "[acled]: 1 row(s); 1 stored" in result.output


def test_partners_cannot_take_the_name_of_a_data_source(runner):
    result = runner.invoke(args=["api-keys", "create", "acled"])
    assert result.exit_code == 1 and "name of a data source" in result.output


def test_a_bad_file_in_a_folder_does_not_stop_the_others(runner, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-notes.csv").write_text("who,what\nme,notes\n")
    write_table(inbox / "b-events.csv", ACLED_COLUMNS, [acled_row("B1")])
    result = runner.invoke(args=["reports", "ingest", str(inbox)])
    assert "1 stored" in result.output and "failed: a-notes.csv" in result.output
