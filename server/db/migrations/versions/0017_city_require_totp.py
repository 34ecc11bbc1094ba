"""a city can require two-factor sign-in of its officials (cities.require_totp)

Revision ID: 0017
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cities", sa.Column("require_totp", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("cities", "require_totp")
