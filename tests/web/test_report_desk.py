"""The report desk: parse before saving, correct a place, save; analysts only; text inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_accounts import _login, _token, _user

REPO = Path(__file__).resolve().parents[2]
SEED = (REPO / "seeds" / "palmyra-joint-attack-report.txt").read_text(encoding="utf-8")


@pytest.fixture
def analyst(client, runner):
    assert runner.invoke(args=["sites", "import", str(REPO / "sites")]).exit_code == 0
    assert runner.invoke(args=["seed"]).exit_code == 0  # the seed places (At Tanf, bases)
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    return client


def _post(client, **fields):
    return client.post(
        "/reports/new", data={"csrf_token": _token(client, "/reports/new"), **fields}
    )


def test_the_desk_shows_the_extraction_before_anything_is_stored(analyst):
    html = _post(
        analyst, text=SEED.replace("Palmyra", "Palmyra", 1) + "\nNew line.", action="parse"
    ).get_data(True)
    assert "armed clash" in html and 'href="/sites/palmyra"' in html
    assert "Save" in html
    assert analyst.get("/api/v1/reports/2").status_code == 404  # parsing stored nothing


def test_a_corrected_place_is_saved_and_says_who_corrected_it(analyst):
    text = (
        "Shelling hit the area of Palmyra on Tuesday, killing three people. "
        "The wounded were flown to the Et-Tanf base."
    )
    html = _post(analyst, text=text, action="parse").get_data(as_text=True)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html))
    [tanf] = [place_id for place_id, label in options.items() if "Tanf" in label]
    saved = _post(analyst, text=text, action="save", place_1=tanf).get_data(as_text=True)
    assert "Report saved" in saved and "1 new event" in saved
    report_id = re.search(r"Report #(\d+)", saved)[1]
    feature = analyst.get(f"/api/v1/reports/{report_id}").get_json()["extraction"]["features"][0]
    assert feature["properties"]["place_id"] == tanf
    assert "corrected by amira" in " ".join(feature["properties"]["evidence"]["place"])


def test_viewers_and_anonymous_visitors_cannot_use_the_desk(client, runner):
    assert client.get("/reports/new").status_code == 302
    _user(runner, "vera", "viewer")
    _login(client, "vera")
    assert client.get("/reports/new").status_code == 403


def test_report_text_is_shown_as_text_never_as_markup(analyst):
    text = "<script>alert(1)</script> Airstrike on Palmyra <img src=x onerror=alert(2)> killed 2."
    html = _post(analyst, text=text, action="parse").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_report_is_refused_by_name(analyst):
    response = _post(analyst, text="   ", action="parse")
    assert response.status_code == 400 and "paste a report" in response.get_data(as_text=True)
