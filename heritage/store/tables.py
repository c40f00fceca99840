"""Table definitions (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

__all__ = [
    "UTCDateTime",
    "alert_history",
    "alerts",
    "api_keys",
    "assessments",
    "current_risks",
    "deliveries",
    "event_revisions",
    "events",
    "exposures",
    "gazetteer_entries",
    "ingests",
    "job_runs",
    "matching_state",
    "metadata",
    "quarantine",
    "registry_imports",
    "reports",
    "scheduler_heartbeats",
    "scheduler_lock",
    "site_countries",
    "site_geometry_history",
    "site_names",
    "sites",
    "sources",
    "subscriptions",
    "users",
    "watched_sources",
]


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the monitor stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sites = Table(
    "sites",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("designation", String(32), nullable=False),
    Column("unesco_id", Integer, unique=True),
    Column("inscribed_year", Integer),
    Column("in_danger", Boolean, nullable=False, default=False),
    Column("in_danger_since", Integer),
    Column("vulnerability", Float, nullable=False),
    Column("sensitive", Boolean, nullable=False, default=False),
    Column("geometry_precision", String(32), nullable=False),
    Column("sources", JSON, nullable=False),
    Column("core_wkb", LargeBinary, nullable=False),
    Column("buffer_wkb", LargeBinary, nullable=False),
    # Bounds of core plus buffer, for a coarse bbox filter in SQL before the exact one.
    Column("min_lon", Float),
    Column("min_lat", Float),
    Column("max_lon", Float),
    Column("max_lat", Float),
    Column("fingerprint", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("geometry_since", UTCDateTime, nullable=False),
)

site_names = Table(
    "site_names",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "site_id",
        String(64),
        ForeignKey("sites.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("lang", String(35), nullable=False),
)

site_countries = Table(
    "site_countries",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("country", String(2), primary_key=True, index=True),
)

site_geometry_history = Table(
    "site_geometry_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "site_id",
        String(64),
        ForeignKey("sites.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("version", Integer, nullable=False),
    Column("geometry_precision", String(32), nullable=False),
    Column("geometry_source", Text),
    Column("core_wkb", LargeBinary, nullable=False),
    Column("buffer_wkb", LargeBinary, nullable=False),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime, nullable=False),
)

registry_imports = Table(
    "registry_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("records", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("repairs", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
)

scheduler_heartbeats = Table(
    "scheduler_heartbeats",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("source_id", String(128), nullable=False),
    Column("revision", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("retracted", Boolean, nullable=False, default=False),
    Column("date_start", Date, nullable=False, index=True),
    Column("date_end", Date, nullable=False),
    Column("date_precision", String(8), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("precision_m", Float, nullable=False),
    Column("location_precision", String(64), nullable=False),
    Column("event_type", String(32), nullable=False, index=True),
    Column("original_type", Text, nullable=False),
    Column("original_subtype", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("admin", JSON, nullable=False),
    Column("country", Text, nullable=False),
    Column("actors", JSON, nullable=False),
    Column("fatalities_best", Integer),
    Column("fatalities_low", Integer),
    Column("fatalities_high", Integer),
    Column("description", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    # When the event last changed (new, revised, retracted): what incremental matching reads.
    Column("changed_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("source", "source_id", name="uq_events_source_source_id"),
    # For bbox queries (migration 0007). The sites' spatial index is dialect-specific and lives
    # in the migration alone: an R*Tree (SQLite) or a GiST index on a box (PostgreSQL).
    Index("ix_events_lat_lon", "lat", "lon"),
)

event_revisions = Table(
    "event_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("version", Integer, nullable=False),
    Column("revision", String(64), nullable=False),
    Column("retracted", Boolean, nullable=False),
    Column("data", JSON, nullable=False),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("location", Text, nullable=False, unique=True),
    Column("format", String(32), nullable=False),
    Column("last_attempt_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("last_counts", JSON),
    Column("ingests", Integer, nullable=False, default=0),
)

ingests = Table(
    "ingests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "source_id",
        Integer,
        ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("file", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(16), nullable=False),
    Column("counts", JSON),
    Column("error", Text),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "ingest_id",
        Integer,
        ForeignKey("ingests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "source_id",
        Integer,
        ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("file", Text, nullable=False),
    Column("row", Integer, nullable=False),
    Column("column", Text),
    Column("reason", Text, nullable=False),
    Column("raw", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

exposures = Table(
    "exposures",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "event_id",
        Integer,
        ForeignKey("events.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("distance_m", Float, nullable=False),
    Column("zone", String(16), nullable=False),
    Column("is_uncertain", Boolean, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("score", Float, nullable=False),
    Column("level", String(16), nullable=False, index=True),
    Column("trend", String(16), nullable=False),
    Column("previous_score", Float),
    Column("n_events", Integer, nullable=False),
    Column("contributions", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    UniqueConstraint("site_id", "as_of", name="uq_assessments_site_id_as_of"),
)

# Each site's newest assessment, kept beside the history by ``save_assessments``: the sites list,
# the map and the level filter read one row per site by key instead of grouping the history, and
# only the largest contributions a summary can show (``risk.SUMMARY_CONTRIBUTIONS``).
current_risks = Table(
    "current_risks",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    # Larger at every save than any before it: what a cache of published risks is keyed on.
    Column("revision", Integer, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("score", Float, nullable=False),
    Column("level", String(16), nullable=False, index=True),
    Column("trend", String(16), nullable=False),
    Column("previous_score", Float),
    Column("n_events", Integer, nullable=False),
    Column("top_contributions", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
)

matching_state = Table(
    "matching_state",
    metadata,
    Column("name", String(32), primary_key=True),
    # Events changed after this were not matched yet (the incremental tick's watermark).
    Column("events_changed_before", UTCDateTime),
    # The registry as last matched: a change means every event is matched again.
    Column("registry_fingerprint", String(64)),
)

# Free-text reports (news articles, feed entries): stored once by the hash of their text, with
# what the geoparser found in them when they were ingested.
reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source", String(64), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("published", Date),
    Column("media_type", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("extraction", JSON, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
)

# Places the geoparser knows beyond the registry and the packaged gazetteer: GeoNames dump
# imports and the aliases users add (a name for a point, or another name of a known place).
gazetteer_entries = Table(
    "gazetteer_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(16), nullable=False, index=True),  # "geonames" or "alias"
    Column("place_id", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("alternate_names", JSON, nullable=False),
    Column("lon", Float),
    Column("lat", Float),
    Column("kind", String(16), nullable=False),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("population", Integer, nullable=False),
    Column("precision_m", Float),
    Column("target", String(64)),  # an alias of this place id, instead of a point of its own
    Column("created_at", UTCDateTime, nullable=False),
)

# Alerts: one row per alert with its current state; every change is a row of its history.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "site_id",
        String(64),
        ForeignKey("sites.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("status", String(16), nullable=False, index=True),
    Column("trigger", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("peak_level", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
    Column("resolved_at", UTCDateTime),
    Column("snoozed_until", UTCDateTime),
    Column("below_since", Date),
    Column("event_refs", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("disposition", String(32)),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

alert_history = Table(
    "alert_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "alert_id",
        Integer,
        ForeignKey("alerts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("version", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(128), nullable=False),
    Column("action", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("previous_level", String(16)),
    Column("summary", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("events", JSON, nullable=False),  # {"added": [...], "removed": [...], "revised": [...]}
    UniqueConstraint("alert_id", "version", name="uq_alert_history_alert_id_version"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("target", Text, nullable=False),
    Column("scope", JSON, nullable=False),
    Column("min_level", String(16), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("digest", String(16), nullable=False),
    Column("digest_hour", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("feed_health", Boolean, nullable=False),
    # Signs webhook bodies (HMAC-SHA256); the receiver is given it once, when subscribing.
    Column("secret", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime),
    Column("unsubscribed_at", UTCDateTime),
    Column("last_digest_at", UTCDateTime),
)

# The outbox: one row per (change, subscriber), written in the transaction that records the
# change, so nothing is lost; the key makes a second enqueue of the same message a no-op.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, unique=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="SET NULL"),
        index=True,
    ),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="SET NULL"), index=True),
    Column("alert_version", Integer),
    Column("kind", String(16), nullable=False),  # alert, digest, feed_stale, confirm
    Column("channel", String(16), nullable=False),
    Column("target", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", JSON, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    Column("claimed_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

# Which sources the scheduler polls and how often each is expected to deliver; feed health
# reads it with `sources` (one row per location).
watched_sources = Table(
    "watched_sources",
    metadata,
    Column("location", Text, primary_key=True),
    Column("format", String(32)),
    Column("source_name", String(64)),
    Column("poll_interval_s", Integer),
    Column("expected_interval_s", Integer),
    Column("stale_notified_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)

# One scheduler per deployment: the lock's holder renews its lease; others wait.
scheduler_lock = Table(
    "scheduler_lock",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(255), nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False, index=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # ok, failed
    Column("summary", Text, nullable=False),
)

# Dashboard accounts: viewers read, analysts act on alerts and submit reports, admins run it.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)
