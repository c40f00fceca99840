"""UCDP GED and UCDP Candidate events.

Location precision (``where_prec``) as a radius, after the GED codebook:
1 = exact location: 1 km; 2 = within about 25 km of a known point: 25 km;
3 = second-order administrative division (district): 50 km;
4 = first-order division (province): 150 km; 5 = a part of the country larger than a
province, or a linear feature: 300 km; 6 = the country: 1,000 km;
7 = international waters or airspace: 1,000 km.
Date precision (``date_prec``): 1 = day, 2 = 2-6 days (week), 3 = about a month,
4 = 1-6 months, 5 = a year. ``best``, ``low`` and ``high`` are the fatality estimates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heritage.domain import ConflictEvent, DatePrecision, EventType, Fatalities
from heritage.ingest.base import RowError, parse_date, parse_float, parse_int, parse_point, text

__all__ = ["PRECISION_M", "UcdpCandidateAdapter", "UcdpGedAdapter"]

PRECISION_M = {
    1: 1_000.0,
    2: 25_000.0,
    3: 50_000.0,
    4: 150_000.0,
    5: 300_000.0,
    6: 1_000_000.0,
    7: 1_000_000.0,
}
_DATE_PRECISION = {
    1: DatePrecision.DAY,
    2: DatePrecision.WEEK,
    3: DatePrecision.MONTH,
    4: DatePrecision.MONTH,
    5: DatePrecision.YEAR,
}
# type_of_violence: 1 state-based, 2 non-state (both fighting), 3 one-sided (against civilians)
_VIOLENCE = {
    1: (EventType.ARMED_CLASH, "state-based"),
    2: (EventType.ARMED_CLASH, "non-state"),
    3: (EventType.VIOLENCE_AGAINST_CIVILIANS, "one-sided"),
}


class UcdpGedAdapter:
    name = "ucdp-ged"
    source = "ucdp-ged"

    def matches(self, columns: Sequence[str]) -> bool:
        return {"id", "type_of_violence", "where_prec", "best"} <= set(columns)

    def parse_row(self, row: Mapping[str, str]) -> ConflictEvent:
        source_id = text(row, "id")
        if not source_id:
            raise RowError("id", "missing event id")
        if source_id.endswith(".0"):  # ids read back from spreadsheets as floats
            source_id = source_id[:-2]
        violence = parse_int(row, "type_of_violence", required=True)
        if violence not in _VIOLENCE:
            raise RowError("type_of_violence", f"must be 1, 2 or 3, got {violence}")
        event_type, kind = _VIOLENCE[violence]
        where_prec = parse_int(row, "where_prec", required=True)
        if where_prec not in PRECISION_M:
            raise RowError("where_prec", f"must be 1 to 7, got {where_prec}")
        start = _date(row, "date_start")
        end = _date(row, "date_end") or start
        if end < start:
            raise RowError("date_end", f"ends ({end}) before it starts ({start})")
        lon, lat = parse_point(row, "longitude", "latitude")
        best, low, high = (parse_int(row, c) for c in ("best", "low", "high"))
        clarity = parse_float(row, "event_clarity", required=False)
        status = text(row, "code_status")
        confidence = 1.0 if clarity in (None, 1.0) else 0.7
        if status and status != "Clear":  # candidate events still being checked
            confidence = min(confidence, 0.7)
        return ConflictEvent(
            source=self.source,
            source_id=source_id,
            date_start=start,
            date_end=end,
            date_precision=_DATE_PRECISION.get(parse_int(row, "date_prec") or 1, DatePrecision.DAY),
            lon=lon,
            lat=lat,
            precision_m=PRECISION_M[where_prec],
            event_type=event_type,
            original_type=f"type_of_violence {violence} ({kind})",
            original_subtype=text(row, "conflict_name"),
            place=text(row, "where_coordinates"),
            admin=tuple(a for a in (text(row, "adm_1"), text(row, "adm_2")) if a),
            country=text(row, "country"),
            actors=tuple(a for a in (text(row, "side_a"), text(row, "side_b")) if a),
            fatalities=Fatalities(best, low, high),
            description=text(row, "source_headline"),
            url="",
            confidence=confidence,
            revision=text(row, "version"),
            location_precision=f"where_prec {where_prec}",
        )


class UcdpCandidateAdapter(UcdpGedAdapter):
    """UCDP Candidate events: same columns; a later release may drop or re-code them."""

    name = "ucdp-candidate"
    source = "ucdp-candidate"

    def matches(self, columns: Sequence[str]) -> bool:
        return False  # same header as GED: chosen only with --format ucdp-candidate


def _date(row: Mapping[str, str], column: str):
    """The shared files add ISO copies (``date_start_iso``) of UCDP's mixed date formats."""
    if text(row, f"{column}_iso"):
        return parse_date(row, f"{column}_iso")
    return parse_date(row, column, required=column == "date_start")
