"""Benchmark: matching events to sites, against the approach a typical user writes.

Workloads (issue 5): dense regional (sites and events inside the Syria-Iraq box, reach 25 km)
and sparse global (events and sites spread over the world). The baseline projects both layers
to one metric CRS and runs geopandas ``sjoin(predicate="dwithin")``. SCALE (default 0.1) scales
the counts: 1.0 is 100,000 sites and 100,000 events (dense), 100,000 sites and 1,000,000
events (global). Peak memory is the RSS high-water mark of a child process per run.

Run with `make bench`, or `SCALE=1 python bench/bench_matching.py`.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import RISK_MODEL  # noqa: E402
from heritage.domain import (  # noqa: E402
    Designation,
    DesignationKind,
    GeometryPrecision,
    Provenance,
    Site,
)

REACH_M = 25_000.0
WORKLOADS = {  # name: (sites, events, lon range, lat range, metric CRS of the baseline)
    "dense": (100_000, 100_000, (35.0, 48.0), (29.0, 37.5), "EPSG:32638"),
    "global": (100_000, 1_000_000, (-180.0, 180.0), (-80.0, 80.0), "EPSG:3857"),
}


def _points(n: int, lons, lats, seed: int):
    rng = np.random.default_rng(seed)
    return rng.uniform(*lons, n), rng.uniform(*lats, n)


def _sites(n, lons, lats):
    import shapely

    lon, lat = _points(n, lons, lats, 1)
    half = 0.001  # about 200 m across
    cores = shapely.box(lon - half, lat - half, lon + half, lat + half)
    empty = shapely.MultiPolygon()
    return [
        Site(
            f"s{i}",
            f"s{i}",
            shapely.MultiPolygon([core]),
            empty,
            Designation(DesignationKind.NATIONAL),
            Provenance(GeometryPrecision.DIGITISED),
        )
        for i, core in enumerate(cores)
    ]


def run_ours(name: str, scale: float) -> str:
    """Matching plus scoring: each batch's pairs are scored and summed per site at once, so
    memory holds one batch's pairs, never all of them."""
    from heritage.match import build_site_index, match_arrays
    from heritage.risk import exposure_terms

    n_sites, n_events, lons, lats, _ = WORKLOADS[name]
    sites = _sites(int(n_sites * scale), lons, lats)
    lon, lat = _points(int(n_events * scale), lons, lats, 2)
    rng = np.random.default_rng(3)
    age = rng.integers(0, 365, len(lon)).astype(float)
    fatalities = rng.poisson(1.0, len(lon)).astype(float)
    reach = np.full(len(lon), REACH_M)
    precision = np.full(len(lon), 10.0)
    severity = np.full(len(lon), RISK_MODEL.severity["airstrike"])
    confidence = np.ones(len(lon))
    started = time.perf_counter()
    index = build_site_index(sites)
    score = np.zeros(len(index.sites))
    pairs = 0
    chunk = 20_000  # events per batch: memory stays bounded by the pairs of one batch
    for start in range(0, len(lon), chunk):
        batch = slice(start, start + chunk)
        found = match_arrays(index, lon[batch], lat[batch], reach[batch], precision[batch])
        terms = exposure_terms(
            RISK_MODEL,
            zone=found.zone,
            distance_m=found.distance_m,
            uncertain=found.uncertain,
            event=found.event,
            precision_m=precision[batch],
            severity_base=severity[batch],
            fatalities=fatalities[batch],
            age_days=age[batch],
            confidence=confidence[batch],
        )
        score += np.bincount(found.site, weights=terms.value, minlength=len(score))
        pairs += len(found)
    seconds = time.perf_counter() - started
    return f"{pairs} {seconds:.3f} {len(lon)}"


def run_geopandas(name: str, scale: float) -> str:
    import geopandas as gpd
    import shapely

    n_sites, n_events, lons, lats, crs = WORKLOADS[name]
    lon, lat = _points(int(n_sites * scale), lons, lats, 1)
    half = 0.001
    sites = gpd.GeoDataFrame(
        geometry=shapely.box(lon - half, lat - half, lon + half, lat + half), crs=4326
    )
    elon, elat = _points(int(n_events * scale), lons, lats, 2)
    events = gpd.GeoDataFrame(geometry=shapely.points(elon, elat), crs=4326)
    started = time.perf_counter()
    joined = gpd.sjoin(events.to_crs(crs), sites.to_crs(crs), predicate="dwithin", distance=REACH_M)
    seconds = time.perf_counter() - started
    return f"{len(joined)} {seconds:.3f} {len(events)}"


def _child(kind: str, name: str, scale: float) -> tuple[int, float, int, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, name, str(scale)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]), float(out[3])


def main() -> None:
    scale = float(os.environ.get("SCALE", "0.1"))
    for name in WORKLOADS:
        for kind in ("ours", "geopandas"):
            pairs, seconds, events, peak = _child(kind, name, scale)
            print(
                f"{name:<6} x{scale:g} {kind:<9}: {events:>9,} events, {pairs:>11,} pairs, "
                f"{seconds:7.2f} s ({events / seconds:>9,.0f} events/s), peak {peak:,.0f} MiB"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        kind, name, scale = sys.argv[2], sys.argv[3], float(sys.argv[4])
        result = (run_ours if kind == "ours" else run_geopandas)(name, scale)
        print(result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    else:
        main()
