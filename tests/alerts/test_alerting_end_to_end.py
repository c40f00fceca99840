"""Alerting end to end with real parts: the CLI, the database, the scheduler's jobs, a real
SMTP server and a real HTTP server on loopback, and real processes killed mid-delivery."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import REPO, SHARED_DATA
from event_files import ACLED_COLUMNS, acled_row, write_table
from smtp import SmtpServer

from alerts.channels.webhook import verify
from heritage.store import deliveries
from heritage.store.session import migrate
from heritage.web import create_app

SEED = SHARED_DATA.parent / "seeds" / "palmyra-joint-attack-report.txt"
SEED_COPY = REPO / "seeds" / "palmyra-joint-attack-report.txt"  # the same text, shipped


def _app(database_url, clock, **config):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "CLOCK": clock,
            "SECRET_KEY": "test-secret",
            "SMTP_SECURITY": "none",
            **config,
        }
    )
    migrate(app.extensions["heritage"].engine)
    return app


@pytest.fixture
def mail_app(database_url, clock, smtp_server):
    # The webhook receiver listens on loopback, which only this setting lets the monitor reach.
    app = _app(
        database_url,
        clock,
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        ALLOW_LOOPBACK_FETCH=True,
    )
    yield app
    app.extensions["heritage"].engine.dispose()


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _registry_and_report(app) -> None:
    _cli(app, "sites", "import", str(REPO / "sites"))
    _cli(app, "reports", "ingest", str(SEED if SEED.is_file() else SEED_COPY))


def test_a_palmyra_subscriber_gets_one_email_for_the_original_report(mail_app, smtp_server, clock):
    _registry_and_report(mail_app)
    _cli(mail_app, "subscriptions", "add", "duty@example.org", "--sites", "palmyra", "--confirmed")
    _cli(mail_app, "subscriptions", "add", "petra@example.org", "--sites", "petra", "--confirmed")
    _cli(mail_app, "scheduler", "run-once")
    [mail] = smtp_server.wait_for(1)
    message = mail.message
    assert mail.rcpt_tos == ("duty@example.org",)
    assert "Palmyra" in message["Subject"] and "LOW" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Armed clash" in text and "1.3 km" in text
    assert "/sites/palmyra" in text
    assert "To stop these messages: http://127.0.0.1:5000/subscriptions/unsubscribe/" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/subscriptions/unsubscribe/" in message["List-Unsubscribe"]
    clock.now += timedelta(minutes=10)
    _cli(mail_app, "scheduler", "run-once")
    _cli(mail_app, "reports", "ingest", str(SEED_COPY))  # the same report again: no news
    _cli(mail_app, "scheduler", "run-once")
    assert len(smtp_server.messages) == 1
    shown = _cli(mail_app, "alerts", "show", "1")
    assert "opened by monitor" in shown and "duty@example.org: sent" in shown


def test_an_unconfirmed_address_gets_only_the_confirmation_link(mail_app, smtp_server):
    _registry_and_report(mail_app)
    _cli(mail_app, "subscriptions", "add", "new@example.org", "--sites", "palmyra")
    _cli(mail_app, "scheduler", "run-once")
    [mail] = smtp_server.wait_for(1)
    assert "/subscriptions/confirm/" in mail.message.get_body(("plain",)).get_content()
    assert "Palmyra" not in mail.message["Subject"]


def test_smtp_down_retries_with_backoff_and_loses_nothing(
    database_url, clock, smtp_server, mail_app
):
    down = _app(database_url, clock, SMTP_HOST="127.0.0.1", SMTP_PORT=_closed_port())
    _registry_and_report(down)
    _cli(down, "subscriptions", "add", "duty@example.org", "--sites", "palmyra", "--confirmed")
    _cli(down, "scheduler", "run-once")
    with down.extensions["heritage"].session() as session:
        [row] = deliveries.list_deliveries(session)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock() + timedelta(seconds=60)
    assert "connect" in row.last_error.lower()
    clock.now += timedelta(seconds=30)  # not due yet: no attempt
    _cli(down, "scheduler", "run-once", "--only", "deliver")
    with down.extensions["heritage"].session() as session:
        assert deliveries.list_deliveries(session)[0].attempts == 1
    clock.now += timedelta(seconds=31)  # the server is back
    _cli(mail_app, "scheduler", "run-once", "--only", "deliver")
    assert len(smtp_server.wait_for(1)) == 1
    _cli(mail_app, "scheduler", "run-once", "--only", "deliver")
    assert len(smtp_server.messages) == 1
    down.extensions["heritage"].engine.dispose()


def test_an_answer_dropped_after_the_server_accepted_is_not_sent_again(mail_app, smtp_server):
    smtp_server.drop_on_quit = True
    _registry_and_report(mail_app)
    _cli(mail_app, "subscriptions", "add", "duty@example.org", "--confirmed")
    _cli(mail_app, "scheduler", "run-once")
    _cli(mail_app, "scheduler", "run-once", "--only", "deliver")
    assert len(smtp_server.wait_for(1)) == 1
    with mail_app.extensions["heritage"].session() as session:
        assert [d.status for d in deliveries.list_deliveries(session)] == ["sent"]


class _KillingSmtpServer(SmtpServer):
    """Kills the delivering process when the first message arrives, before answering it:
    the message is stored here, but the sender never learns it was accepted."""

    victim: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.victim is not None:
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait()
            self.victim = None
        return answer


def test_a_deliverer_killed_mid_send_resends_only_the_message_in_flight(
    database_url, clock, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the subprocess part runs once, on SQLite")
    server = _KillingSmtpServer()
    server.start()
    try:
        app = _app(database_url, clock, SMTP_HOST=server.host, SMTP_PORT=server.port)
        _registry_and_report(app)
        for who in ("a", "b", "c"):
            _cli(app, "subscriptions", "add", f"{who}@example.org", "--confirmed")
        _cli(app, "scheduler", "run-once", "--only", "assess")
        _cli(app, "scheduler", "run-once", "--only", "alerts")
        env = {
            **os.environ,
            "HERITAGE_DATABASE_URL": database_url,
            "HERITAGE_SECRET_KEY": "test-secret",
            "HERITAGE_SMTP_HOST": server.host,
            "HERITAGE_SMTP_PORT": str(server.port),
            "HERITAGE_SMTP_SECURITY": "none",
        }
        command = [sys.executable, "-m", "flask", "--app", "app", "scheduler", "run-once"]
        server.victim = subprocess.Popen(  # noqa: S603 - our own command line
            [*command, "--only", "deliver"], cwd=REPO, env=env, stderr=subprocess.DEVNULL
        )
        victim = server.victim
        victim.wait(timeout=60)
        assert victim.returncode == -signal.SIGKILL
        assert len(server.messages) == 1
        again = subprocess.run(  # noqa: S603
            [*command, "--only", "deliver"], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert again.returncode == 0, again.stderr
        assert "answer was lost" in again.stderr
        received = [m.rcpt_tos[0] for m in server.wait_for(4)]
        assert sorted(received) == sorted(
            ["a@example.org", "a@example.org", "b@example.org", "c@example.org"]
        )
        twice = [
            m.message["Message-ID"] for m in server.messages if m.rcpt_tos[0] == "a@example.org"
        ]
        assert twice[0] == twice[1]  # mail clients fold the copy
        app.extensions["heritage"].engine.dispose()
    finally:
        server.stop()


class _Hooks(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_webhook_gets_a_signed_json_body(mail_app, clock):
    _Hooks.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _registry_and_report(mail_app)
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks/heritage"
        secret = _cli(mail_app, "subscriptions", "add", url).strip().splitlines()[-1]
        _cli(mail_app, "scheduler", "run-once")
        [(headers, body)] = _Hooks.received
        assert verify(body, headers, secret, now=clock())
        payload = json.loads(body)
        assert payload["type"] == "alert.opened"
        assert payload["alert"]["site_id"] == "palmyra"
        assert headers["X-Heritage-Delivery"].startswith("alert-")
    finally:
        server.shutdown()
        server.server_close()


def test_a_daily_digest_says_all_quiet_and_a_silent_feed_reaches_admins(
    mail_app, smtp_server, clock, tmp_path
):
    _cli(mail_app, "sites", "import", str(REPO / "sites"))
    _cli(
        mail_app,
        "subscriptions",
        "add",
        "admin@example.org",
        "--digest",
        "daily",
        "--digest-hour",
        "7",
        "--feed-health",
        "--confirmed",
    )
    missing = tmp_path / "exports" / "acled.csv"
    _cli(mail_app, "feeds", "watch", str(missing), "--every", "1h", "--format", "acled")
    _cli(mail_app, "scheduler", "run-once")  # 12:00 UTC: today's 07:00 digest is due
    subjects = sorted(m.message["Subject"] for m in smtp_server.wait_for(2))
    assert any("all quiet" in s.lower() for s in subjects)
    assert any("feed" in s.lower() for s in subjects)
    feed_mail = next(m for m in smtp_server.messages if "feed" in m.message["Subject"].lower())
    assert str(missing) in feed_mail.message.get_body(("plain",)).get_content()
    clock.now += timedelta(hours=2)
    _cli(mail_app, "scheduler", "run-once")  # same episode, same day: nothing more
    assert len(smtp_server.messages) == 2


BEAT, DELIVER, RAN = "jobs: job heartbeat", "jobs: job deliver", "jobs: job "


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_until(stream, needle: str, lines: list[str], timeout: float = 60) -> bool:
    """Read a process's log lines until one contains ``needle`` (False at end or timeout)."""
    found = threading.Event()

    def read():
        for line in stream:
            lines.append(line)
            if needle in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    return found.wait(timeout)


