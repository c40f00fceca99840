"""Benchmark: one scheduler tick with 1,000 new events against a large registry (issue 5).

A fresh SQLite database holds SITES synthetic sites (default 100,000, in the Syria-Iraq box,
each with a 1 km buffer ring) and has been assessed once. Then 1,000 new events arrive and a
tick runs: read the changed events, match them, store their exposures, reassess the sites they
touch. "Warm" is the scheduler's case (the site index is kept between ticks); "cold" is a
tick in a new process, which first reads the registry and builds the index.

Run with `make bench`, or `SITES=10000 python bench/bench_tick.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import RISK_MODEL, Settings  # noqa: E402
from heritage.domain import (  # noqa: E402
    ConflictEvent,
    DatePrecision,
    Designation,
    DesignationKind,
    EventType,
    GeometryPrecision,
    Provenance,
    Site,
)
from heritage.geo import buffer_ring  # noqa: E402
from heritage.pipeline.risk import IndexCache, match_and_assess  # noqa: E402
from heritage.runtime import build_runtime  # noqa: E402
from heritage.store import events as event_store  # noqa: E402
from heritage.store import sites as site_store  # noqa: E402
from heritage.store.session import migrate  # noqa: E402

START = datetime(2026, 11, 1, tzinfo=UTC)
BOX = ((35.0, 48.0), (29.0, 37.5))


def _sites(n: int) -> list[Site]:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(*BOX[0], n), rng.uniform(*BOX[1], n)
    half = 0.001
    cores = shapely.box(lon - half, lat - half, lon + half, lat + half)
    return [
        Site(
            f"s{i}",
            f"Site {i}",
            shapely.MultiPolygon([core]),
            buffer_ring(shapely.MultiPolygon([core]), 1000.0),
            Designation(DesignationKind.NATIONAL),
            Provenance(GeometryPrecision.DIGITISED),
        )
        for i, core in enumerate(cores)
    ]


def _events(n: int, day: date, seed: int) -> list[ConflictEvent]:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(*BOX[0], n), rng.uniform(*BOX[1], n)
    kinds = list(EventType)
    return [
        ConflictEvent(
            "bench",
            f"{seed}-{i}",
            day,
            day,
            DatePrecision.DAY,
            float(x),
            float(y),
            float(rng.choice([10.0, 2000.0, 10_000.0])),
            kinds[i % len(kinds)],
            "bench",
        )
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]


def main() -> None:
    n_sites = int(os.environ.get("SITES", "100000"))
    with tempfile.TemporaryDirectory() as folder:
        runtime = build_runtime(Settings(), f"sqlite:///{folder}/tick.sqlite3", lambda: START)
        migrate(runtime.engine)
        started = time.perf_counter()
        with runtime.session() as session:
            site_store.save_sites(session, _sites(n_sites), now=START)
            session.commit()
        print(f"setup: {n_sites:,} sites stored in {time.perf_counter() - started:.1f} s")
        cache = IndexCache()
        now = START + timedelta(minutes=1)
        with runtime.session() as session:
            first = time.perf_counter()
            match_and_assess(session, RISK_MODEL, now=now, index_cache=cache)
            print(f"setup: first assessment of every site {time.perf_counter() - first:.1f} s")
        for tick, kind in enumerate(("warm", "warm", "cold"), start=1):
            at = now + timedelta(minutes=5 * tick)
            with runtime.session() as session:
                event_store.save_events(session, _events(1_000, at.date(), tick), now=at)
                session.commit()
            with runtime.session() as session:
                started = time.perf_counter()
                result = match_and_assess(
                    session,
                    RISK_MODEL,
                    now=at + timedelta(seconds=1),
                    index_cache=cache if kind == "warm" else IndexCache(),
                )
                seconds = time.perf_counter() - started
            print(
                f"tick {tick} ({kind}): {result.events_matched:,} new events, "
                f"{result.exposures:,} exposures, {len(result.levels):,} sites reassessed "
                f"in {seconds:.2f} s"
            )
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
