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

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import orjson
from sqlalchemy.orm import Session

from heritage.export import site_features
from heritage.store import sites as site_store

__all__ = ["BASE_PLACEHOLDER", "PublishedSites", "with_properties"]

# Stands for the links' base URL in a kept written feature (the host a request names is only
# known then): unguessable, so no name or text in a feature can contain it.
BASE_PLACEHOLDER = f"urn:x-heritage-base:{secrets.token_hex(12)}"
_PLACEHOLDER = BASE_PLACEHOLDER.encode()


class PublishedSites:
    def __init__(self, *, generalise_deg: float, capacity: int = 20_000):
        self._generalise_deg = generalise_deg
        self._capacity = capacity
        self._features: OrderedDict[str, tuple[int, dict]] = OrderedDict()
        # site id -> (key, the written feature before and after its links' base URL)
        self._written: OrderedDict[str, tuple[site_store.SiteKey, bytes, bytes]] = OrderedDict()
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
        base: str,
        build: Callable[[list[site_store.SiteKey]], list[dict]],
    ) -> list[orjson.Fragment]:
        """These sites' features written as JSON, in order, with ``base`` as their links' base
        URL. Each is kept under its key (version and risk revision); ``build`` makes the
        features of those missing or stale, with ``BASE_PLACEHOLDER`` for the base URL (a site
        removed meanwhile has none, and is left out)."""
        with self._lock:
            found = {key.id: self._written_as(key) for key in keys}
        missing = [key for key in keys if found[key.id] is None]
        if missing:
            by_id = {key.id: key for key in missing}
            fresh = {feature["id"]: _halves(_dumps(feature)) for feature in build(missing)}
            with self._lock:
                for site_id, halves in fresh.items():
                    self._written[site_id] = (by_id[site_id], *halves)
                    self._written.move_to_end(site_id)
                while len(self._written) > self._capacity:
                    self._written.popitem(last=False)
            found |= fresh
        at = orjson.dumps(base)[1:-1]  # the base as JSON string content
        return [
            orjson.Fragment(halves[0] + at + halves[1])
            for halves in (found.get(key.id) for key in keys)
            if halves is not None
        ]

    def warm(
        self,
        session: Session,
        build: Callable[[list[site_store.SiteKey]], list[dict]] | None = None,
    ) -> int:
        """Build the features of the registry's first ``capacity`` sites (by id), and with
        ``build`` (see ``written``) their written features too, so that the first requests of a
        new server process find them; returns how many sites were built."""
        keys, _ = site_store.list_site_keys(
            session, site_store.SiteQuery(), limit=self._capacity, offset=0
        )
        built = len(self.features(session, keys))
        if build is not None:
            for start in range(0, len(keys), 5000):
                self.written(keys[start : start + 5000], "", build)
        return built

    def _get(self, key: site_store.SiteKey) -> dict | None:
        entry = self._features.get(key.id)
        if entry is None or entry[0] != key.version:
            return None
        self._features.move_to_end(key.id)
        return entry[1]

    def _written_as(self, key: site_store.SiteKey) -> tuple[bytes, bytes] | None:
        entry = self._written.get(key.id)
        if entry is None or entry[0] != key:
            return None
        self._written.move_to_end(key.id)
        return entry[1:]

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


def _halves(written: bytes) -> tuple[bytes, bytes]:
    head, tail = written.split(_PLACEHOLDER)  # exactly one link, so exactly two halves
    return head, tail


def _written(geometry: dict | None) -> orjson.Fragment | None:
    if geometry is None:
        return None
    return orjson.Fragment(_dumps(geometry))


def _dumps(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
