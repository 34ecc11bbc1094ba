"""publications of collections and threads, beside practice records

Revision ID: 0019
Revises: 0022
"""

from alembic import op

revision = "0019"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_publications_target_kind"), "publications", type_="check")
    op.create_check_constraint(
        op.f("ck_publications_target_kind"), "publications", "target_kind IN ('resource', 'collection', 'thread')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM publications WHERE target_kind <> 'resource'")
    op.drop_constraint(op.f("ck_publications_target_kind"), "publications", type_="check")
    op.create_check_constraint(op.f("ck_publications_target_kind"), "publications", "target_kind IN ('resource')")
