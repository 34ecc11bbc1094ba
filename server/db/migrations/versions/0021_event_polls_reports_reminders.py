"""events: registrant's time zone (reminders), date polls, after-event reports

Revision ID: 0021
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.add_column("event_registrations", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.create_table(
        "event_date_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _now("created_at"),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_event_date_polls_duration")),
        _fk("event_date_polls", "space_id", "spaces", "CASCADE"),
        _fk("event_date_polls", "event_id", "calendar_events", "SET NULL"),
        _fk("event_date_polls", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_date_polls")),
    )
    op.create_index(op.f("ix_event_date_polls_space_id"), "event_date_polls", ["space_id"])
    op.create_table(
        "event_date_poll_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        _fk("event_date_poll_options", "poll_id", "event_date_polls", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_date_poll_options")),
    )
    op.create_index(op.f("ix_event_date_poll_options_poll_id"), "event_date_poll_options", ["poll_id"])
    op.create_table(
        "event_date_poll_votes",
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _now("created_at"),
        _fk("event_date_poll_votes", "option_id", "event_date_poll_options", "CASCADE"),
        _fk("event_date_poll_votes", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("option_id", "user_id", name=op.f("pk_event_date_poll_votes")),
    )
    op.create_index(op.f("ix_event_date_poll_votes_user_id"), "event_date_poll_votes", ["user_id"])
    op.create_table(
        "event_reports",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("adapt", sa.Text(), nullable=False),
        sa.Column("attachment_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _now("created_at"),
        _now("updated_at"),
        _fk("event_reports", "event_id", "calendar_events", "CASCADE"),
        _fk("event_reports", "practice_id", "resources", "SET NULL"),
        _fk("event_reports", "updated_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_reports")),
    )


def downgrade() -> None:
    op.drop_table("event_reports")
    op.drop_table("event_date_poll_votes")
    op.drop_table("event_date_poll_options")
    op.drop_table("event_date_polls")
    op.drop_column("event_registrations", "timezone")
