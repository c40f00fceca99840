"""The running monitor's parts, built once by the app factory and shared by CLI, web and jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from heritage.config import Settings
from heritage.pipeline.reports import GazetteerCache
from heritage.store.session import create_db_engine, require_current_schema, session_factory

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Runtime", "build_runtime"]


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    # The geoparser's gazetteer, rebuilt only when the registry or the gazetteer entries change.
    gazetteer_cache: GazetteerCache = field(default_factory=GazetteerCache, compare=False)

    @contextmanager
    def session(self, *, require_schema: bool = True) -> Iterator[Session]:
        """A session that is closed afterwards; checks first that init-db has been run."""
        if require_schema:
            require_current_schema(self.engine)
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()


def build_runtime(settings: Settings, database_url: str, clock: Callable[[], datetime]) -> Runtime:
    engine = create_db_engine(database_url)
    return Runtime(settings, engine, session_factory(engine), clock)
