"""Replay history: each site's risk on a series of past dates, from events alone.

Pure: sites and events in, rows out. Matching runs once; each date then scores the events
that had happened by then (``risk.assess_site``), exactly as a live assessment would have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from heritage.config import RiskModel
from heritage.domain import ConflictEvent, Site
from heritage.match import build_site_index, match_events
from heritage.risk import assess_site

__all__ = ["BacktestRow", "backtest", "dates_between"]


@dataclass(frozen=True)
class BacktestRow:
    date: date
    site_id: str
    score: float
    level: str
    n_events: int
    top_event: str


def dates_between(first: date, last: date, step: timedelta) -> list[date]:
    days, current = [], first
    while current <= last:
        days.append(current)
        current += step
    return days


def backtest(
    sites: Sequence[Site], events: Sequence[ConflictEvent], days: Sequence[date], model: RiskModel
) -> list[BacktestRow]:
    """One row per (date, site), in date order."""
    by_ref = {f"{e.source}:{e.source_id}": e for e in events}
    matched: dict[str, list] = defaultdict(list)
    for exposure in match_events(build_site_index(sites), events, model):
        matched[exposure.site_id].append((exposure, by_ref[exposure.event_ref]))
    rows = []
    previous: dict[str, float] = {}
    for day in days:
        for site in sites:
            pairs = [(x, e) for x, e in matched[site.id] if e.date_start <= day]
            result = assess_site(site, pairs, day, model, previous_score=previous.get(site.id))
            previous[site.id] = result.score
            top = result.contributions[0].event_ref if result.contributions else ""
            rows.append(BacktestRow(day, site.id, result.score, result.level, result.n_events, top))
    return rows
