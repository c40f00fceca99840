"""Facts worked out once from the gazetteer's own objects: its places, and the tuple of
readings it gives a name. Those live as long as the gazetteer, so a fact is filed under the
object's id; the entry keeps the object, so that no other object can take that id while the
entry stands, and a fact is never read for another object, even of the same place id (a
rebuilt gazetteer). A memo holds at most ``size`` entries and drops them all when full.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

T = TypeVar("T")


class IdentityMemo(Generic[T]):
    """Values by the identity of an object (and a key of its use), keeping the object."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int = 65_536) -> None:
        self._entries: dict[tuple[int, Hashable], tuple[object, T]] = {}
        self._size = size

    def get(self, owner: object, key: Hashable = None) -> T | None:
        """The value filed for this very ``owner`` (and ``key``), or None."""
        entry = self._entries.get((id(owner), key))
        return entry[1] if entry is not None and entry[0] is owner else None

    def put(self, owner: object, value: T, key: Hashable = None) -> T:
        """File ``value`` for ``owner`` (and ``key``) and return it."""
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[(id(owner), key)] = (owner, value)
        return value
