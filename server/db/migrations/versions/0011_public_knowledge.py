"""the public knowledge base: publications, and consent to show one's name publicly

Revision ID: 0011
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("city_slug", sa.String(length=80), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("unpublished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("target_kind IN ('resource')", name=op.f("ck_publications_target_kind")),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_publications_published_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("city_slug", "slug", name=op.f("uq_publications_city_slug")),
        sa.UniqueConstraint("target_kind", "target_id", name=op.f("uq_publications_target_kind")),
    )
    # Nobody's name is shown publicly until they say so.
    op.add_column("users", sa.Column("public_name_consent", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("users", "public_name_consent")
    op.drop_table("publications")
