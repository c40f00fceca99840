"""Free-text reports end to end: seed, CLI, API, inbox, aliases, on a real database."""

import json
from pathlib import Path

import pytest

from heritage import pipeline
from heritage.pipeline.reports import GazetteerCache
from heritage.store import reports as report_store

REPO = Path(__file__).resolve().parents[1]
SEED_REPORT = REPO / "seeds" / "palmyra-joint-attack-report.txt"
_BUILT = GazetteerCache()  # the gazetteer of the shipped registry, built once for the module


@pytest.fixture
def seeded(app, runner):
    """The shipped registry, seed places and seed report, as `make run` loads them."""
    runtime = app.extensions["heritage"]
    vars(runtime.gazetteer_cache).update(vars(_BUILT))  # rebuilt only if the registry differs
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    vars(_BUILT).update(vars(runtime.gazetteer_cache))
    return result.output


@pytest.fixture
def key(app, seeded):
    runtime = app.extensions["heritage"]
    with runtime.session() as session:
        return pipeline.create_api_key(session, "newsdesk", now=runtime.clock())


def test_the_seed_report_is_one_clash_at_palmyra_and_palmyra_shows_it(app, runner, client, seeded):
    assert "armed_clash at Palmyra (Tadmur, town precision" in seeded
    assert "touches palmyra" in seeded
    again = runner.invoke(args=["seed"])
    assert "already stored" in again.output  # the same report twice is stored once
    assert runner.invoke(args=["assess"]).exit_code == 0
    events = client.get("/api/v1/sites/palmyra/events").get_json()["events"]
    assert [e["event_type"] for e in events] == ["armed_clash"]
    assert events[0]["zone"] == "vicinity" and events[0]["uncertain"] is True  # a town's radius
    risk = client.get("/api/v1/sites/palmyra").get_json()["properties"]["risk"]
    assert risk["top_events"] and risk["top_events"][0]["event_type"] == "armed_clash"
    others = client.get("/api/v1/events?source=seeds").get_json()["features"]
    assert len(others) == 1  # no event anywhere else: not at Et-Tanf, not in Syria at large


def test_parse_prints_the_extraction_and_stores_nothing(app, runner, seeded, tmp_path):
    report = tmp_path / "aleppo.txt"
    report.write_text(
        "Government warplanes struck the old city of Aleppo on Tuesday, killing 12 people, "
        "activists said. The wounded were taken to a hospital in Idlib.\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reports", "parse", str(report), "--published", "2016-11-22"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    (feature,) = document["features"]
    props = feature["properties"]
    assert props["event_type"] == "airstrike" and props["place"] == "Aleppo"
    assert props["casualties"]["killed"] == 12 and props["date"] == "2016-11-22"
    assert "aleppo" in props["sites"]
    assert props["evidence"]["triggers"] and props["evidence"]["place"]
    roles = {m["name"]: m["role"] for m in document["mentions"]}
    assert roles["Idlib"] == "mentioned"  # where the wounded went, not where it happened
    with app.extensions["heritage"].session() as session:
        assert report_store.list_reports(session, limit=10, offset=0)[1] == 1  # the seed only


def test_pages_and_feeds_are_read_and_a_feed_with_entities_is_refused(runner, seeded, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        "<!doctype html><html><head><title>Shelling near Mosul</title></head><body>"
        "<nav>Home | World | Mosul | Sport</nav><article><h1>Shelling near Mosul</h1>"
        "<p>Artillery shelled villages near Mosul on Monday as Iraqi forces advanced, "
        "killing three civilians, officials said.</p></article>"
        "<footer>More from Baghdad</footer></body></html>",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reports", "ingest", str(page), "--published", "2016-10-17"])
    assert result.exit_code == 0, result.output
    assert "shelling at Mosul" in result.output
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Clashes in Sirte</title><link>https://news.example.org/1</link>"
        "<pubDate>Mon, 01 Aug 2016 08:00:00 GMT</pubDate>"
        "<description>Fighting broke out in Sirte between militias.</description></item>"
        "<item><title>Airstrike on Gao</title><link>https://news.example.org/2</link>"
        "<pubDate>Tue, 02 Aug 2016 08:00:00 GMT</pubDate>"
        "<description>An airstrike hit Gao overnight.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reports", "ingest", str(feed), "--source", "wire"])
    assert result.exit_code == 0, result.output
    assert result.output.count("stored:") == 2
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
        "<rss><channel><item><title>&a;&a;</title></item></channel></rss>",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reports", "ingest", str(bomb)])
    assert result.exit_code == 1 and "entity declarations are not allowed" in result.output
    sources = runner.invoke(args=["reports", "sources"]).output
    assert "bomb.xml [report]" in sources and "last error" in sources


