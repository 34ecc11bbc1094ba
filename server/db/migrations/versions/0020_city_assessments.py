"""assessment frameworks loaded by admins, city self-assessments and peers' reviews

Revision ID: 0020
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "assessment_frameworks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("loaded_by", sa.Integer(), nullable=True),
        _now("created_at"),
        _fk("assessment_frameworks", "loaded_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_assessment_frameworks")),
    )
    op.create_table(
        "city_assessments",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.String(length=64), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("ratings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _now("updated_at"),
        _fk("city_assessments", "city_id", "cities", "CASCADE"),
        _fk("city_assessments", "updated_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("city_id", "year", name=op.f("pk_city_assessments")),
    )
    op.create_table(
        "assessment_reviews",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_city_id", sa.Integer(), nullable=True),
        sa.Column("comments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _now("created_at"),
        sa.ForeignKeyConstraint(
            ["city_id", "year"],
            ["city_assessments.city_id", "city_assessments.year"],
            name=op.f("fk_assessment_reviews_city_id_city_assessments"),
            ondelete="CASCADE",
        ),
        _fk("assessment_reviews", "reviewer_id", "users", "SET NULL"),
        _fk("assessment_reviews", "reviewer_city_id", "cities", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_reviews")),
    )
    op.create_index("ix_assessment_reviews_city_id", "assessment_reviews", ["city_id"])


def downgrade() -> None:
    op.drop_table("assessment_reviews")
    op.drop_table("city_assessments")
    op.drop_table("assessment_frameworks")
