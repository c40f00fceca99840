"""Accounts on the dashboard: login, roles, CSRF on every form, no open redirect, login
rate limit, and alert actions recorded under the person's name."""

from __future__ import annotations

import re

import pytest
from test_site_pages import _palmyra_alert, alerted  # noqa: F401 - a fixture

PASSWORD = "correct horse battery"


def _user(runner, name: str, role: str) -> None:
    result = runner.invoke(
        args=["users", "create", name, "--role", role, "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output


def _token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[
        1
    ]


def _login(client, name: str, password: str = PASSWORD):
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": _token(client, "/login")},
    )


def test_the_first_admin_is_made_on_the_command_line(runner):
    _user(runner, "amira", "admin")
    assert "amira\tadmin\tenabled" in runner.invoke(args=["users", "list"]).output
    short = runner.invoke(args=["users", "create", "bob", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    again = runner.invoke(args=["users", "create", "amira", "--password-stdin"], input=PASSWORD)
    assert again.exit_code != 0 and "exists already" in again.output


def test_login_sets_a_safe_session_cookie_and_a_wrong_password_is_refused(client, runner):
    _user(runner, "amira", "analyst")
    wrong = _login(client, "amira", "not the password at all")
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.get_data(True)
    assert _login(client, "nobody").status_code == 401
    ok = _login(client, "amira")
    assert ok.status_code == 302
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "amira (analyst)" in client.get("/").get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, runner):
    _user(runner, "amira", "analyst")
    refused = client.post("/login", data={"username": "amira", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)


def test_login_never_redirects_off_the_site(client, runner):
    _user(runner, "amira", "viewer")
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={
                "username": "amira",
                "password": PASSWORD,
                "next": target,
                "csrf_token": _token(client, "/login"),
            },
        )
        assert response.headers["Location"] == "/", target
    response = client.post(
        "/login",
        data={
            "username": "amira",
            "password": PASSWORD,
            "next": "/alerts",
            "csrf_token": _token(client, "/login"),
        },
    )
    assert response.headers["Location"] == "/alerts"


def test_logins_are_rate_limited_per_address(client, runner):
    _user(runner, "amira", "viewer")
    token = _token(client, "/login")
    codes = [
        client.post(
            "/login", data={"username": "amira", "password": "guess", "csrf_token": token}
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_an_analyst_acknowledges_from_the_alert_page_and_is_named_in_the_history(
    client,
    runner,
    alerted,  # noqa: F811 - the fixture
):
    alert_id = _palmyra_alert(client)
    page = f"/alerts/{alert_id}"
    assert "Acknowledge" not in client.get(page).get_data(as_text=True)  # anonymous: read only
    anonymous = client.post(f"{page}/acknowledge", data={"csrf_token": _token(client, "/login")})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    _user(runner, "vera", "viewer")
    _login(client, "vera")
    assert (
        client.post(f"{page}/acknowledge", data={"csrf_token": _token(client, page)}).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": _token(client, page)})
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    done = client.post(
        f"{page}/acknowledge",
        data={
            "disposition": "confirmed",
            "note": "seen on imagery",
            "csrf_token": _token(client, page),
        },
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Acknowledged by amira as confirmed" in html
    assert "<q>seen on imagery</q>" in html
    bad = client.post(
        f"{page}/acknowledge",
        data={"disposition": "maybe", "csrf_token": _token(client, page)},
    )
    assert bad.status_code == 400 and "disposition must be one of" in bad.get_data(as_text=True)


@pytest.mark.parametrize("hours", ["0", "x", "100000"])
def test_a_bad_snooze_length_is_named(client, runner, alerted, hours):  # noqa: F811
    alert_id = _palmyra_alert(client)
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    page = f"/alerts/{alert_id}"
    response = client.post(
        f"{page}/snooze", data={"hours": hours, "csrf_token": _token(client, page)}
    )
    assert response.status_code == 400 and "hours" in response.get_data(as_text=True)
