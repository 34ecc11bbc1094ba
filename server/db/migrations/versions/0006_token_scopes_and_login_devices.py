"""API token expiry and scopes; the known device of a sign-in attempt

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tokens made before scopes existed could do everything their owner can: they keep that,
    # but expire 90 days after this upgrade instead of never.
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("api_tokens", sa.Column("scopes", sa.ARRAY(sa.String(length=16)), nullable=True))
    op.execute("UPDATE api_tokens SET expires_at = now() + interval '90 days', scopes = '{read,write,admin}'")
    op.alter_column("api_tokens", "expires_at", nullable=False)
    op.alter_column("api_tokens", "scopes", nullable=False)
    op.add_column("login_attempts", sa.Column("device", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("login_attempts", "device")
    op.drop_column("api_tokens", "scopes")
    op.drop_column("api_tokens", "expires_at")
