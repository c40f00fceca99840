"""current risks: each site's newest assessment in a row of its own, with its largest
contributions only

The sites list grouped the whole assessment history to find each site's newest day and cut
its contribution list in SQL: 9 ms of a 100-site page at 100,000 sites, most of the request.
``current_risks`` holds that row, kept by ``store.risk.save_assessments``; a list reads it by
key. It keeps the ten largest contributions (they are stored largest first), the most a
summary shows.

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


def downgrade() -> None:
    op.drop_index(op.f("ix_current_risks_level"), table_name="current_risks")
    op.drop_table("current_risks")
