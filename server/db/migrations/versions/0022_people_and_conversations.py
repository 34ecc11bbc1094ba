"""profiles with expertise and visibility, direct conversations, blocks, conversation streams in the change log

Revision ID: 0022
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0022"
down_revision = "0023"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _profile_columns() -> None:
    op.add_column("users", sa.Column("office", sa.String(length=200), server_default="", nullable=False))
    op.add_column("users", sa.Column("bio", sa.Text(), server_default="", nullable=False))
    op.add_column("users", sa.Column("time_zone", sa.String(length=64), server_default="", nullable=False))
    for name, length in (("expertise_themes", 64), ("expertise_tags", 40)):
        op.add_column(
            "users", sa.Column(name, postgresql.ARRAY(sa.String(length=length)), server_default="{}", nullable=False)
        )
    op.add_column(
        "users",
        sa.Column(
            "visibility", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
    )


def upgrade() -> None:
    _profile_columns()
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _now("created_at"),
        _now("last_activity_at"),
        _fk("conversations", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_table(
        "conversation_participants",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _now("joined_at"),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_read_message_id", sa.BigInteger(), nullable=False),
        _fk("conversation_participants", "conversation_id", "conversations", "CASCADE"),
        _fk("conversation_participants", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "user_id", name=op.f("pk_conversation_participants")),
    )
    op.create_index(
        op.f("ix_conversation_participants_user_id"), "conversation_participants", ["user_id"], unique=False
    )
    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        _now("created_at"),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        _fk("conversation_messages", "conversation_id", "conversations", "CASCADE"),
        _fk("conversation_messages", "author_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_messages")),
        sa.UniqueConstraint("author_id", "client_id", name="conversation_author_client_id"),
    )
    op.create_index(
        "ix_conversation_messages_conversation_id_id", "conversation_messages", ["conversation_id", "id"], unique=False
    )
    op.create_table(
        "user_blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        _now("created_at"),
        _fk("user_blocks", "blocker_id", "users", "CASCADE"),
        _fk("user_blocks", "blocked_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_user_blocks")),
    )
    op.create_index(op.f("ix_user_blocks_blocked_id"), "user_blocks", ["blocked_id"], unique=False)
    op.add_column("events", sa.Column("conversation_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_events_conversation_id_conversations"),
        "events",
        "conversations",
        ["conversation_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index("ix_events_conversation_id_id", "events", ["conversation_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_conversation_id_id", table_name="events")
    op.drop_constraint(op.f("fk_events_conversation_id_conversations"), "events", type_="foreignkey")
    op.drop_column("events", "conversation_id")
    op.drop_index(op.f("ix_user_blocks_blocked_id"), table_name="user_blocks")
    op.drop_table("user_blocks")
    op.drop_index("ix_conversation_messages_conversation_id_id", table_name="conversation_messages")
    op.drop_table("conversation_messages")
    op.drop_index(op.f("ix_conversation_participants_user_id"), table_name="conversation_participants")
    op.drop_table("conversation_participants")
    op.drop_table("conversations")
    for name in ("visibility", "expertise_tags", "expertise_themes", "time_zone", "bio", "office"):
        op.drop_column("users", name)
