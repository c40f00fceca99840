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
from heritage.risk import assess_site
from heritage.store import risk as risk_store
from heritage.store import sites as site_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["AssessResult", "match_and_assess"]

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
) -> AssessResult:
    """Bring exposures up to date, then assess the affected sites (all of them with
    ``reassess_all``) as of ``as_of`` (default: today)."""
    as_of = as_of or now.date()
    stored, _ = site_store.list_sites(session, site_store.SiteQuery(), limit=10**9, offset=0)
    sites = [s.site for s in stored]
    fingerprint = _registry_fingerprint(stored)
    state = risk_store.get_matching_state(session)
    result = AssessResult(as_of, registry_changed=fingerprint != state.registry_fingerprint)
    since = None if result.registry_changed else state.events_changed_before
    affected = _match(session, build_site_index(sites), model, since, now, result)
    to_assess = (
        sites if reassess_all or result.registry_changed else [s for s in sites if s.id in affected]
    )
    for site in to_assess:
        result.levels[site.id] = _assess(session, site, model, as_of, now)
    risk_store.set_matching_state(
        session, events_changed_before=now, registry_fingerprint=fingerprint
    )
    session.commit()
    return result


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


def _assess(session, site: Site, model: RiskModel, as_of: date, now: datetime) -> str:
    first = as_of - timedelta(days=model.horizon_days)
    pairs = risk_store.site_exposures(session, site.id, first=first, last=as_of)
    previous = risk_store.previous_score(session, site.id, as_of - timedelta(days=model.trend_days))
    assessment = assess_site(site, pairs, as_of, model, previous_score=previous)
    risk_store.save_assessment(session, assessment, now=now)
    return assessment.level


def _registry_fingerprint(stored) -> str:
    text = ";".join(f"{s.site.id}:{s.version}" for s in stored)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
