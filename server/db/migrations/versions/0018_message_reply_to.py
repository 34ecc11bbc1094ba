"""messages quote an earlier message of their thread (reply_to)

Revision ID: 0018
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SET NULL: a quoted message erased with its thread's space leaves the reply standing.
    op.add_column("messages", sa.Column("reply_to_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_messages_reply_to_id_messages"), "messages", "messages", ["reply_to_id"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_messages_reply_to_id_messages"), "messages", type_="foreignkey")
    op.drop_column("messages", "reply_to_id")
