"""city profiles and their history, city editors, needs, offers, match interest, matching weights

Revision ID: 0015
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _shared(table: str) -> list:
    """The columns and keys needs and offers share."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("languages", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("space_ids", postgresql.ARRAY(sa.Integer()), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint("audience IN ('network', 'spaces')", name=op.f(f"ck_{table}_audience")),
        _fk(table, "city_id", "cities", "CASCADE"),
        _fk(table, "author_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "city_profiles",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _now("updated_at"),
        _fk("city_profiles", "city_id", "cities", "CASCADE"),
        _fk("city_profiles", "updated_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("city_id", name=op.f("pk_city_profiles")),
    )
    op.create_table(
        "city_profile_versions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("edited_by", sa.Integer(), nullable=True),
        _now("replaced_at"),
        _fk("city_profile_versions", "city_id", "cities", "CASCADE"),
        _fk("city_profile_versions", "edited_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_profile_versions")),
    )
    op.create_index("ix_city_profile_versions_city_id", "city_profile_versions", ["city_id"])
    op.create_table(
        "city_editors",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        _now("created_at"),
        _fk("city_editors", "city_id", "cities", "CASCADE"),
        _fk("city_editors", "user_id", "users", "CASCADE"),
        _fk("city_editors", "granted_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("city_id", "user_id", name=op.f("pk_city_editors")),
    )
    op.create_index("ix_city_editors_user_id", "city_editors", ["user_id"])
    op.create_table(
        "needs",
        *_shared("needs"),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("challenge", sa.Text(), nullable=False),
        sa.Column("timeframe", sa.String(length=120), nullable=False),
        sa.Column("help_kinds", postgresql.ARRAY(sa.String(length=16)), nullable=False),
    )
    op.create_index("ix_needs_city_id", "needs", ["city_id"])
    op.create_table(
        "offers",
        *_shared("offers"),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("transfer_conditions", sa.Text(), nullable=False),
        sa.Column("mentoring_capacity", sa.Integer(), nullable=False),
        _fk("offers", "practice_id", "resources", "CASCADE"),
    )
    op.create_index("ix_offers_city_id", "offers", ["city_id"])
    op.create_index("ix_offers_practice_id", "offers", ["practice_id"])
    op.create_table(
        "match_interests",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _now("created_at"),
        sa.CheckConstraint("side IN ('need', 'helper')", name=op.f("ck_match_interests_side")),
        _fk("match_interests", "need_id", "needs", "CASCADE"),
        _fk("match_interests", "city_id", "cities", "CASCADE"),
        _fk("match_interests", "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("need_id", "city_id", "side", name=op.f("pk_match_interests")),
    )
    op.create_index("ix_match_interests_city_id", "match_interests", ["city_id"])
    op.create_table(
        "matching_weights",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_matching_weights")),
    )


def downgrade() -> None:
    for table in ("matching_weights", "match_interests", "offers", "needs", "city_editors"):
        op.drop_table(table)
    op.drop_table("city_profile_versions")
    op.drop_table("city_profiles")