def test_a_second_scheduler_process_runs_no_job_while_the_first_holds_the_lock(
    database_url, clock, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the two-process part runs once, on SQLite")
    app = _app(database_url, clock)
    _cli(app, "sites", "import", str(REPO / "sites"))
    env = {
        **os.environ,
        "HERITAGE_DATABASE_URL": database_url,
        "HERITAGE_SECRET_KEY": "test-secret",
        "HERITAGE_SCHEDULER_HEARTBEAT_S": "1",
        "HERITAGE_DELIVERY_INTERVAL_S": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "scheduler", "run"]
    first = subprocess.Popen(  # noqa: S603
        command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )
    second = None
    try:
        first_log: list[str] = []
        assert _read_until(first.stderr, BEAT, first_log), "".join(first_log)
        second = subprocess.Popen(  # noqa: S603
            command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
        )
        second_log: list[str] = []
        assert _read_until(second.stderr, "holds the lock", second_log), "".join(second_log)
        assert _read_until(first.stderr, DELIVER, first_log)  # the first goes on
        assert not any(RAN in line for line in second_log)
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        # Released on a clean stop: the second takes over and runs the jobs itself.
        assert _read_until(second.stderr, BEAT, second_log), "".join(second_log)
    finally:
        for process in (first, second):
            if process is not None:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                process.stderr.close()
    app.extensions["heritage"].engine.dispose()


def test_an_alert_whose_only_event_is_retracted_is_withdrawn_and_says_so(
    mail_app, smtp_server, clock, tmp_path
):
    _cli(mail_app, "sites", "import", str(REPO / "sites"))
    _cli(mail_app, "subscriptions", "add", "duty@example.org", "--sites", "palmyra", "--confirmed")
    shelling = acled_row("SYR1", event_date="2026-11-23", year="2026")
    _cli(
        mail_app,
        "reports",
        "ingest",
        str(write_table(tmp_path / "a.csv", ACLED_COLUMNS, [shelling])),
    )
    _cli(mail_app, "scheduler", "run-once")
    [opened] = smtp_server.wait_for(1)
    assert "alert opened" in opened.message["Subject"]
    clock.now += timedelta(hours=1)
    deleted = write_table(
        tmp_path / "deleted.csv",
        ["event_id_cnty", "deleted_timestamp"],
        [{"event_id_cnty": "SYR1", "deleted_timestamp": "1700001000"}],
    )
    _cli(mail_app, "reports", "ingest", str(deleted), "--format", "acled-deletions")
    _cli(mail_app, "scheduler", "run-once")
    withdrawn = smtp_server.wait_for(2)[1].message
    assert "withdrawn" in withdrawn["Subject"]
    assert "retracted" in withdrawn.get_body(("plain",)).get_content()
    assert "withdrawn by monitor" in _cli(mail_app, "alerts", "show", "1")


def test_a_subscription_to_a_drawn_area_hears_of_sites_inside_it(mail_app, smtp_server, tmp_path):
    _registry_and_report(mail_app)
    around_palmyra = {
        "type": "Polygon",
        "coordinates": [[[38.0, 34.4], [38.5, 34.4], [38.5, 34.7], [38.0, 34.7], [38.0, 34.4]]],
    }
    (tmp_path / "badia.geojson").write_text(json.dumps(around_palmyra))
    (tmp_path / "petra.geojson").write_text(
        json.dumps(
            {
                **around_palmyra,
                "coordinates": [
                    [[35.3, 30.2], [35.6, 30.2], [35.6, 30.5], [35.3, 30.5], [35.3, 30.2]]
                ],
            }
        )
    )
    for who, area in (("badia", "badia.geojson"), ("petra", "petra.geojson")):
        _cli(
            mail_app,
            "subscriptions",
            "add",
            f"{who}@example.org",
            "--area",
            str(tmp_path / area),
            "--confirmed",
        )
    bad = tmp_path / "line.geojson"
    bad.write_text(json.dumps({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}))
    refused = mail_app.test_cli_runner().invoke(
        args=["subscriptions", "add", "x@example.org", "--area", str(bad)]
    )
    assert refused.exit_code != 0 and "Polygon" in refused.output
    _cli(mail_app, "scheduler", "run-once")
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [("badia@example.org",)]
