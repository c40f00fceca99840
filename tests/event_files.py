"""Small hand-written event files in each source's format (never real ACLED rows: its terms)."""

from __future__ import annotations

import csv
from pathlib import Path

from heritage.ingest.gdelt import COLUMNS as GDELT_COLUMNS

ACLED_COLUMNS = (
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
    "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region "
    "country admin1 admin2 admin3 location latitude longitude geo_precision source source_scale "
    "notes fatalities tags timestamp"
).split()
UCDP_COLUMNS = (
    "id relid year active_year code_status type_of_violence conflict_name dyad_name side_a side_b "
    "source_headline where_prec where_coordinates adm_1 adm_2 latitude longitude country "
    "event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians "
    "deaths_unknown best high low"
).split()


def acled_row(event_id: str, **values) -> dict:
    row = {
        "event_id_cnty": event_id,
        "event_date": "2017-03-01",
        "year": "2017",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Armed group A",
        "actor2": "Armed group B",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Homs",
        "admin2": "Tadmor",
        "admin3": "Tadmor",
        "location": "Tadmor",
        "latitude": "34.5600",
        "longitude": "38.2700",
        "geo_precision": "1",
        "source": "Hand-written test row",
        "notes": "Test narrative: shelling near the town.",
        "fatalities": "3",
        "timestamp": "1700000000",
    }
    row.update(values)
    return row


def ucdp_row(event_id: str, **values) -> dict:
    row = {
        "id": event_id,
        "relid": f"SYR-2017-1-{event_id}",
        "year": "2017",
        "code_status": "Clear",
        "type_of_violence": "1",
        "conflict_name": "Syria: Government",
        "dyad_name": "A - B",
        "side_a": "Government of Syria",
        "side_b": "IS",
        "source_headline": "Test headline",
        "where_prec": "1",
        "where_coordinates": "Tadmur/Palmyra town",
        "adm_1": "Hims governorate",
        "adm_2": "Tadmur district",
        "latitude": "34.5600",
        "longitude": "38.2800",
        "country": "Syria",
        "event_clarity": "1",
        "date_prec": "1",
        "date_start": "2017-03-01",
        "date_end": "2017-03-02",
        "best": "12",
        "low": "10",
        "high": "20",
    }
    row.update(values)
    return row


def gdelt_row(event_id: str, **values) -> list[str]:
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row.update(
        {
            "GlobalEventID": event_id,
            "Day": "20170301",
            "EventCode": "195",
            "EventBaseCode": "195",
            "EventRootCode": "19",
            "Actor1Name": "SYRIA",
            "ActionGeo_Type": "4",
            "ActionGeo_FullName": "Palmyra, Hims, Syria",
            "ActionGeo_CountryCode": "SY",
            "ActionGeo_Lat": "34.5667",
            "ActionGeo_Long": "38.2833",
            "DATEADDED": "20170301120000",
            "SOURCEURL": "https://news.invalid/story",
        }
    )
    row.update(values)
    return [row[c] for c in GDELT_COLUMNS]


def write_table(path: Path, columns, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="raise", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_gdelt(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path
