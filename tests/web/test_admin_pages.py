"""Sources and subscriptions pages: feed health for everyone logged in, subscriptions for
admins only."""

from __future__ import annotations

from test_accounts import _login, _token, _user


def test_the_sources_page_says_when_a_watched_feed_is_silent(client, runner, tmp_path):
    missing = tmp_path / "gone.csv"
    assert runner.invoke(args=["feeds", "watch", str(missing), "--every", "1h"]).exit_code == 0
    assert runner.invoke(args=["scheduler", "run-once", "--only", "poll"]).exit_code == 0
    assert client.get("/sources").status_code == 302  # log in first
    _user(runner, "vera", "viewer")
    _login(client, "vera")
    html = client.get("/sources").get_data(as_text=True)
    assert str(missing) in html and "silent too long or failing" in html


def test_only_admins_manage_subscriptions(client, runner):
    _user(runner, "amira", "analyst")
    _login(client, "amira")
    assert client.get("/subscriptions").status_code == 403
    client.post("/logout", data={"csrf_token": _token(client, "/")})
    _user(runner, "root", "admin")
    _login(client, "root")
    added = client.post(
        "/subscriptions",
        data={
            "target": "duty@example.org",
            "min_level": "high",
            "csrf_token": _token(client, "/subscriptions"),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Subscription 1 added (pending)" in added and "duty@example.org" in added
    bad = client.post(
        "/subscriptions",
        data={"target": "not an address", "csrf_token": _token(client, "/subscriptions")},
    )
    assert bad.status_code == 400 and "not an email address" in bad.get_data(as_text=True)
    client.post("/subscriptions/1/remove", data={"csrf_token": _token(client, "/subscriptions")})
    assert "duty@example.org" not in client.get("/subscriptions").get_data(as_text=True)
