"""sites registry and scheduler heartbeats

Revision ID: 0001
Revises:
Create Date: 2026-11-24 19:02:58.653697
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("repairs", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_imports")),
    )
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_heartbeats")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("designation", sa.String(length=32), nullable=False),
        sa.Column("unesco_id", sa.Integer(), nullable=True),
        sa.Column("inscribed_year", sa.Integer(), nullable=True),
        sa.Column("in_danger", sa.Boolean(), nullable=False),
        sa.Column("in_danger_since", sa.Integer(), nullable=True),
        sa.Column("vulnerability", sa.Float(), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("geometry_precision", sa.String(length=32), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("core_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("buffer_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("geometry_since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("unesco_id", name=op.f("uq_sites_unesco_id")),
    )
    op.create_table(
        "site_countries",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_countries_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", "country", name=op.f("pk_site_countries")),
    )
    with op.batch_alter_table("site_countries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_countries_country"), ["country"], unique=False)

    op.create_table(
        "site_geometry_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("geometry_precision", sa.String(length=32), nullable=False),
        sa.Column("geometry_source", sa.Text(), nullable=True),
        sa.Column("core_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("buffer_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_geometry_history_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_geometry_history")),
    )
    with op.batch_alter_table("site_geometry_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_geometry_history_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "site_names",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_names_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_names")),
    )
    with op.batch_alter_table("site_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_names_site_id"), ["site_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("site_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_names_site_id"))

    op.drop_table("site_names")
    with op.batch_alter_table("site_geometry_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_geometry_history_site_id"))

    op.drop_table("site_geometry_history")
    with op.batch_alter_table("site_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_countries_country"))

    op.drop_table("site_countries")
    op.drop_table("sites")
    op.drop_table("scheduler_heartbeats")
    op.drop_table("registry_imports")
