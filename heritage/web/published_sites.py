"""Sites as published GeoJSON features, kept in the web process by site version.

A registry changes a few times a year and is read thousands of times a day: decoding the zones,
generalising sensitive ones and writing their coordinates was two thirds of the time of a sites
list or export. Each site's feature (everything but its risk and links) is built once per
version; the zones are kept as JSON already written (``orjson.Fragment``), so only the cheap
properties are serialised again. A new version of a site misses the cache and replaces it.

The API's features (with the risk summary and links) are also kept written whole, under a
the site's key (its version and risk revision) and the links' base URL: a page of
a hundred sites is then a hundred byte strings joined, not a hundred risk rows parsed and
features serialised.

Each process keeps its own copy, at most ``capacity`` sites, least recently used out first;
a server's worker builds it when it starts (``warm``), so no visitor waits for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

import orjson
from sqlalchemy.orm import Session

from heritage.export import site_features
from heritage.store import sites as site_store

__all__ = ["PublishedSites", "with_properties"]


class PublishedSites:
    def __init__(self, *, generalise_deg: float, capacity: int = 20_000):
        self._generalise_deg = generalise_deg
        self._capacity = capacity
        self._features: OrderedDict[str, tuple[int, dict]] = OrderedDict()
        self._written: OrderedDict[str, tuple[tuple, orjson.Fragment]] = OrderedDict()
        self._lock = threading.Lock()

    def features(self, session: Session, keys: Sequence[site_store.SiteKey]) -> list[dict]:
        """The features of these sites, in order (a site removed meanwhile is left out). They
        are shared: add to one with ``with_properties``, never change it in place."""
        with self._lock:
            cached = {key.id: self._get(key) for key in keys}
        missing = [key.id for key in keys if cached[key.id] is None]
        for start in range(0, len(missing), 5000):
            cached |= self._build(session, missing[start : start + 5000])
        return [cached[key.id] for key in keys if cached[key.id] is not None]

    def written(
        self,
        keys: Sequence[site_store.SiteKey],
        stamp: Hashable,
        build: Callable[[list[site_store.SiteKey]], list[dict]],
    ) -> list[orjson.Fragment]:
        """These sites' features written as JSON, in order. Each is kept under its key (version
        and risk revision) and ``stamp``; ``build`` makes the features of those missing or
        stale (a site removed meanwhile has none, and is left out)."""
        wanted = {key.id: (key, stamp) for key in keys}
        with self._lock:
            found = {site_id: self._written_as(site_id, stamp) for site_id, stamp in wanted.items()}
        missing = [key for key in keys if found[key.id] is None]
        if missing:
            fresh = {feature["id"]: orjson.Fragment(_dumps(feature)) for feature in build(missing)}
            with self._lock:
                for site_id, written in fresh.items():
                    self._written[site_id] = (wanted[site_id], written)
                    self._written.move_to_end(site_id)
                while len(self._written) > self._capacity:
                    self._written.popitem(last=False)
            found |= fresh
        return [found[key.id] for key in keys if found.get(key.id) is not None]

    def warm(self, session: Session) -> int:
        """Build the features of the registry's first ``capacity`` sites (by id), so that the
        first requests of a new server process find them; returns how many were built."""
        keys, _ = site_store.list_site_keys(
            session, site_store.SiteQuery(), limit=self._capacity, offset=0
        )
        return len(self.features(session, keys))

    def _get(self, key: site_store.SiteKey) -> dict | None:
        entry = self._features.get(key.id)
        if entry is None or entry[0] != key.version:
            return None
        self._features.move_to_end(key.id)
        return entry[1]

    def _written_as(self, site_id: str, stamp: tuple) -> orjson.Fragment | None:
        entry = self._written.get(site_id)
        if entry is None or entry[0] != stamp:
            return None
        self._written.move_to_end(site_id)
        return entry[1]

    def _build(self, session: Session, site_ids: list[str]) -> dict[str, dict]:
        stored = site_store.get_sites(session, site_ids)
        built = site_features([item.site for item in stored], generalise_deg=self._generalise_deg)
        with self._lock:
            for item, feature in zip(stored, built, strict=True):
                feature["geometry"] = _written(feature["geometry"])
                properties = feature["properties"]
                properties["buffer_zone"] = _written(properties["buffer_zone"])
                self._features[item.site.id] = (item.version, feature)
                self._features.move_to_end(item.site.id)
            while len(self._features) > self._capacity:
                self._features.popitem(last=False)
        return {item.site.id: feature for item, feature in zip(stored, built, strict=True)}


def with_properties(feature: dict, extra: dict) -> dict:
    """A copy of a shared ``feature`` with ``extra`` added to its properties."""
    return feature | {"properties": feature["properties"] | extra}


def _written(geometry: dict | None) -> orjson.Fragment | None:
    if geometry is None:
        return None
    return orjson.Fragment(_dumps(geometry))


def _dumps(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
