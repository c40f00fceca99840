"""The webhook channel against a real HTTP server on loopback, and its signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alerts.channels import Envelope, send
from alerts.channels.webhook import sign, verify
from alerts.messages import Message
from heritage.config import Settings
from heritage.domain import Channel

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECRET = "whsec-test-0123456789"
PAYLOAD = {"type": "alert.opened", "summary": "Near Palmyra: تدمر", "alert": {"id": 7}}
# The receivers run on loopback, which only this setting lets the monitor reach.
SETTINGS = Settings(webhook_timeout_s=5.0, allow_loopback_fetch=True)


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers ``status``."""

    def __init__(self) -> None:
        self.status = 204
        self.location = ""
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/heritage"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def reset(self) -> None:
        self.status, self.location = 204, ""
        with self._lock:
            self.requests.clear()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture(scope="module")
def running_receiver():
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver(running_receiver):
    """The module's receiver, answering 204 with nothing recorded yet."""
    running_receiver.reset()
    return running_receiver


def envelope(target: str, **changes) -> Envelope:
    values = {
        "key": "alert-7-v1.sub-9",
        "channel": Channel.WEBHOOK,
        "target": target,
        "message": Message(subject="unused", text="", html=""),
        "payload": PAYLOAD,
        "secret": SECRET,
    }
    return Envelope(**(values | changes))


@pytest.mark.parametrize("status", [200, 204])
def test_2xx_is_delivered_and_the_signature_verifies(receiver, status):
    receiver.status = status
    result = send(envelope(receiver.url), SETTINGS, now=NOW)

    assert result.delivered and not result.permanent
    assert result.detail.startswith(f"HTTP {status}")
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hooks/heritage"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "heritage-monitor"
    assert headers["X-Heritage-Delivery"] == "alert-7-v1.sub-9"
    assert headers["X-Heritage-Timestamp"] == str(int(NOW.timestamp()))
    assert body == json.dumps(
        PAYLOAD, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert verify(body, headers, SECRET, now=NOW + timedelta(seconds=30))


def test_tampered_body_wrong_secret_or_old_timestamp_fail_verification(receiver):
    send(envelope(receiver.url), SETTINGS, now=NOW)
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]

    assert not verify(body.replace(b"Palmyra", b"Pa1myra"), headers, SECRET, now=NOW)
    assert not verify(body, headers, "another-secret", now=NOW)
    assert not verify(body, headers, SECRET, now=NOW + timedelta(seconds=301))
    assert not verify(body, headers, SECRET, now=NOW - timedelta(seconds=301))
    assert verify(body, headers, SECRET, now=NOW + timedelta(seconds=300))
    later = str(int(NOW.timestamp()) + 60)  # a replay with a fresh timestamp but the old MAC
    assert not verify(body, headers | {"X-Heritage-Timestamp": later}, SECRET, now=NOW)


def test_verify_reads_headers_in_any_case_and_rejects_missing_ones():
    body = b'{"a":1}'
    timestamp = int(NOW.timestamp())
    headers = {
        "x-heritage-timestamp": str(timestamp),
        "x-heritage-signature": sign(body, "k", timestamp),
    }
    assert verify(body, headers, "k", now=NOW)
    assert not verify(body, {"x-heritage-timestamp": str(timestamp)}, "k", now=NOW)
    assert not verify(body, {}, "k", now=NOW)
    assert not verify(body, headers, "", now=NOW)


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    expected = hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign(b"{}", "key", 1700000000) == f"sha256={expected}"


def test_without_a_secret_no_signature_is_sent(receiver):
    send(envelope(receiver.url, secret=""), SETTINGS, now=NOW)
    [request] = receiver.requests
    assert "X-Heritage-Signature" not in request["headers"]


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_server_errors_and_throttling_are_retryable(receiver, status):
    receiver.status = status
    result = send(envelope(receiver.url), SETTINGS, now=NOW)

    assert not result.delivered and not result.permanent
    assert result.detail.startswith(f"HTTP {status}")


@pytest.mark.parametrize("status", [400, 404, 410])
def test_client_errors_are_permanent(receiver, status):
    receiver.status = status
    result = send(envelope(receiver.url), SETTINGS, now=NOW)

    assert not result.delivered and result.permanent
    assert result.detail.startswith(f"HTTP {status}")


def test_redirect_is_not_followed(receiver):
    receiver.status = 302
    receiver.location = receiver.url.replace("/hooks/heritage", "/elsewhere")
    result = send(envelope(receiver.url), SETTINGS, now=NOW)

    assert not result.delivered and result.permanent
    assert "HTTP 302" in result.detail and "not followed" in result.detail
    assert [r["path"] for r in receiver.requests] == ["/hooks/heritage"]


def test_closed_port_is_retryable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = send(envelope(f"http://127.0.0.1:{port}/hook"), SETTINGS, now=NOW)

    assert not result.delivered and not result.permanent
    assert "refused" in result.detail.lower()


def test_silent_receiver_times_out_and_is_retryable():
    with socket.socket() as listener:  # accepts connections in the kernel, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
        quick = Settings(webhook_timeout_s=0.2, allow_loopback_fetch=True)
        result = send(envelope(url), quick, now=NOW)

    assert not result.delivered and not result.permanent
    assert "timed out" in result.detail


@pytest.mark.parametrize(
    "changes", [{"target": "ftp://files.test/hook"}, {"payload": None}, {"payload": {"a": {1, 2}}}]
)
def test_undeliverable_envelopes_fail_permanently_without_a_request(receiver, changes):
    values = {"target": receiver.url} | changes
    result = send(envelope(**values), SETTINGS, now=NOW)

    assert not result.delivered and result.permanent
    assert receiver.requests == []


def test_loopback_receiver_is_refused_permanently_without_the_setting(receiver):
    result = send(envelope(receiver.url), Settings(webhook_timeout_s=5.0), now=NOW)

    assert not result.delivered and result.permanent
    assert "127.0.0.1 is a loopback address" in result.detail
    assert receiver.requests == []


@pytest.mark.parametrize(
    "target, words",
    [
        ("http://10.0.0.5/hook", "10.0.0.5 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata"),
    ],
)
def test_private_and_metadata_targets_fail_permanently_even_with_loopback_allowed(target, words):
    result = send(envelope(target), SETTINGS, now=NOW)  # refused before any connection

    assert not result.delivered and result.permanent
    assert words in result.detail
