"""`flask --app app serve`: the production server, started as an operator starts it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def served(tmp_path):
    """The monitor served by two worker processes on a loopback port, with the shipped sites."""
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to see the worker processes")
    env = os.environ | {
        "HERITAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "HERITAGE_SECRET_KEY": "test-only-not-secret",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["init-db"], ["sites", "import", str(REPO / "sites")]):
        subprocess.run([*flask, *args], cwd=REPO, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*flask, "serve", "--no-scheduler", "--workers", "2", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            output = server.communicate()[0]
            pytest.fail(f"the server did not come up: {output}")
        time.sleep(0.2)
    yield server, port
    if server.poll() is None:
        server.kill()
        server.wait()
    server.stdout.close()


def test_serve_answers_from_two_worker_processes_and_stops_cleanly_on_sigterm(served):
    server, port = served
    status, body = _get(port, "/api/v1/sites/palmyra")
    assert status == 200 and json.loads(body)["properties"]["name"] == "Site of Palmyra"
    deadline = time.monotonic() + 30  # the first worker may answer before the second is up
    while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_children(server.pid)) == 2
    for _ in range(20):  # every worker answers from its own connections after the fork
        assert _get(port, "/api/v1/sites?limit=5")[0] == 200

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    output = server.stdout.read()
    assert "with 2 worker process(es)" in output and "Traceback" not in output
