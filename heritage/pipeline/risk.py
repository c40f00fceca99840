"""Match changed events to sites and reassess the sites they touch (`assess`, the scheduler tick).

Incremental: only events changed since the last run are matched again (new, revised or
retracted), and only the sites they touched before or touch now are reassessed. A change of
the registry matches every event again, since any site may have moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from heritage.config import RiskModel
from heritage.domain import Site
from heritage.match import SiteIndex, build_site_index, match_events
from heritage.risk import Assessment, assess_site
from heritage.store import feeds
from heritage.store import risk as risk_store
from heritage.store import sites as site_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["AssessResult", "IndexCache", "match_and_assess"]

_PAGE = 20_000


@dataclass
class AssessResult:
    as_of: date
    events_matched: int = 0
    exposures: int = 0
    registry_changed: bool = False
    levels: dict[str, str] = field(default_factory=dict)


def match_and_assess(
    session: Session,
    model: RiskModel,
    *,
    now: datetime,
    as_of: date | None = None,
    reassess_all: bool = False,
    index_cache: IndexCache | None = None,
) -> AssessResult:
    """Bring exposures up to date, then assess the affected sites (all of them with
    ``reassess_all``) as of ``as_of`` (default: today).

    ``index_cache`` keeps the site index between calls (the scheduler's ticks): it is rebuilt
    only when the registry changed, which is read from the sites' versions alone.
    """
    as_of = as_of or now.date()
    fingerprint = _registry_fingerprint(site_store.site_versions(session))
    cache = index_cache if index_cache is not None else IndexCache()
    if cache.fingerprint != fingerprint or cache.index is None:
        stored, _ = site_store.list_sites(session, site_store.SiteQuery(), limit=10**9, offset=0)
        cache.index, cache.fingerprint = build_site_index([s.site for s in stored]), fingerprint
        cache.sites = {s.site.id: s.site for s in stored}
    state = risk_store.get_matching_state(session)
    result = AssessResult(as_of, registry_changed=fingerprint != state.registry_fingerprint)
    since = None if result.registry_changed else state.events_changed_before
    affected = _match(session, cache.index, model, since, now, result)
    every = reassess_all or result.registry_changed
    # A level decays with time even when nothing new happens: reassess yesterday's non-quiet sites.
    stale = {
        site_id
        for site_id, (day, level, n_events) in risk_store.latest_levels(session).items()
        if day < as_of and (level != "none" or n_events)
    }
    to_assess = sorted(cache.sites) if every else sorted((affected | stale) & set(cache.sites))
    for start in range(0, len(to_assess), _PAGE):
        sites = [cache.sites[site_id] for site_id in to_assess[start : start + _PAGE]]
        for assessment in _assess(session, sites, model, as_of, now):
            result.levels[assessment.site_id] = assessment.level
    # An ingest still running wrote events stamped with its start; the next tick must see them.
    running = feeds.oldest_running_ingest(session, now=now)
    watermark = min(now, running - timedelta(microseconds=1)) if running else now
    risk_store.set_matching_state(
        session, events_changed_before=watermark, registry_fingerprint=fingerprint
    )
    session.commit()
    return result


@dataclass
class IndexCache:
    """The site index and the registry it was built from, kept between scheduler ticks."""

    fingerprint: str | None = None
    index: SiteIndex | None = None
    sites: dict[str, Site] = field(default_factory=dict)


def _match(session, index: SiteIndex, model, since, now, result: AssessResult) -> set[str]:
    affected: set[str] = set()
    after_id = 0
    while page := risk_store.events_to_match(
        session, changed_after=since, changed_before=now, after_id=after_id, limit=_PAGE
    ):
        ids = [event_id for event_id, _, _ in page]
        affected |= risk_store.exposed_sites(session, ids)
        live = [(event_id, event) for event_id, retracted, event in page if not retracted]
        by_ref = {f"{e.source}:{e.source_id}": event_id for event_id, e in live}
        found = [(by_ref[x.event_ref], x) for x in match_events(index, [e for _, e in live], model)]
        risk_store.replace_exposures(session, ids, found)
        affected |= {x.site_id for _, x in found}
        result.events_matched += len(page)
        result.exposures += len(found)
        after_id = ids[-1]
    return affected


def _assess(
    session, sites: list[Site], model: RiskModel, as_of: date, now: datetime
) -> list[Assessment]:
    ids = [site.id for site in sites]
    first = as_of - timedelta(days=model.horizon_days)
    pairs = risk_store.sites_exposures(session, ids, first=first, last=as_of)
    previous = risk_store.previous_scores(session, ids, as_of - timedelta(days=model.trend_days))
    results = [
        assess_site(
            site, pairs.get(site.id, []), as_of, model, previous_score=previous.get(site.id)
        )
        for site in sites
    ]
    risk_store.save_assessments(session, results, now=now)
    return results


def _registry_fingerprint(versions: list[tuple[str, int]]) -> str:
    text = ";".join(f"{site_id}:{version}" for site_id, version in versions)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
