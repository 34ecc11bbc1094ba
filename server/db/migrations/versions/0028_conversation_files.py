"""files posted into direct conversations

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_files_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_conversation_files_uploaded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_files")),
    )
    op.create_index(
        op.f("ix_conversation_files_conversation_id"), "conversation_files", ["conversation_id"], unique=False
    )
    op.add_column("conversation_messages", sa.Column("file_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_conversation_messages_file_id_conversation_files"),
        "conversation_messages",
        "conversation_files",
        ["file_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_conversation_messages_file_id_conversation_files"), "conversation_messages", type_="foreignkey"
    )
    op.drop_column("conversation_messages", "file_id")
    op.drop_index(op.f("ix_conversation_files_conversation_id"), table_name="conversation_files")
    op.drop_table("conversation_files")
