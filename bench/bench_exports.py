"""Benchmark: the sites GeoJSON and CSV exports of a 10,000-site registry (issue 7).

A fresh SQLite database holds SITES synthetic sites (default 10,000, in the Syria-Iraq box, a
small square core with a 1 km buffer ring of about 74 vertices each, every 50th one sensitive).
The exports are timed through the Flask test client, body read to the end, median of RUNS
runs (default 5), as wall and CPU time. For the split, the store read (list_sites in the
export's chunks) and the serialisation (features with numpy coordinates, then orjson) are
timed on their own, next to geopandas ``to_json`` on the same zones.

Run with `SITES=10000 RUNS=5 .venv/bin/python bench/bench_exports.py` (also in `make bench`).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas
import numpy as np
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import Settings  # noqa: E402
from heritage.domain import (  # noqa: E402
    Designation,
    DesignationKind,
    GeometryPrecision,
    Provenance,
    Site,
    SiteName,
)
from heritage.export import site_features  # noqa: E402
from heritage.geo import buffer_ring  # noqa: E402
from heritage.store import sites as site_store  # noqa: E402
from heritage.store.session import migrate  # noqa: E402
from heritage.web import create_app  # noqa: E402
from heritage.web.exports_api import CHUNK, dumps  # noqa: E402

START = datetime(2026, 11, 24, 12, tzinfo=UTC)
BOX = ((35.0, 48.0), (29.0, 37.5))


def _sites(n: int) -> list[Site]:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(*BOX[0], n), rng.uniform(*BOX[1], n)
    half = 0.001
    cores = shapely.box(lon - half, lat - half, lon + half, lat + half)
    return [
        Site(
            f"s{i:06d}",
            f"Site {i}",
            shapely.MultiPolygon([core]),
            buffer_ring(shapely.MultiPolygon([core]), 1000.0),
            Designation(DesignationKind.NATIONAL),
            Provenance(GeometryPrecision.DIGITISED, {"geometry": "synthetic"}),
            names=(SiteName(f"Site {i}", "en"), SiteName(f"موقع {i}", "ar")),
            countries=("SY",),
            sensitive=i % 50 == 0,
        )
        for i, core in enumerate(cores)
    ]


def _median_s(action, runs: int) -> tuple[str, object]:
    """'wall s (CPU s)', medians of ``runs``: CPU time tells a busy machine from slow code."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls):.3f} s (CPU {statistics.median(cpus):.3f} s)", result


def main() -> None:
    n_sites = int(os.environ.get("SITES", "10000"))
    runs = int(os.environ.get("RUNS", "5"))
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{folder}/exports.sqlite3",
                "CLOCK": lambda: START,
                "SECRET_KEY": "bench",
            }
        )
        runtime = app.extensions["heritage"]
        migrate(runtime.engine)
        sites = _sites(n_sites)
        with runtime.session() as session:
            site_store.save_sites(session, sites, now=START)
            session.commit()
        print(f"setup: {n_sites:,} sites stored")
        client = app.test_client()
        for fmt in ("geojson", "csv"):
            url = f"/api/v1/exports/sites.{fmt}"
            # The first request builds the process's published features (web/published_sites)
            first, _ = _median_s(lambda url=url: client.get(url).get_data(), 1)
            seconds, body = _median_s(lambda url=url: client.get(url).get_data(), runs)
            print(
                f"GET {url}: {seconds}, median of {runs} ({len(body) / 1e6:.1f} MB); "
                f"the process's first: {first}"
            )
        _split(runtime, sites, runs)
        runtime.engine.dispose()


def _split(runtime, sites: list[Site], runs: int) -> None:
    """The parts, each with the cyclic collector paused as the export pauses it."""
    grid = Settings().sensitive_grid_deg

    def read():
        gc.disable()
        stored = []
        with runtime.session() as session:
            for offset in range(0, len(sites), CHUNK):
                stored += site_store.list_sites(
                    session,
                    site_store.SiteQuery(),
                    limit=CHUNK,
                    offset=offset,
                    sensitive_grid_deg=grid,
                )[0]
        gc.enable()
        return stored

    seconds, _ = _median_s(read, runs)
    print(f"  of which the store read (list_sites in chunks of {CHUNK:,}): {seconds}")

    def serialise():
        gc.disable()
        body = dumps({"type": "FeatureCollection", "features": site_features(sites)})
        gc.enable()
        return body

    seconds, body = _median_s(serialise, runs)
    print(f"  serialisation alone (site_features + orjson): {seconds}")
    frame = geopandas.GeoDataFrame(
        {
            "id": [s.id for s in sites],
            "name": [s.name for s in sites],
            "buffer_zone": shapely.to_geojson(np.array([s.buffer_zone for s in sites])),
        },
        geometry=[s.core_zone for s in sites],
        crs="EPSG:4326",
    )
    seconds, text = _median_s(lambda: frame.to_json(), runs)
    print(f"  reference: geopandas to_json (core geometry, buffer as text): {seconds}")


if __name__ == "__main__":
    main()
