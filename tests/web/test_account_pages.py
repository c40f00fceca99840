"""The accounts page: admins manage people and partners' API keys in the dashboard."""

from __future__ import annotations

import re

from test_accounts import PASSWORD, _login, _token, _user


def _admin(client, runner) -> None:
    _user(runner, "root", "admin")
    _login(client, "root")


def _post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": _token(client, "/accounts")})


def _events_status(client, key: str) -> int:
    return client.post(
        "/api/v1/events",
        json={"type": "FeatureCollection", "features": []},
        headers={"Authorization": f"Bearer {key}"},
    ).status_code


def _shown_key(response) -> str:
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.search(r"<code>([A-Za-z0-9_-]{40,})</code>", response.get_data(as_text=True))[1]


def test_only_admins_see_the_accounts_page(client, runner):
    assert client.get("/accounts").status_code == 302  # log in first
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    assert client.get("/accounts").status_code == 403
    assert "Accounts</a>" not in client.get("/").get_data(as_text=True)


def test_an_admin_adds_a_person_who_can_then_log_in_with_that_role(client, runner, app):
    _admin(client, runner)
    added = _post(client, "/accounts/users", username="Nadia", role="analyst", password=PASSWORD)
    assert added.status_code == 302
    page = client.get("/accounts").get_data(as_text=True)
    assert "User nadia created (analyst)" in page and PASSWORD not in page
    weak = _post(client, "/accounts/users", username="omar", role="viewer", password="short")
    assert weak.status_code == 400 and "at least 12 characters" in weak.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _token(client, "/")})
    _login(client, "nadia")
    assert client.get("/reports/new").status_code == 200  # an analyst's page


def test_a_disabled_person_is_signed_out_and_the_last_admin_cannot_be_removed(client, runner):
    _admin(client, runner)
    _user(runner, "vera", "viewer")
    other = client.application.test_client()
    _login(other, "vera")
    assert other.get("/sources").status_code == 200
    assert _post(client, "/accounts/users/vera/disable").status_code == 302
    assert other.get("/sources").status_code == 302  # sent to log in again
    assert _login(other, "vera").status_code == 401  # a disabled account cannot log in
    assert other.get("/sources").status_code == 302

    alone = _post(client, "/accounts/users/root/role", role="viewer")
    assert alone.status_code == 409 and "only enabled admin" in alone.get_data(as_text=True)
    assert _post(client, "/accounts/users/root/disable").status_code == 409
    _post(client, "/accounts/users/vera/enable")
    _post(client, "/accounts/users/vera/role", role="admin")
    assert _post(client, "/accounts/users/root/role", role="analyst").status_code == 302
    assert client.get("/accounts").status_code == 403  # root is an analyst now


def test_an_api_key_is_shown_once_works_and_stops_working_when_rotated_or_revoked(client, runner):
    _admin(client, runner)
    first = _shown_key(_post(client, "/accounts/api-keys", name="acme-monitoring"))
    assert _events_status(client, first) in (200, 201)
    listing = client.get("/accounts").get_data(as_text=True)
    assert "acme-monitoring" in listing and first not in listing

    second = _shown_key(_post(client, "/accounts/api-keys/acme-monitoring/rotate"))
    assert second != first
    assert _events_status(client, first) == 401 and _events_status(client, second) in (200, 201)

    _post(client, "/accounts/api-keys/acme-monitoring/revoke")
    assert _events_status(client, second) == 401
    assert "revoked" in client.get("/accounts").get_data(as_text=True)
    taken = _post(client, "/accounts/api-keys", name="acme-monitoring")
    assert taken.status_code == 409 and "exists already" in taken.get_data(as_text=True)
    assert _post(client, "/accounts/api-keys/nobody/revoke").status_code == 404
