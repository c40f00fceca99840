"""current risks: each site's newest assessment in a row of its own, with its largest
contributions only

The sites list grouped the whole assessment history to find each site's newest day and cut
its contribution list in SQL: 9 ms of a 100-site page at 100,000 sites, most of the request.
``current_risks`` holds that row, kept by ``store.risk.save_assessments``; a list reads it by
key. It keeps the ten largest contributions (they are stored largest first), the most a
summary shows.

On SQLite, ``site_keys`` (migration 0007) also keeps each site's version, update time,
sensitivity and current risk revision, by triggers on ``sites`` and ``current_risks``: a bbox
query then finds all it needs in the R*Tree and ``site_keys``, without two b-tree searches
into ``sites`` and ``current_risks`` per candidate (1.4 of a dense box's 1.6 ms of SQL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 05:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TOP = 10  # store.risk.SUMMARY_CONTRIBUTIONS when this revision was written

_CUT = {
    "sqlite": "(SELECT json_group_array(json(value)) FROM json_each(a.contributions)"
    f" WHERE key < {_TOP})",
    "postgresql": "(SELECT coalesce(json_agg(e ORDER BY i), '[]'::json)"
    " FROM json_array_elements(a.contributions) WITH ORDINALITY AS t(e, i)"
    f" WHERE i <= {_TOP})",
}


_KEY_FACTS = {"version": "INTEGER", "updated_at": "DATETIME", "sensitive": "BOOLEAN"}

_SQLITE = [
    *(f"ALTER TABLE site_keys ADD COLUMN {name} {kind}" for name, kind in _KEY_FACTS.items()),
    "ALTER TABLE site_keys ADD COLUMN risk_revision INTEGER",
    "UPDATE site_keys SET (version, updated_at, sensitive) ="
    " (SELECT version, updated_at, sensitive FROM sites WHERE sites.id = site_keys.site_id)",
    "UPDATE site_keys SET risk_revision ="
    " (SELECT revision FROM current_risks c WHERE c.site_id = site_keys.site_id)",
    "DROP TRIGGER sites_bounds_insert",
    "CREATE TRIGGER sites_bounds_insert AFTER INSERT ON sites BEGIN"
    " INSERT INTO site_keys (site_id, version, updated_at, sensitive)"
    "  VALUES (NEW.id, NEW.version, NEW.updated_at, NEW.sensitive);"
    " INSERT INTO site_bounds SELECT key, NEW.min_lon, NEW.max_lon, NEW.min_lat, NEW.max_lat"
    "  FROM site_keys WHERE site_id = NEW.id AND NEW.min_lon IS NOT NULL;"
    " END",
    "CREATE TRIGGER sites_keys_update AFTER UPDATE OF version, updated_at, sensitive ON sites"
    " BEGIN UPDATE site_keys SET version = NEW.version, updated_at = NEW.updated_at,"
    " sensitive = NEW.sensitive WHERE site_id = NEW.id; END",
    "CREATE TRIGGER current_risks_insert AFTER INSERT ON current_risks BEGIN"
    " UPDATE site_keys SET risk_revision = NEW.revision WHERE site_id = NEW.site_id; END",
    "CREATE TRIGGER current_risks_update AFTER UPDATE OF revision ON current_risks BEGIN"
    " UPDATE site_keys SET risk_revision = NEW.revision WHERE site_id = NEW.site_id; END",
    "CREATE TRIGGER current_risks_delete AFTER DELETE ON current_risks BEGIN"
    " UPDATE site_keys SET risk_revision = NULL WHERE site_id = OLD.site_id; END",
]

_SQLITE_DOWN = [
    "DROP TRIGGER current_risks_insert",
    "DROP TRIGGER current_risks_update",
    "DROP TRIGGER current_risks_delete",
    "DROP TRIGGER sites_keys_update",
    "DROP TRIGGER sites_bounds_insert",
    "CREATE TRIGGER sites_bounds_insert AFTER INSERT ON sites BEGIN"
    " INSERT INTO site_keys (site_id) VALUES (NEW.id);"
    " INSERT INTO site_bounds SELECT key, NEW.min_lon, NEW.max_lon, NEW.min_lat, NEW.max_lat"
    "  FROM site_keys WHERE site_id = NEW.id AND NEW.min_lon IS NOT NULL;"
    " END",
    *(f"ALTER TABLE site_keys DROP COLUMN {name}" for name in [*_KEY_FACTS, "risk_revision"]),
]


def upgrade() -> None:
    op.create_table(
        "current_risks",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("trend", sa.String(length=16), nullable=False),
        sa.Column("previous_score", sa.Float(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("top_contributions", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_current_risks_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_current_risks")),
    )
    op.create_index(op.f("ix_current_risks_level"), "current_risks", ["level"])
    cut = _CUT[op.get_bind().dialect.name]
    op.execute(
        sa.text(
            "INSERT INTO current_risks (site_id, revision, as_of, score, level, trend, previous_score,"
            " n_events, top_contributions, reasons, computed_at)"
            " SELECT a.site_id, 1, a.as_of, a.score, a.level, a.trend, a.previous_score,"
            f" a.n_events, {cut}, a.reasons, a.computed_at"
            " FROM assessments a JOIN (SELECT site_id, max(as_of) AS as_of FROM assessments"
            " GROUP BY site_id) n ON n.site_id = a.site_id AND n.as_of = a.as_of"
        )
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(sa.text(statement))
    op.drop_index(op.f("ix_current_risks_level"), table_name="current_risks")
    op.drop_table("current_risks")
