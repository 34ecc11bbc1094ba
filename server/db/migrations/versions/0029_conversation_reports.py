"""direct messages reported to the platform admins

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_conversation_reports_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "conversation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        _fk("conversation_id", "conversations", "CASCADE"),
        _fk("message_id", "conversation_messages", "SET NULL"),
        _fk("author_id", "users", "SET NULL"),
        _fk("reporter_id", "users", "SET NULL"),
        _fk("resolved_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_reports")),
    )
    for column in ("conversation_id", "message_id", "state"):
        op.create_index(op.f(f"ix_conversation_reports_{column}"), "conversation_reports", [column], unique=False)


def downgrade() -> None:
    for column in ("conversation_id", "message_id", "state"):
        op.drop_index(op.f(f"ix_conversation_reports_{column}"), table_name="conversation_reports")
    op.drop_table("conversation_reports")