def test_the_api_geoparses_with_a_key_and_dry_run_stores_nothing(app, client, key):
    body = {
        "text": "Clashes erupted in Deir ez-Zor city on Sunday between government forces and "
        "IS fighters, killing 7 soldiers.",
        "published": "2017-09-10",
        "url": "https://news.example.org/deir",
        "source": "Wire",
    }
    assert client.post("/api/v1/reports", json=body).status_code == 401
    headers = {"Authorization": f"Bearer {key}"}
    dry = client.post("/api/v1/reports?dry_run=true", json=body, headers=headers)
    assert dry.status_code == 200
    (feature,) = dry.get_json()["features"]
    assert feature["properties"]["event_type"] == "armed_clash"
    assert feature["properties"]["country"] == "SY"
    stored = client.post("/api/v1/reports", json=body, headers=headers)
    assert stored.status_code == 201 and stored.get_json()["duplicate"] is False
    again = client.post("/api/v1/reports", json=body, headers=headers)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    report = client.get(f"/api/v1/reports/{stored.get_json()['report_id']}").get_json()
    assert report["source"] == "newsdesk" and report["text"] == body["text"]
    bad = client.post("/api/v1/reports", json={**body, "published": "10/09/2017"}, headers=headers)
    assert bad.status_code == 400 and "published" in bad.get_json()["error"]["message"]
    nul = client.post("/api/v1/reports", json={**body, "url": "https://a\x00b"}, headers=headers)
    assert nul.status_code == 400 and "url" in nul.get_json()["error"]["message"]


def test_an_inbox_moves_each_report_to_done_or_failed(runner, seeded, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text("Shelling hit Kharkiv on Friday, wounding four.", "utf-8")
    (inbox / "empty.txt").write_text("   \n", "utf-8")
    result = runner.invoke(args=["reports", "inbox", str(inbox)])
    assert result.exit_code == 0, result.output
    assert (inbox / "done" / "good.txt").is_file()
    assert (inbox / "failed" / "empty.txt").is_file()
    assert "empty" in (inbox / "failed" / "empty.txt.error.txt").read_text("utf-8")


def test_an_alias_locates_events_at_the_users_point(runner, seeded, tmp_path):
    added = runner.invoke(
        args=["gazetteer", "alias", "add", "Camp Zulu", "--lon", "38.5", "--lat", "34.7"]
    )
    assert added.exit_code == 0, added.output
    report = tmp_path / "zulu.txt"
    report.write_text("Gunmen attacked Camp Zulu on Monday, Syrian officials said.", "utf-8")
    document = json.loads(runner.invoke(args=["reports", "parse", str(report)]).output)
    (feature,) = document["features"]
    assert feature["geometry"]["coordinates"] == [38.5, 34.7]
    unknown = runner.invoke(args=["gazetteer", "alias", "add", "X", "--place", "gn:0"])
    assert unknown.exit_code == 1 and "gn:0" in unknown.output


def test_a_new_process_reads_the_gazetteer_the_last_one_kept_until_an_alias_changes_it(
    app, runner, seeded, tmp_path, monkeypatch
):
    from heritage.geoparse import cache as gazetteer_file
    from heritage.pipeline.reports import load_gazetteer

    session = app.extensions["heritage"].sessions()
    built = load_gazetteer(session, GazetteerCache(folder=tmp_path))
    (kept,) = tmp_path.glob("gazetteer-*.pickle")

    def no_build(*args, **kwargs):
        raise AssertionError("built again although the file was there")

    with monkeypatch.context() as patched:
        patched.setattr(gazetteer_file.Gazetteer, "build", no_build)
        read = load_gazetteer(session, GazetteerCache(folder=tmp_path))  # another process
    assert [p.id for p in read.gazetteer.lookup("Tadmur")] == [
        p.id for p in built.gazetteer.lookup("Tadmur")
    ]

    added = runner.invoke(
        args=["gazetteer", "alias", "add", "Camp Zulu", "--lon", "38.5", "--lat", "34.7"]
    )
    assert added.exit_code == 0, added.output
    session.close()
    session = app.extensions["heritage"].sessions()
    changed = load_gazetteer(session, GazetteerCache(folder=tmp_path))
    session.close()
    assert changed.gazetteer.lookup("Camp Zulu")
    (rebuilt,) = tmp_path.glob("gazetteer-*.pickle")  # the stale file is gone
    assert rebuilt.name != kept.name
