"""documents attached to practice records, and which of them are published with the practice

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_practice_attachments_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "practice_attachments",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("practice_id <> document_id", name=op.f("ck_practice_attachments_not_self")),
        _fk("practice_id", "resources", "CASCADE"),
        _fk("document_id", "resources", "CASCADE"),
        _fk("added_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("practice_id", "document_id", name=op.f("pk_practice_attachments")),
    )
    op.create_index(op.f("ix_practice_attachments_document_id"), "practice_attachments", ["document_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_attachments_document_id"), table_name="practice_attachments")
    op.drop_table("practice_attachments")
