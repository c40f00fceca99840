"""free-text reports and gazetteer entries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("extraction", sa.JSON(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_reports_content_hash")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_source"), ["source"], unique=False)

    op.create_table(
        "gazetteer_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_names", sa.JSON(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("admin1", sa.Text(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("precision_m", sa.Float(), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gazetteer_entries")),
        sa.UniqueConstraint("place_id", name=op.f("uq_gazetteer_entries_place_id")),
    )
    with op.batch_alter_table("gazetteer_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gazetteer_entries_origin"), ["origin"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gazetteer_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gazetteer_entries_origin"))
    op.drop_table("gazetteer_entries")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_source"))
    op.drop_table("reports")
