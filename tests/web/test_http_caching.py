"""Read endpoints answer with ETag and Cache-Control and allow cross-origin reads; writes
never allow cross-origin calls."""

from __future__ import annotations

from geometries import PALMYRA_SQUARE
from test_accounts import _login, _user
from test_dashboard import feature, import_sites


def test_a_read_revalidates_with_its_etag(client, runner, tmp_path):
    import_sites(runner, tmp_path, [feature("palmyra", "Palmyra", PALMYRA_SQUARE)])
    first = client.get("/api/v1/sites/palmyra")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    again = client.get("/api/v1/sites/palmyra", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    import_sites(runner, tmp_path, [feature("palmyra", "Palmyra (Tadmur)", PALMYRA_SQUARE)])
    changed = client.get("/api/v1/sites/palmyra", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_reads_allow_any_origin_and_writes_none(client):
    assert client.get("/api/v1/sites").headers["Access-Control-Allow-Origin"] == "*"
    write = client.post("/api/v1/events", json={}, headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in write.headers
    preflight = client.options(
        "/api/v1/events",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_a_logged_in_answer_stays_out_of_shared_caches(client, runner):
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    response = client.get("/api/v1/sites")
    assert response.headers["Cache-Control"].startswith("private")
    assert "Cookie" in response.headers["Vary"]
