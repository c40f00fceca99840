"""Engines, sessions and schema migrations.

SQLite (the embedded default) runs in WAL mode so the web server and the scheduler process can
read while the other writes; PostgreSQL is used through its psycopg 3 driver.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from heritage.errors import DatabaseNotReadyError, InvalidInputError

__all__ = [
    "create_db_engine",
    "database_label",
    "migrate",
    "require_current_schema",
    "schema_revisions",
    "session_factory",
    "sqlite_url",
]

_MIGRATIONS = str(Path(__file__).with_name("migrations"))


def _json_text(value) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_value(text: str | bytes):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which the json module once wrote
        return json.loads(text)


# JSON columns (risk contributions and reasons, names, sources) through orjson: decoding them
# with the json module was a fifth of a sites list's time.
_JSON_CODEC = {"json_serializer": _json_text, "json_deserializer": _json_value}


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; ``postgresql://`` URLs use the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInputError(
            f"HERITAGE_DATABASE_URL is not a database URL: {url!r}", source="configuration"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, **_JSON_CODEC)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **_JSON_CODEC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Reads through a memory map of the file (up to 1 GiB), not a read call and a copy into
    # each connection's small page cache per page: a dense bbox query touches hundreds.
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


def database_label(engine: Engine) -> str:
    """The database's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """(revision the database is at, or None if never migrated; revision the code needs)."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise DatabaseNotReadyError(
            f"cannot open the database {database_label(engine)}: {exc.__class__.__name__}: {exc}"
        ) from exc
    return current, head or ""


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the latest revision; safe to run again.

    Returns the revisions before and after.
    """
    before, head = schema_revisions(engine)
    if before != head:
        command.upgrade(_alembic_config(engine), "head")
    return before, head


def require_current_schema(engine: Engine) -> None:
    """Raise DatabaseNotReadyError, saying what to run, unless the schema is current."""
    current, head = schema_revisions(engine)
    if current == head:
        return
    what = "has not been initialised" if current is None else f"is at schema {current}, not {head}"
    raise DatabaseNotReadyError(
        f"the database {database_label(engine)} {what}: run `flask --app app init-db`"
    )
