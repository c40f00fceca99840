"""Benchmark: event ingest throughput and memory.

1. The UCDP GED Syria file (16,566 rows), end to end into a fresh SQLite database: first
   ingest (all new) and second ingest (all unchanged), rows per second.
2. Peak memory (RSS high-water mark of a child process) ingesting synthetic ACLED-format
   files of growing size, up to 1,000,000 rows: memory must stay flat as the file grows.

Run with `make bench` (part 1 needs ../shared/data). ROWS=... limits part 2.
"""

from __future__ import annotations

import csv
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from heritage.config import Settings  # noqa: E402
from heritage.pipeline import ingest_event_file  # noqa: E402
from heritage.runtime import build_runtime  # noqa: E402
from heritage.store.session import migrate  # noqa: E402

UCDP_SYRIA = REPO.parent / "shared" / "data" / "conflict" / "ucdp_ged_syria_2016-2019.csv.gz"
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _runtime(folder: str):
    runtime = build_runtime(Settings(), f"sqlite:///{folder}/bench.sqlite3", lambda: NOW)
    migrate(runtime.engine)
    return runtime


def ingest_once(runtime, path: Path) -> tuple[float, int]:
    with runtime.session() as session:
        started = time.perf_counter()
        result = ingest_event_file(session, path, runtime.settings, now=NOW)
        return time.perf_counter() - started, result.rows


def throughput() -> None:
    if not UCDP_SYRIA.is_file():
        print(f"skipped throughput: {UCDP_SYRIA} is not there")
        return
    for attempt in range(3):
        with tempfile.TemporaryDirectory() as folder:
            runtime = _runtime(folder)
            first, rows = ingest_once(runtime, UCDP_SYRIA)
            second, _ = ingest_once(runtime, UCDP_SYRIA)
            runtime.engine.dispose()
        print(
            f"UCDP Syria run {attempt + 1}: {rows} rows; first ingest {first:.2f} s "
            f"({rows / first:,.0f} rows/s), second ingest {second:.2f} s "
            f"({rows / second:,.0f} rows/s)"
        )


def write_synthetic(path: Path, rows: int) -> None:
    from event_files import ACLED_COLUMNS, acled_row

    with gzip.open(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ACLED_COLUMNS)
        writer.writeheader()
        for i in range(rows):
            writer.writerow(
                acled_row(
                    f"SYN{i}",
                    latitude=f"{30 + (i % 1000) / 100:.4f}",
                    longitude=f"{35 + (i % 997) / 100:.4f}",
                    fatalities=str(i % 7),
                )
            )


def memory_child(path: str) -> None:
    """Run in a child process: ingest one file and print the peak RSS in MiB."""
    with tempfile.TemporaryDirectory() as folder:
        runtime = _runtime(folder)
        seconds, rows = ingest_once(runtime, Path(path))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows} {seconds:.1f} {peak_mib:.0f}")


def memory() -> None:
    sizes = [int(os.environ.get("ROWS", 1_000_000)) // d for d in (100, 10, 1)]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"synthetic-{size}.csv.gz"
            write_synthetic(path, size)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            rows, seconds, peak = int(out[0]), float(out[1]), out[2]
            print(
                f"synthetic {rows:>9,} rows: {seconds:7.1f} s ({rows / seconds:,.0f} rows/s), "
                f"peak memory {peak} MiB"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        memory_child(sys.argv[2])
    else:
        throughput()
        if os.environ.get("SKIP_MEMORY") != "1":
            memory()
