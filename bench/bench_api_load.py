"""Load test: the read API with 20 concurrent clients on loopback, as served in production.

Target: ``GET /api/v1/sites?bbox=...`` and ``GET /api/v1/sites/<id>`` at p99 under 50 ms with
100,000 sites and 1,000,000 events stored.

The database is built once through the real store (``save_sites``, ``save_events`` in batches,
then one ``match_and_assess``), so schema, indexes and data shapes are production's, and cached
under ``bench/out/`` keyed on SITES, EVENTS, the schema revision and this generator's version.
Sites are small squares (about 200 m) with a 1 km buffer ring, with an English and an Arabic
name; half lie in the Syria-Iraq box, half over the world, every 50th is sensitive. One event
in ten falls in the Syria-Iraq box (the dense case: about 50 sites within reach of each),
the rest over the world; dates spread over the two years before the build day.

The app is served by ``flask --app app serve --no-scheduler`` (gunicorn, WORKERS processes of
8 threads, default 2) in a subprocess, as in production, measured once its workers have built
their published-sites cache (``HERITAGE_PUBLISHED_SITES_MAX`` sites, from the environment:
set it to SITES to cache the whole registry, about 1.5 GB a worker at 100,000 sites). CLIENTS
threads (default 20) each keep one HTTP/1.1 connection alive and send the next request as
soon as the last one is answered (a closed loop: latency is then about CLIENTS times the
server's CPU time per request, shared among the cores). Each endpoint is a phase of its own:
WARMUP requests (default 200), SERIAL_REQUESTS one at a time (default 100: the service time
alone), then REQUESTS with all clients (default 2,000; the extra endpoints EXTRA_REQUESTS,
default 500), stopped after PHASE_MAX_S seconds (default 180). Printed per
endpoint: p50, p90, p99 and max latency, throughput, errors, answer size, and the cores the
server process and the client threads used. The machine is shared: read the load average.

``--unesco`` loads the UNESCO World Heritage List (``../shared/data/heritage/whc-sites-2023.csv``
through ``import_whc_list``; SITES synthetic sites when it is missing) with EVENTS (default
100,000) and also times the home page's first data load: the page, then what map.js fetches
at once (the basemap, the sites list and the recent events, each following ``next`` links).

``--replay NAME`` (sites-bbox-dense, sites-bbox-world, sites-id, events-bbox-dense,
site-events) replays REQUESTS (default 300) of one endpoint one after the other in-process
through ``app.test_client()``, then runs the SQL they sent again through sqlite3 alone, every
row fetched, ranked by time, with the costliest statement's plan. Run it under pyinstrument
to see where the Python time goes.

Run (the first run at the issue's size builds a 1.8 GB database for about 12 minutes):
  make bench                                # SITES=20000 EVENTS=200000 PHASE_MAX_S=60
  .venv/bin/python bench/bench_api_load.py  # the issue's size: 100,000 sites, 1,000,000 events
  .venv/bin/python bench/bench_api_load.py --unesco
  .venv/bin/pyinstrument bench/bench_api_load.py --replay sites-bbox-dense
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import platform
import queue
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage import pipeline  # noqa: E402
from heritage.config import RISK_MODEL, Settings  # noqa: E402
from heritage.domain import (  # noqa: E402
    ConflictEvent,
    DatePrecision,
    Designation,
    DesignationKind,
    EventType,
    Fatalities,
    GeometryPrecision,
    Provenance,
    Site,
    SiteName,
)
from heritage.geo import buffer_ring  # noqa: E402
from heritage.pipeline.risk import match_and_assess  # noqa: E402
from heritage.runtime import build_runtime  # noqa: E402
from heritage.store import events as event_store  # noqa: E402
from heritage.store import sites as site_store  # noqa: E402
from heritage.store.session import create_db_engine, migrate, schema_revisions  # noqa: E402

GENERATOR = 1  # bump when the synthetic data changes, so cached databases are rebuilt
OUT = REPO / "bench" / "out"
WHC = REPO.parent / "shared" / "data" / "heritage" / "whc-sites-2023.csv"
BOX = ((35.0, 48.0), (29.0, 37.5))  # Syria-Iraq
WORLD = ((-180.0, 180.0), (-80.0, 80.0))
BBOX_DEG = 0.5
SENSITIVE_EVERY = 50
EVENTS_IN_BOX_EVERY = 10
PRECISIONS_M = ([10.0, 2_000.0, 10_000.0, 25_000.0, 100_000.0], [0.3, 0.35, 0.2, 0.1, 0.05])
WORLD_COUNTRIES = ["FR", "IT", "CN", "MX", "IN", "EG", "PE", "TR", "IR", "GR", "ES", "ET"]
SITE_BATCH, EVENT_BATCH = 5_000, 20_000


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# --- the database -------------------------------------------------------------------------


def _database(n_sites: int, n_events: int, *, is_unesco: bool) -> Path:
    """The cached database file for these sizes, built first when missing."""
    registry = "whc2023" if is_unesco and WHC.exists() else f"{n_sites}sites"
    _, head = schema_revisions(create_db_engine("sqlite://"))
    path = OUT / f"api_load-{registry}-{n_events}events-{head}-g{GENERATOR}.sqlite3"
    if path.exists():
        print(f"database: reusing {path.relative_to(REPO)} ({path.stat().st_size / 1e9:.2f} GB)")
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    older = sorted(OUT.glob(f"api_load-{registry}-{n_events}events-*-g{GENERATOR}.sqlite3"))
    if older:  # same data, an older schema: migrating a copy takes a minute, not a rebuild's 12
        print(f"database: upgrading a copy of {older[-1].relative_to(REPO)} to schema {head}")
        shutil.copyfile(older[-1], partial)
        engine = create_db_engine(f"sqlite:///{partial}")
        migrate(engine)
        engine.dispose()
    else:
        _build(partial, n_sites, n_events, is_whc=registry == "whc2023")
    partial.replace(path)
    print(f"database: {path.relative_to(REPO)} ({path.stat().st_size / 1e9:.2f} GB)")
    return path


def _build(path: Path, n_sites: int, n_events: int, *, is_whc: bool) -> None:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    runtime = build_runtime(Settings(), f"sqlite:///{path}", lambda: today)
    migrate(runtime.engine)
    started = time.perf_counter()
    if is_whc:
        with runtime.session() as session:
            result = pipeline.import_whc_list(session, WHC, Settings(), now=today)
            session.commit()
        print(f"build: UNESCO list imported, {len(result.created):,} sites", end="")
    else:
        _store_sites(runtime, n_sites, today)
        print(f"build: {n_sites:,} sites stored", end="")
    print(f" in {time.perf_counter() - started:.0f} s")
    _store_events(runtime, n_events, today)
    print("build: matching every event and assessing every site (one match_and_assess)...")
    with runtime.session() as session:
        started = time.perf_counter()
        result = match_and_assess(session, RISK_MODEL, now=today + timedelta(minutes=1))
        print(
            f"build: matched {result.events_matched:,} events ({result.exposures:,} exposures) "
            f"and assessed {len(result.levels):,} sites in {time.perf_counter() - started:.0f} s"
        )
    with runtime.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    runtime.engine.dispose()


def _store_sites(runtime, n_sites: int, today: datetime) -> None:
    rng = np.random.default_rng(1)
    in_box = np.arange(n_sites) % 2 == 0
    lon = np.where(in_box, rng.uniform(*BOX[0], n_sites), rng.uniform(*WORLD[0], n_sites))
    lat = np.where(in_box, rng.uniform(*BOX[1], n_sites), rng.uniform(*WORLD[1], n_sites))
    lon = np.clip(lon, -179.98, 179.98)  # keep the 1 km rings off the antimeridian
    started = time.perf_counter()
    for first in range(0, n_sites, SITE_BATCH):
        chunk = range(first, min(first + SITE_BATCH, n_sites))
        with runtime.session() as session:
            site_store.save_sites(session, [_site(i, lon[i], lat[i]) for i in chunk], now=today)
            session.commit()
        if (chunk.stop % 20_000 == 0) or chunk.stop == n_sites:
            rate = chunk.stop / (time.perf_counter() - started)
            print(f"  sites {chunk.stop:>9,} / {n_sites:,} ({rate:,.0f}/s)", flush=True)


def _site(i: int, lon: float, lat: float) -> Site:
    half = 0.001
    core = shapely.MultiPolygon([shapely.box(lon - half, lat - half, lon + half, lat + half)])
    if i % 2 == 0:
        countries = ("SY",) if lon < 42.0 else ("IQ",)
    else:
        countries = (WORLD_COUNTRIES[i % len(WORLD_COUNTRIES)],)
    return Site(
        f"s{i:06d}",
        f"Site {i}",
        core,
        buffer_ring(core, 1000.0),
        Designation(DesignationKind.NATIONAL),
        Provenance(GeometryPrecision.DIGITISED, {"geometry": "synthetic"}),
        names=(SiteName(f"Site {i}", "en"), SiteName(f"موقع {i}", "ar")),
        countries=countries,
        sensitive=i % SENSITIVE_EVERY == 0,
    )


def _store_events(runtime, n_events: int, today: datetime) -> None:
    started = time.perf_counter()
    for first in range(0, n_events, EVENT_BATCH):
        last = min(first + EVENT_BATCH, n_events)
        with runtime.session() as session:
            event_store.save_events(session, _events(first, last, today.date()), now=today)
            session.commit()
        if last % 100_000 == 0 or last == n_events:
            rate = last / (time.perf_counter() - started)
            print(f"  events {last:>9,} / {n_events:,} ({rate:,.0f}/s)", flush=True)
    print(f"build: {n_events:,} events stored in {time.perf_counter() - started:.0f} s")


def _events(first: int, last: int, today: date) -> list[ConflictEvent]:
    rng = np.random.default_rng(first)
    n = last - first
    in_box = (np.arange(first, last) % EVENTS_IN_BOX_EVERY) == 0
    lon = np.where(in_box, rng.uniform(*BOX[0], n), rng.uniform(*WORLD[0], n))
    lat = np.where(in_box, rng.uniform(*BOX[1], n), rng.uniform(*WORLD[1], n))
    precision = rng.choice(PRECISIONS_M[0], n, p=PRECISIONS_M[1])
    age_days = rng.integers(0, 730, n)
    fatalities = rng.poisson(1.0, n)
    kinds = list(EventType)
    return [
        _event(first + k, kinds[(first + k) % len(kinds)], today - timedelta(days=int(age)), *row)
        for k, (age, *row) in enumerate(
            zip(
                age_days,
                lon.tolist(),
                lat.tolist(),
                precision.tolist(),
                fatalities.tolist(),
                strict=True,
            )
        )
    ]


def _event(i: int, kind: EventType, day: date, lon, lat, precision_m, fatalities) -> ConflictEvent:
    return ConflictEvent(
        "bench",
        f"e{i:07d}",
        day,
        day,
        DatePrecision.DAY,
        lon,
        lat,
        precision_m,
        kind,
        kind.value.replace("_", " ").title(),
        place=f"Place {i % 5000}",
        admin=(f"Province {i % 40}",),
        country="SY" if 35.0 <= lon <= 48.0 and 29.0 <= lat <= 37.5 else "XX",
        actors=("Armed group A", "Armed group B"),
        fatalities=Fatalities(fatalities, fatalities, fatalities + 2),
        description=f"Synthetic {kind.value} near Place {i % 5000}; "
        "reported by the bench source, casualties as stated, location to the town.",
        url=f"https://example.org/bench/{i}",
        revision="1",
    )


# --- the requests ---------------------------------------------------------------------------


def _request_mixes(path: Path, n: int, seed: int = 11) -> dict[str, list[str]]:
    """Each endpoint's request paths (n of each, random but the same every run)."""
    rng = np.random.default_rng(seed)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        sites = db.execute("SELECT id, min_lon, min_lat, sensitive FROM sites").fetchall()
        exposed = [
            row[0]
            for row in db.execute(
                "SELECT DISTINCT e.site_id FROM exposures e JOIN sites s ON s.id = e.site_id"
                " WHERE NOT s.sensitive"
            )
        ]
    ids = [s[0] for s in sites]
    world = [s for s in sites if s[1] is not None and not _is_in_box(s[1], s[2])]
    dense = [
        (rng.uniform(BOX[0][0], BOX[0][1] - BBOX_DEG), rng.uniform(BOX[1][0], BOX[1][1] - BBOX_DEG))
        for _ in range(n)
    ]
    sparse = [  # a box around a random site outside the Syria-Iraq box
        (
            min(max(s[1] - rng.uniform(0, BBOX_DEG - 0.02), -180.0), 180.0 - BBOX_DEG),
            s[2] - rng.uniform(0, BBOX_DEG - 0.02),
        )
        for s in (world[k] for k in rng.integers(0, len(world), n))
    ]
    pick = lambda pool: [pool[k] for k in rng.integers(0, len(pool), n)]  # noqa: E731
    return {
        "sites-bbox-dense": [_bbox_path("/api/v1/sites", w, s) for w, s in dense],
        "sites-bbox-world": [_bbox_path("/api/v1/sites", w, s) for w, s in sparse],
        "sites-id": [f"/api/v1/sites/{site_id}" for site_id in pick(ids)],
        "events-bbox-dense": [_bbox_path("/api/v1/events", w, s) for w, s in dense],
        "site-events": [f"/api/v1/sites/{site_id}/events" for site_id in pick(exposed)],
    }


