"""Benchmark: how well the geoparser locates events and names, and how fast it reads reports.

Run with `python bench/bench_geoparse.py` (add `--misses` to print what went wrong, case by
case, and `--only lgl` or `--only team,ucdp` to run some sets: team, ucdp, acled, lgl,
geovirus, throughput). Sets, each skipped with a printed reason when its data is not there:

- team: `tests/data/geoparse` (66 reports, 10 negatives), read by the pipeline's
  `parse_report`. The event (the most confident one; the first; any) within 5/25/161 km of
  gold, reports with no event, event type, events that touch a registry site far from gold,
  toponym P/R/F1 over every name found (a span overlapping a gold span counts; exact spans
  too), and false alarms on the negatives: a located event that touches a registry site (as
  the pipeline matches it) or lies in another country than the story.
- UCDP headlines and ACLED notes (`../shared/data/conflict`, precise rows only, at most 3,000
  per file, every k-th): the event place, else the surest non-context name, within 5/25/161 km
  of the row's point; and how many texts name the gold place at all (a name within 25 km),
  with the share located among those. UCDP runs twice: as given, and with a full stop
  appended, which shows what the heading rule of `parse._plausible` costs on texts that are
  one headline. ACLED is read here at run time and never copied into the repository (its
  terms).
- LGL and GeoVirus (`../shared/data/geoparsing`): toponym P/R/F1 on exact and overlapping
  spans, and resolution of the gold toponyms recognised: accuracy@161 km, mean and median
  error, AUC of the log error (Gritta et al. 2018; lower is better).
- Throughput: `extract_events` on 500 reports of 4 KB, one core; gazetteer build time and the
  peak RSS of a child process that only builds it.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import RISK_MODEL, Settings  # noqa: E402
from heritage.countries import is_in_countries  # noqa: E402
from heritage.geo import GEOD  # noqa: E402
from heritage.geoparse.gazetteer import Gazetteer, PlaceKind, standard_places  # noqa: E402
from heritage.geoparse.intake import ReportText  # noqa: E402
from heritage.geoparse.parse import extract_events  # noqa: E402
from heritage.match import build_site_index  # noqa: E402
from heritage.pipeline.reports import GazetteerCache, parse_report, read_seed_places  # noqa: E402
from heritage.registry import build_sites  # noqa: E402
from heritage.site_files import read_site_records  # noqa: E402

DATA = REPO.parent / "shared" / "data"
TEAM = REPO / "tests" / "data" / "geoparse"
RADII_KM = (5, 25, 161)
MAX_ROWS = 3000
REPORT_CHARS = 4096
REPORTS = 500
RUNS = 3
MAX_ERROR_KM = 20_039  # half the Earth's circumference: the worst possible error
MORDECAI3_LGL_ACC161 = 0.827  # Halterman 2023, "Mordecai 3", LGL accuracy@161 km
TODAY = date(2026, 11, 24)  # for a report without a date (the team set dates every one)
SETS = ("team", "ucdp", "acled", "lgl", "geovirus", "throughput")

_CHILD = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from heritage.config import Settings
from heritage.geoparse.gazetteer import Gazetteer, standard_places
from heritage.pipeline.reports import read_seed_places
from heritage.registry import build_sites
from heritage.site_files import read_site_records
repo = Path(sys.argv[1])
imported = time.perf_counter()
sites, _ = build_sites(read_site_records(repo / "sites"), Settings())
seeds = read_seed_places(repo / "seeds" / "places.csv")
gazetteer = Gazetteer.build(sites, [*seeds, *standard_places(sites)])
built = time.perf_counter()
print(json.dumps({"import_s": imported - started, "build_s": built - imported,
    "places": len(gazetteer), "keys": gazetteer.key_count,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# --- shared measures ---------------------------------------------------------------------------


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _prf(predicted: list, gold: list, same) -> tuple[float, float, float]:
    """Precision, recall, F1: a prediction is right when ``same`` holds for some gold span."""
    right = sum(any(same(p, g) for g in gold) for p in predicted)
    found = sum(any(same(p, g) for p in predicted) for g in gold)
    precision = right / len(predicted) if predicted else 0.0
    recall = found / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:5.1f}%" if total else "   n/a"


def _auc(errors_km: list[float]) -> float:
    """Area under the sorted log(1 + error) curve, over log(MAX_ERROR_KM): 0 is perfect."""
    if len(errors_km) < 2:
        return float("nan")
    scaled = np.log1p(np.sort(errors_km)) / math.log(MAX_ERROR_KM)
    return float(np.trapezoid(scaled) / (len(scaled) - 1))


def _best_place(extraction):
    """The event place (the most confident event), else the surest name that is not a country
    or region; None when the text names no such place."""
    if extraction.events:
        return max(extraction.events, key=lambda e: e.confidence).place
    local = [r for r, _ in extraction.mentions if not r.is_context]
    return max(local, key=lambda r: r.certainty) if local else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- the team set ------------------------------------------------------------------------------


def _parse(cache: GazetteerCache, item: dict) -> dict:
    """The pipeline's reading of a team item: GeoJSON events (with the sites each touches) and
    every place name found."""
    report = ReportText(item["text"], published=_day(item["published"]))
    document, _ = parse_report(cache, report, RISK_MODEL, source="bench", today=TODAY)
    return document


def _score_report(cache: GazetteerCache, number: int, item: dict, misses: bool) -> dict:
    document = _parse(cache, item)
    gold = item["gold"]
    events = [
        (_km(*f["geometry"]["coordinates"], gold["lon"], gold["lat"]), f["properties"])
        for f in document["features"]
    ]
    first = events[0] if events else None
    top = max(events, key=lambda e: e[1]["confidence"]) if events else None
    scored = {
        "first_km": first[0] if first else math.inf,
        "top_km": top[0] if top else math.inf,
        "any_km": min((km for km, _ in events), default=math.inf),
        "first_type": first is not None and first[1]["event_type"] == item["event_type"],
        "top_type": top is not None and top[1]["event_type"] == item["event_type"],
        "far_site": any(p["sites"] and km > 25 for km, p in events),
        "found": [(number, *span) for m in document["mentions"] for span in m["spans"]],
        "gold": [(number, t["start"], t["end"]) for t in [gold, *item["mentions"]]],
    }
    if misses and (scored["top_km"] > 25 or not scored["top_type"] or scored["far_site"]):
        chosen = "; ".join(
            f"{p['place']}->{p['place_name']} ({p['country']}) {p['event_type']} "
            f"{p['confidence']} {km:.0f} km{' sites ' + str(p['sites']) if p['sites'] else ''}"
            for km, p in events
        )
        print(
            f"  MISS {item['id']}: gold {gold['name']} {item['event_type']}; "
            f"chose {chosen or 'no event'}"
        )
    return scored


def _team_reports(cache: GazetteerCache, misses: bool) -> None:
    reports = json.loads((TEAM / "team_reports.json").read_text(encoding="utf-8"))
    scored = [_score_report(cache, n, item, misses) for n, item in enumerate(reports)]
    n = len(scored)
    with_event = sum(s["first_km"] < math.inf for s in scored)
    print(f"team reports ({n}), event within {' / '.join(f'{r} km' for r in RADII_KM)}:")
    for label, key in (
        ("most confident event", "top_km"),
        ("first event", "first_km"),
        ("any event", "any_km"),
    ):
        print(
            f"  {label:<21} "
            + " ".join(_share(sum(s[key] <= r for s in scored), n) for r in RADII_KM)
        )
    print(
        f"  no event {_share(n - with_event, n)}; an event at a registry site > 25 km from "
        f"gold in {sum(s['far_site'] for s in scored)} report(s)"
    )
    top_type, first_type = (sum(s[key] for s in scored) for key in ("top_type", "first_type"))
    print(
        f"  event type right: most confident event {_share(top_type, with_event)}, first event "
        f"{_share(first_type, with_event)} (of the reports with an event)"
    )
    found = [span for s in scored for span in s["found"]]
    gold = [span for s in scored for span in s["gold"]]
    _print_toponyms("  toponyms (all roles)", found, gold)


def _print_toponyms(label: str, predicted: list, gold: list) -> None:
    def overlap(p, g):
        return p[0] == g[0] and _overlaps(p[1:], g[1:])

    p, r, f = _prf(predicted, gold, overlap)
    pe, re_, fe = _prf(predicted, gold, lambda a, b: a == b)
    print(
        f"{label}: overlapping P {p:.3f} R {r:.3f} F1 {f:.3f}; exact P {pe:.3f} "
        f"R {re_:.3f} F1 {fe:.3f}  ({len(predicted)} found, {len(gold)} gold)"
    )


def _team_negatives(cache: GazetteerCache, misses: bool) -> None:
    negatives = json.loads((TEAM / "team_negatives.json").read_text(encoding="utf-8"))
    at_site = wrong_country = any_event = 0
    for item in negatives:
        local = [
            f["properties"]
            for f in _parse(cache, item)["features"]
            if f["properties"]["precision"] != "country"
        ]
        touching = [p for p in local if p["sites"]]
        elsewhere = [p for p in local if p["country"] != item["country"]]
        any_event += bool(local)
        at_site += bool(touching)
        wrong_country += bool(elsewhere)
        if misses and (touching or elsewhere):
            print(
                f"  FALSE ALARM {item['id']}: "
                + "; ".join(
                    f"{p['place']}->{p['place_name']} ({p['country']}) sites {p['sites']}"
                    for p in touching + elsewhere
                )
            )
    n = len(negatives)
    print(
        f"team negatives ({n}): false alarm at a registry site {at_site}, in another "
        f"country {wrong_country}; any site-level event {any_event}"
    )


# --- conflict headlines and notes --------------------------------------------------------------


def _conflict_rows(path: Path):
    """(text, published, lon, lat) of the precise rows of a UCDP or ACLED file, every k-th."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        columns = set(reader.fieldnames or ())
        if "source_headline" in columns:
            text, precise = "source_headline", lambda row: row["where_prec"] in ("1", "2")
            day = "date_start_iso" if "date_start_iso" in columns else "date_start"
        else:
            text, precise = "notes", lambda row: row["geo_precision"] == "1"
            day = "event_date_iso"
        rows = [
            (row[text], _day(row[day]), float(row["longitude"]), float(row["latitude"]))
            for row in reader
            if precise(row) and row[text].strip()
        ]
    step = max(1, math.ceil(len(rows) / MAX_ROWS))
    return rows[::step], len(rows)


