"""Shared fixtures: the app on a real database (SQLite, and PostgreSQL when configured),
a fixed clock, the CLI runner, and paths to the team's shared data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from smtp import smtp_server  # noqa: F401  (a fixture: see tests/smtp.py)
from sqlalchemy import create_engine, text

from heritage.config import Settings
from heritage.runtime import build_runtime
from heritage.store.session import migrate
from heritage.web import create_app

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXED_NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("HERITAGE_TEST_POSTGRES_URL", "")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = FIXED_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'heritage.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema of its own (its search_path), dropped on exit."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set HERITAGE_TEST_POSTGRES_URL (.ci/run does)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def runtime(database_url, settings, clock):
    """The monitor's runtime on a migrated database."""
    rt = build_runtime(settings, database_url, clock)
    migrate(rt.engine)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def session(runtime):
    with runtime.session() as s:
        yield s


@pytest.fixture
def app(database_url, clock, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock})
    migrate(app.extensions["heritage"].engine)
    yield app
    app.extensions["heritage"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the team's shared data is not beside the repo ({SHARED_DATA})")
    return SHARED_DATA
