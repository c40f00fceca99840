"""GDELT 2.0 event export: tab-separated, no header, 61 columns; material conflict only.

Only CAMEO roots 18 (assault), 19 (fight) and 20 (unconventional mass violence) are events
for the monitor; other rows are rejected with that reason, so counts still add up.

Location precision (``ActionGeo_Type``) as a radius: 1 = country: 1,000 km;
2 = US state and 5 = other first-order division: 150 km; 3 = US city and 4 = other city or
landmark: 10 km (the place's centroid, often the city centre). GDELT is machine-coded from
news and often wrong, so its events carry a confidence of 0.4.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heritage.domain import ConflictEvent, DatePrecision, EventType
from heritage.ingest.base import RowError, parse_date, parse_int, parse_point, text

__all__ = ["COLUMNS", "GdeltAdapter", "PRECISION_M"]

COLUMNS = (
    "GlobalEventID Day MonthYear Year FractionDate Actor1Code Actor1Name Actor1CountryCode "
    "Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code Actor1Religion2Code Actor1Type1Code "
    "Actor1Type2Code Actor1Type3Code Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode "
    "Actor2EthnicCode Actor2Religion1Code Actor2Religion2Code Actor2Type1Code Actor2Type2Code "
    "Actor2Type3Code IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale "
    "NumMentions NumSources NumArticles AvgTone Actor1Geo_Type Actor1Geo_FullName "
    "Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long "
    "Actor1Geo_FeatureID Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode "
    "Actor2Geo_ADM1Code Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code "
    "ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL"
).split()
PRECISION_M = {1: 1_000_000.0, 2: 150_000.0, 3: 10_000.0, 4: 10_000.0, 5: 150_000.0}
CONFIDENCE = 0.4
# CAMEO codes, most specific first: the longest matching prefix of EventCode wins.
_CAMEO = {
    "18": EventType.VIOLENCE_AGAINST_CIVILIANS,  # assault
    "183": EventType.EXPLOSION,  # bombing (suicide, vehicular, roadside)
    "186": EventType.ARMED_CLASH,  # assassination attempt
    "19": EventType.ARMED_CLASH,  # fight
    "192": EventType.OCCUPATION,  # occupy territory
    "194": EventType.SHELLING,  # artillery and tanks
    "195": EventType.AIRSTRIKE,  # aerial weapons
    "20": EventType.VIOLENCE_AGAINST_CIVILIANS,  # unconventional mass violence
    "204": EventType.EXPLOSION,  # weapons of mass destruction
}


class GdeltAdapter:
    name = "gdelt"

    def matches(self, columns: Sequence[str]) -> bool:
        return list(columns) == COLUMNS

    def parse_row(self, row: Mapping[str, str]) -> ConflictEvent:
        source_id = text(row, "GlobalEventID")
        if not source_id:
            raise RowError("GlobalEventID", "missing event id")
        root = text(row, "EventRootCode")
        if root not in ("18", "19", "20"):
            raise RowError("EventRootCode", f"not material conflict (CAMEO root {root or '?'})")
        code = text(row, "EventCode")
        prefixes = [code[:n] for n in range(len(code), 1, -1) if code.startswith(root)]
        mapped = next((_CAMEO[p] for p in prefixes if p in _CAMEO), _CAMEO[root])
        geo_type = parse_int(row, "ActionGeo_Type", required=True)
        if geo_type not in PRECISION_M:
            raise RowError("ActionGeo_Type", f"no location (ActionGeo_Type {geo_type})")
        lon, lat = parse_point(row, "ActionGeo_Long", "ActionGeo_Lat")
        day = parse_date(row, "Day")
        return ConflictEvent(
            source="gdelt",
            source_id=source_id,
            date_start=day,
            date_end=day,
            date_precision=DatePrecision.DAY,
            lon=lon,
            lat=lat,
            precision_m=PRECISION_M[geo_type],
            event_type=mapped,
            original_type=f"CAMEO {root}",
            original_subtype=f"CAMEO {code}",
            place=text(row, "ActionGeo_FullName"),
            admin=tuple(a for a in (text(row, "ActionGeo_ADM1Code"),) if a),
            country=text(row, "ActionGeo_CountryCode"),
            actors=tuple(a for a in (text(row, "Actor1Name"), text(row, "Actor2Name")) if a),
            url=text(row, "SOURCEURL"),
            confidence=CONFIDENCE,
            revision=text(row, "DATEADDED"),
            location_precision=f"ActionGeo_Type {geo_type}",
        )