def _score_row(gazetteer, text: str, published, lon: float, lat: float) -> tuple:
    """(error km of the place we choose, or inf with none; whether any name lies within 25 km
    of the gold point; what we chose)."""
    x = extract_events(text, gazetteer, published=published)
    best = _best_place(x)
    is_named = any(
        _km(r.place.lon, r.place.lat, lon, lat) <= 25 for r, _ in x.mentions if not r.is_context
    )
    if best is None:
        return math.inf, is_named, None
    return _km(best.place.lon, best.place.lat, lon, lat), is_named, best


def _conflict_set(gazetteer, pattern: str, misses: bool, *, suffix: str = "") -> None:
    files = sorted((DATA / "conflict").glob(pattern))
    if not files:
        print(f"{pattern}: skipped, no such file in {DATA / 'conflict'}")
        return
    print(
        f"{'file (rows sampled/precise)':<45} {'@5km':>6} {'@25km':>6} {'@161km':>6} "
        f"{'none':>6} {'named':>6} {'@25|named':>9}"
    )
    for path in files:
        rows, available = _conflict_rows(path)
        scored, shown = [], 0
        for text, published, lon, lat in rows:
            km, is_named, best = _score_row(gazetteer, text.rstrip() + suffix, published, lon, lat)
            scored.append((km, is_named))
            if misses and is_named and km > 25 and shown < 15:
                shown += 1
                print(
                    f"  MISS {text[:110]!r}: chose {best.mention.surface}->{best.place.name} "
                    f"({best.place.country}), {km:.0f} km"
                )
        n, named = len(scored), sum(is_named for _, is_named in scored)
        print(
            f"{f'{path.name[:-7]} ({n}/{available})':<45} "
            + " ".join(_share(sum(km <= r for km, _ in scored), n) for r in RADII_KM)
            + f" {_share(sum(km == math.inf for km, _ in scored), n)} {_share(named, n)} "
            + f"{_share(sum(km <= 25 and is_named for km, is_named in scored), named):>9}"
        )