def _is_in_box(lon: float, lat: float) -> bool:
    return BOX[0][0] - 0.1 <= lon <= BOX[0][1] + 0.1 and BOX[1][0] - 0.1 <= lat <= BOX[1][1] + 0.1


def _bbox_path(base: str, west: float, south: float) -> str:
    box = f"{west:.4f},{south:.4f},{west + BBOX_DEG:.4f},{south + BBOX_DEG:.4f}"
    return f"{base}?bbox={box}&limit=100"


TARGETED = ("sites-bbox-dense", "sites-bbox-world", "sites-id")  # the p99 target
ENDPOINTS = (*TARGETED, "events-bbox-dense", "site-events")


# --- the server and the clients -------------------------------------------------------------


class Server:
    """``flask --app app serve --no-scheduler`` on a free loopback port, as production runs it."""

    def __init__(self, database: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = os.environ | {
            "HERITAGE_DATABASE_URL": f"sqlite:///{database}",
            "HERITAGE_SECRET_KEY": "bench-only-not-secret",
        }
        command = [sys.executable, "-m", "flask", "--app", "app", "serve", "--no-scheduler"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(_env("WORKERS", 2))]
        self.log = open(OUT / "api_load-server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready()
        self._wait_settled()

    def _wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log.name}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /healthz in {timeout_s:.0f} s")

    def _wait_settled(self, timeout_s: float = 180.0) -> None:
        """Wait until the workers have built their published-sites cache (``serve`` starts it
        in the background): a second with under a tenth of a core used, so that no phase pays
        for it."""
        deadline = time.monotonic() + timeout_s
        before = self.cpu_s()
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now = self.cpu_s()
            if now - before < 0.1:
                return
            before = now
        print(f"(the server was still busy after {timeout_s:.0f} s; measuring anyway)")

    def cpu_s(self) -> float:
        """User plus system CPU seconds the server's processes (gunicorn's master and its
        workers) have used."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if stat.parent.name == str(self.process.pid) or int(fields[1]) == self.process.pid:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()  # `serve` exits cleanly on SIGTERM
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _drive(port: int, paths: list[str], clients: int, max_s: float) -> tuple[list, float]:
    """Send ``paths`` with ``clients`` keep-alive connections: (latency_s, status, bytes), wall."""
    jobs: queue.SimpleQueue[str] = queue.SimpleQueue()
    for path in paths:
        jobs.put(path)
    results: list[tuple[float, int, int]] = []
    start = threading.Barrier(clients + 1)
    deadline = [float("inf")]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.connect()
        start.wait()
        while time.perf_counter() < deadline[0]:
            try:
                path = jobs.get_nowait()
            except queue.Empty:
                break
            results.append(_get(connection, path))
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline[0] = began + max_s
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    began = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        connection.close()  # reconnects on the next request
        return time.perf_counter() - began, 0, 0
    return time.perf_counter() - began, response.status, len(body)


def _run_phases(server: Server, mixes: dict[str, list[str]], clients: int) -> None:
    failures: Counter[tuple[str, int]] = Counter()
    print(
        f"\n{'endpoint':<18}{'1 client':>9} |{'n':>6}{'err':>4}{'p50':>8}{'p90':>8}{'p99':>8}"
        f"{'max':>8}{'req/s':>7}{'KB':>7}{'srv CPU':>8}{'cli CPU':>8}"
    )
    for name, paths in mixes.items():
        n = _env("REQUESTS", 2000) if name in TARGETED else _env("EXTRA_REQUESTS", 500)
        max_s = float(_env("PHASE_MAX_S", 180))
        warmup, aside_s = _env("WARMUP", 200), min(30.0, max_s / 4)
        _drive(server.port, paths[-warmup:], clients, aside_s)  # other paths than the measured
        alone, _ = _drive(server.port, paths[: _env("SERIAL_REQUESTS", 100)], 1, aside_s)
        server_cpu, client_cpu = server.cpu_s(), time.process_time()
        results, wall = _drive(server.port, paths[:n], clients, max_s)
        server_cpu, client_cpu = server.cpu_s() - server_cpu, time.process_time() - client_cpu
        failures.update((name, r[1]) for r in results + alone if r[1] != 200)
        ms = np.array([r[0] for r in results]) * 1000
        p50, p90, p99 = np.percentile(ms, [50, 90, 99])
        mark = "" if name not in TARGETED else ("  ok" if p99 < 50 else "  OVER 50 ms")
        stopped = "" if len(results) == n else f"  (stopped after {wall:.0f} s)"
        print(
            f"{name:<18}{statistics.median(r[0] for r in alone) * 1000:>9.1f} |{len(results):>6}"
            f"{sum(1 for r in results if r[1] != 200):>4}{p50:>8.1f}{p90:>8.1f}{p99:>8.1f}"
            f"{ms.max():>8.1f}{len(results) / wall:>7.0f}"
            f"{statistics.mean(r[2] for r in results) / 1024:>7.1f}"
            f"{server_cpu / wall:>8.2f}{client_cpu / wall:>8.2f}{mark}{stopped}",
            flush=True,
        )
    print(
        "(ms; '1 client': p50 of the requests sent one at a time, the service time alone; "
        "KB per answer; CPU: cores used by the server process and by the client threads)"
    )
    if failures:
        print(f"errors by endpoint and status (0: no answer): {dict(failures)}")


# --- the home page's first data load ---------------------------------------------------------


def _home_load(port: int, runs: int = 5) -> None:
    """The page, then what map.js asks for at once: basemap, sites and events, each following
    its ``next`` links one page after the other (events stop at the page's data-events-max)."""
    print("\nhome page first data load (what the browser fetches before the first map render):")
    totals = []
    for run in range(runs):
        began = time.perf_counter()
        page, page_s = _fetch(port, "/")
        text = page.decode()
        attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', text))
        chains = {
            "basemap": (html.unescape(attrs["basemap-url"]), None),
            "sites": (html.unescape(attrs["sites-url"]), None),
            "events": (html.unescape(attrs["events-url"]), int(attrs["events-max"])),
        }
        with ThreadPoolExecutor(len(chains)) as pool:
            done = {k: pool.submit(_follow, port, url, cap) for k, (url, cap) in chains.items()}
            parts = {k: future.result() for k, future in done.items()}
        totals.append(time.perf_counter() - began)
        if run == 0 or run == runs - 1:
            label = "first, server just started" if run == 0 else f"run {run + 1}"
            print(
                f"  {label}: page / {page_s:.2f} s {len(page) / 1e6:.2f} MB; "
                + "; ".join(
                    f"{k} {p['s']:.2f} s {p['bytes'] / 1e6:.2f} MB {p['pages']} page(s) "
                    f"{p['items']:,} features"
                    for k, p in parts.items()
                )
                + f"; total {totals[-1]:.2f} s"
            )
    print(f"  median of {runs}: {statistics.median(totals):.2f} s (before the browser draws)")


def _fetch(port: int, path: str) -> tuple[bytes, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body, status = response.read(), response.status
    seconds = time.perf_counter() - began
    connection.close()
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return body, seconds


def _follow(port: int, url: str, cap: int | None) -> dict:
    began, total_bytes, pages, items = time.perf_counter(), 0, 0, 0
    path = url
    while path:
        body, _ = _fetch(port, path)
        data = json.loads(body)
        total_bytes, pages = total_bytes + len(body), pages + 1
        items += len(data.get("features", []))
        following = [link["href"] for link in data.get("links", []) if link["rel"] == "next"]
        is_capped = cap is not None and items >= cap
        path = None if not following or is_capped else _local(following[0])
    return {"s": time.perf_counter() - began, "bytes": total_bytes, "pages": pages, "items": items}


def _local(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# --- a single-threaded in-process replay, for the profiler ---------------------------------


def _replay(database: Path, name: str, n: int) -> None:
    """Replay one endpoint's requests through app.test_client(), then the SQL they sent."""
    from sqlalchemy import event  # noqa: PLC0415 - only the replay needs it

    from heritage.web import create_app  # noqa: PLC0415

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    sent: list[tuple[str, tuple]] = []

    @event.listens_for(app.extensions["heritage"].engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):  # noqa: PLR0913
        sent.append((statement, tuple(parameters or ())))

    client = app.test_client()
    paths = _request_mixes(database, n + 20)[name]
    for path in paths[n:]:  # warm-up, other paths than the measured
        client.get(path).get_data()
    sent.clear()
    seconds = []
    for path in paths[:n]:
        began = time.perf_counter()
        client.get(path).get_data()
        seconds.append(time.perf_counter() - began)
    ms = np.array(seconds) * 1000
    print(
        f"replay {name}: {n} requests one after the other, mean {ms.mean():.1f} ms, "
        f"p50 {np.median(ms):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms"
    )
    _time_sql(database, sent, n)


def _sql_key(statement: str) -> str:
    return re.sub(r"\?(, \?)+", "?...", " ".join(statement.split()))


def _time_sql(database: Path, sent: list[tuple[str, tuple]], n: int) -> None:
    """Run the statements again through sqlite3 alone, every row fetched: the SQL's own share."""
    by_key: dict[str, list[float]] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        for statement, parameters in sent:
            began = time.perf_counter()
            db.execute(statement, parameters).fetchall()
            key = _sql_key(statement)
            by_key.setdefault(key, []).append(time.perf_counter() - began)
        total_ms = sum(map(sum, by_key.values())) / n * 1000
        print(
            f"  SQL alone (sqlite3, all rows fetched): {total_ms:.1f} ms/request; the most costly:"
        )
        ranked = sorted(by_key.items(), key=lambda kv: -sum(kv[1]))
        for key, times in ranked[:5]:
            shown = re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", key)
            print(f"  {sum(times) / n * 1000:7.2f} ms/request x{len(times) / n:.1f}  {shown[:300]}")
        statement, parameters = next(sp for sp in sent if _sql_key(sp[0]) == ranked[0][0])
        plan = db.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        print("  its plan: " + "; ".join(row[-1] for row in plan))


# --- main -----------------------------------------------------------------------------------


def _machine() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, load average {load}, Python {platform.python_version()}"
        f", SQLite {sqlite3.sqlite_version}, gunicorn {_env('WORKERS', 2)} workers of 8 threads"
        f", {_env('CLIENTS', 20)} clients"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unesco", action="store_true", help="UNESCO list; time the home page")
    parser.add_argument("--replay", choices=ENDPOINTS, help="replay one endpoint in-process")
    parser.add_argument("--only", help="load-test these endpoints (comma-separated) alone")
    args = parser.parse_args()
    n_sites = _env("SITES", 1250 if args.unesco else 100_000)
    n_events = _env("EVENTS", 100_000 if args.unesco else 1_000_000)
    database = _database(n_sites, n_events, is_unesco=args.unesco)
    if args.replay:
        _replay(database, args.replay, _env("REQUESTS", 300))
        return
    mixes = _request_mixes(
        database, max(_env("REQUESTS", 2000), _env("EXTRA_REQUESTS", 500)) + _env("WARMUP", 200)
    )
    if args.only:
        unknown = set(args.only.split(",")) - set(ENDPOINTS)
        if unknown:
            parser.error(f"unknown endpoint(s) {', '.join(sorted(unknown))}; known: {ENDPOINTS}")
        mixes = {name: paths for name, paths in mixes.items() if name in args.only.split(",")}
    print(_machine())
    server = Server(database)
    try:
        if args.unesco:  # first, while the server is fresh
            _home_load(server.port)
        _run_phases(server, mixes, _env("CLIENTS", 20))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # progress shows at once under make or a pipe
    sys.setswitchinterval(0.001)  # the client threads hand the GIL on quickly: fairer latencies
    main()
