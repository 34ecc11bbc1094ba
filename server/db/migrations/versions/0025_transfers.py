"""practice transfers: transfers, plans per implementing city, milestones, adaptation log

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("source_practice_id", sa.Integer(), nullable=True),
        sa.Column("mentor_city_id", sa.Integer(), nullable=True),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "state IN ('proposed', 'planning', 'implementing', 'reviewing', 'completed', 'stopped')",
            name=op.f("ck_transfers_state"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name=op.f("ck_transfers_dates")
        ),
        _fk("transfers", "space_id", "spaces", "CASCADE"),
        _fk("transfers", "source_practice_id", "resources", "SET NULL"),
        _fk("transfers", "mentor_city_id", "cities", "SET NULL"),
        _fk("transfers", "coordinator_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index("ix_transfers_space_id", "transfers", ["space_id"])
    op.create_index("ix_transfers_source_practice_id", "transfers", ["source_practice_id"])
    op.create_table(
        "transfer_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        _text("local_context"),
        _text("adaptations"),
        _text("stakeholders"),
        _text("resources"),
        _text("risks"),
        sa.Column("indicators", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _now("updated_at"),
        _fk("transfer_plans", "transfer_id", "transfers", "CASCADE"),
        _fk("transfer_plans", "city_id", "cities", "CASCADE"),
        _fk("transfer_plans", "practice_id", "resources", "SET NULL"),
        _fk("transfer_plans", "updated_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_plans")),
        sa.UniqueConstraint("transfer_id", "city_id", name=op.f("uq_transfer_plans_transfer_id")),
    )
    op.create_index("ix_transfer_plans_city_id", "transfer_plans", ["city_id"])
    op.create_index("ix_transfer_plans_practice_id", "transfer_plans", ["practice_id"])
    op.create_table(
        "transfer_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint("state IN ('open', 'done', 'dropped')", name=op.f("ck_transfer_milestones_state")),
        _fk("transfer_milestones", "plan_id", "transfer_plans", "CASCADE"),
        _fk("transfer_milestones", "owner_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_milestones")),
    )
    op.create_index("ix_transfer_milestones_plan_id", "transfer_milestones", ["plan_id"])
    op.create_table(
        "transfer_log_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        _text("change"),
        _text("reason"),
        _text("notes"),
        sa.Column("author_id", sa.Integer(), nullable=True),
        _now("created_at"),
        sa.CheckConstraint("kind IN ('adaptation', 'comment')", name=op.f("ck_transfer_log_entries_kind")),
        _fk("transfer_log_entries", "plan_id", "transfer_plans", "CASCADE"),
        _fk("transfer_log_entries", "author_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_log_entries")),
    )
    op.create_index("ix_transfer_log_entries_plan", "transfer_log_entries", ["plan_id", "id"])


def downgrade() -> None:
    op.drop_table("transfer_log_entries")
    op.drop_table("transfer_milestones")
    op.drop_table("transfer_plans")
    op.drop_table("transfers")