# --- LGL and GeoVirus --------------------------------------------------------------------------


def _lgl(root):
    """(text, published, [(start, end, lat, lon or None)]) per LGL article."""
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        gold = []
        for toponym in article.iter("toponym"):
            lat, lon = toponym.findtext("gaztag/lat"), toponym.findtext("gaztag/lon")
            gold.append(
                (
                    int(toponym.findtext("start")),
                    int(toponym.findtext("end")),
                    float(lat) if lat else None,
                    float(lon) if lon else None,
                )
            )
        yield text, _day(article.findtext("dltime") or ""), gold


def _geovirus(root):
    """GeoVirus's offsets start at 1 (text[start - 1:end - 1] is the name): shift them."""
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        gold = []
        for location in article.iter("location"):
            start, end = int(location.findtext("start")), int(location.findtext("end"))
            if text[start:end] != location.findtext("name"):
                start, end = start - 1, end - 1
            lat, lon = float(location.findtext("lat")), float(location.findtext("lon"))
            gold.append((start, end, lat, lon))
        yield text, None, gold


def _corpus(gazetteer, name: str, articles, misses: bool) -> float | None:
    predicted, gold_spans, errors, in_country = [], [], [], []
    unresolved = shown = 0
    for number, (text, published, gold) in enumerate(articles):
        x = extract_events(text, gazetteer, published=published)
        readings = [r for r, _ in x.mentions]
        predicted += [(number, r.mention.start, r.mention.end) for r in readings]
        gold_spans += [(number, start, end) for start, end, _, _ in gold]
        for start, end, lat, lon in gold:
            reading = next(
                (r for r in readings if _overlaps((r.mention.start, r.mention.end), (start, end))),
                None,
            )
            if reading is None or lat is None:
                unresolved += reading is not None
                continue
            errors.append(_km(reading.place.lon, reading.place.lat, lon, lat))
            in_country.append(
                reading.place.kind is PlaceKind.COUNTRY
                and bool(is_in_countries(lon, lat, (reading.place.country,)))
            )
            if misses and errors[-1] > 161 and shown < 20:
                shown += 1
                print(
                    f"  MISS {text[start:end]!r} -> {reading.place.name} "
                    f"({reading.place.country}), {errors[-1]:.0f} km"
                )
    _print_toponyms(f"{name:<9} toponyms", predicted, gold_spans)
    if not errors:
        return None
    accuracy = sum(e <= 161 for e in errors) / len(errors)
    lenient = sum(e <= 161 or c for e, c in zip(errors, in_country, strict=True)) / len(errors)
    print(
        f"{name:<9} resolution of {len(errors)} recognised gold toponyms "
        f"({unresolved} without gold point): acc@161 km {100 * accuracy:.1f}%, mean "
        f"{np.mean(errors):.0f} km, median {np.median(errors):.1f} km, AUC {_auc(errors):.3f}"
    )
    print(
        f"{'':<9} acc@161 km {100 * lenient:.1f}% when a country reading counts as right if the "
        "gold point lies in it (our country points are not GeoNames')"
    )
    return accuracy


