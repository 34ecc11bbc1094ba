"""a practice record may be a translation of another (its original)

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("resources", sa.Column("translation_of_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_resources_translation_of_id_resources"),
        "resources",
        "resources",
        ["translation_of_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_resources_translation_of_id"), "resources", ["translation_of_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resources_translation_of_id"), table_name="resources")
    op.drop_constraint(op.f("fk_resources_translation_of_id_resources"), "resources", type_="foreignkey")
    op.drop_column("resources", "translation_of_id")
