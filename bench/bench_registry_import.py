"""Benchmark: import the UNESCO World Heritage List (1,199 rows) and the shipped registry.

Run with `make bench` (needs ../shared/data). Prints the median of a few runs for each stage:
reading and validating the list, and the full import into a fresh SQLite database.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from heritage.config import Settings
from heritage.pipeline import import_site_files, import_whc_list
from heritage.registry import build_sites
from heritage.runtime import build_runtime
from heritage.store.session import migrate
from heritage.whc import read_whc_records

REPO = Path(__file__).resolve().parents[1]
WHC = REPO.parent / "shared" / "data" / "heritage" / "whc-sites-2023.csv"
RUNS = 3


def _time(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _fresh_import(path: Path, step) -> float:
    with tempfile.TemporaryDirectory() as folder:
        now = datetime(2026, 11, 24, tzinfo=UTC)
        runtime = build_runtime(Settings(), f"sqlite:///{folder}/bench.sqlite3", lambda: now)
        migrate(runtime.engine)
        with runtime.session() as session:
            elapsed = _time(lambda: step(session, path, runtime.settings, now=now))
        runtime.engine.dispose()
        return elapsed


def main() -> int:
    if not WHC.is_file():
        print(f"skipped: {WHC} is not there", file=sys.stderr)
        return 0
    settings = Settings()
    stages = {
        "whc: read + validate 1,199 rows": lambda: build_sites(
            read_whc_records(WHC, default_radius_m=settings.whc_default_radius_m), settings
        ),
        "whc: full import into SQLite": lambda: _fresh_import(WHC, import_whc_list),
        "sites/: full import into SQLite": lambda: _fresh_import(REPO / "sites", import_site_files),
    }
    for name, action in stages.items():
        times = [_time(action) for _ in range(RUNS)]
        print(
            f"{name:<34} median {statistics.median(times):6.2f} s  (runs: "
            + ", ".join(f"{t:.2f}" for t in times)
            + ")"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