def _corpora(gazetteer, misses: bool, sets: frozenset[str] = frozenset(SETS)) -> None:
    folder = DATA / "geoparsing"
    for name, file, read in (("LGL", "lgl.xml", _lgl), ("GeoVirus", "GeoVirus.xml", _geovirus)):
        if name.lower() not in sets:
            continue
        path = folder / file
        if not path.is_file():
            print(f"{name}: skipped, {path} is not there")
            continue
        # Trusted local research data (shared/data/README.md), so the stdlib parser will do.
        accuracy = _corpus(gazetteer, name, read(ET.parse(path).getroot()), misses)
        if name == "LGL" and accuracy is not None:
            print(f"{'':<9} Mordecai 3 (published) acc@161 km {100 * MORDECAI3_LGL_ACC161:.1f}%")


# --- throughput --------------------------------------------------------------------------------


def _texts_for_throughput() -> list[str]:
    texts = []
    if (TEAM / "team_reports.json").is_file():
        texts += [r["text"] for r in json.loads((TEAM / "team_reports.json").read_text("utf-8"))]
    lgl = DATA / "geoparsing" / "lgl.xml"
    if lgl.is_file():
        texts += [text for text, _, _ in _lgl(ET.parse(lgl).getroot())]
    return texts


def _throughput(gazetteer) -> None:
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(REPO)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    built = json.loads(child.stdout)
    print(
        f"gazetteer: {built['places']:,} places, {built['keys']:,} keys, build "
        f"{built['build_s']:.2f} s (after {built['import_s']:.2f} s of imports), "
        f"peak RSS of a child that only builds it {built['rss_mb']:.0f} MB"
    )
    texts = _texts_for_throughput()
    if not texts:
        print("throughput: skipped, no texts")
        return
    joined = "\n\n".join(texts)
    while len(joined) < REPORTS * REPORT_CHARS:
        joined += "\n\n" + joined
    reports = [joined[i * REPORT_CHARS : (i + 1) * REPORT_CHARS] for i in range(REPORTS)]
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        events = sum(len(extract_events(report, gazetteer).events) for report in reports)
        runs.append(time.perf_counter() - started)
    seconds = statistics.median(runs)
    print(
        f"extract_events: {REPORTS / seconds:,.0f} reports/s of 4 KB on one core, median of "
        f"{RUNS} runs ({REPORTS} reports, {seconds:.1f} s, {events:,} events)"
    )


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--misses", action="store_true", help="print what went wrong")
    parser.add_argument(
        "--only",
        default=",".join(SETS),
        help=f"comma-separated sets to run, of {', '.join(SETS)} (default: all)",
    )
    arguments = parser.parse_args(argv)
    arguments.sets = frozenset(s.strip().lower() for s in arguments.only.split(",") if s.strip())
    if unknown := arguments.sets - set(SETS):
        parser.error(f"unknown set(s) {', '.join(sorted(unknown))}; choose from {', '.join(SETS)}")
    return arguments


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    misses, sets = arguments.misses, arguments.sets
    started = time.perf_counter()
    sites, _ = build_sites(read_site_records(REPO / "sites"), Settings())
    seeds = read_seed_places(REPO / "seeds" / "places.csv")
    gazetteer = Gazetteer.build(sites, [*seeds, *standard_places(sites)])
    print(f"gazetteer ready in {time.perf_counter() - started:.1f} s\n")
    cache = GazetteerCache(
        gazetteer=gazetteer, index=build_site_index(sites), sites={s.id: s for s in sites}
    )
    if "team" not in sets:
        pass
    elif (TEAM / "team_reports.json").is_file():
        _team_reports(cache, misses)
        _team_negatives(cache, misses)
    else:
        print(f"team set: skipped, {TEAM / 'team_reports.json'} is not there")
    if not DATA.is_dir():
        print(f"\nUCDP, ACLED, LGL, GeoVirus: skipped, {DATA} is not there")
    else:
        if "ucdp" in sets:
            print("\nUCDP headlines (where_prec 1-2): place within 5/25/161 km of the row's point")
            _conflict_set(gazetteer, "ucdp_ged_*.csv.gz", misses)
            print("\nthe same headlines with a full stop appended (a text that is one heading")
            print("and no body loses every GeoNames name in parse._plausible: what that costs)")
            _conflict_set(gazetteer, "ucdp_ged_*.csv.gz", misses=False, suffix=".")
        if "acled" in sets:
            print("\nACLED notes (geo_precision 1), read at run time only")
            _conflict_set(gazetteer, "acled_*.csv.gz", misses)
        print()
        _corpora(gazetteer, misses, sets)
    if "throughput" in sets:
        print()
        _throughput(gazetteer)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
