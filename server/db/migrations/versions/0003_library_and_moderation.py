"""library and moderation

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The audit log is append-only: the database itself refuses to change or delete an entry.
APPEND_ONLY = (
    """CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries cannot be changed or deleted';
    END $$""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_space_id_id", "audit_entries", ["space_id", "id"], unique=False)
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_collections_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_collections_space_id_spaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
    )
    op.create_index(op.f("ix_collections_space_id"), "collections", ["space_id"], unique=False)
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('open', 'dismissed', 'hidden', 'deleted')", name=op.f("ck_flags_state")),
        sa.CheckConstraint("target_kind IN ('message', 'resource')", name=op.f("ck_flags_target_kind")),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_flags_reporter_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_flags_resolved_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name=op.f("fk_flags_space_id_spaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
    )
    op.create_index("ix_flags_space_state_id", "flags", ["space_id", "state", "id"], unique=False)
    op.create_index("ix_flags_target", "flags", ["target_kind", "target_id"], unique=False)
    op.create_index(
        "uq_flags_open_reporter_target",
        "flags",
        ["reporter_id", "target_kind", "target_id"],
        unique=True,
        postgresql_where="state = 'open'",
    )
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("themes", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("gcm_objectives", sa.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("source_thread_id", sa.Integer(), nullable=True),
        sa.Column("extracted_text", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('file', 'link', 'practice')", name=op.f("ck_resources_kind")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_resources_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_resources_city_id_cities"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["users.id"], name=op.f("fk_resources_hidden_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_thread_id"],
            ["threads.id"],
            name=op.f("fk_resources_source_thread_id_threads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_resources_space_id_spaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_index(op.f("ix_resources_city_id"), "resources", ["city_id"], unique=False)
    op.create_index(op.f("ix_resources_file_key"), "resources", ["file_key"], unique=False)
    op.create_index("ix_resources_space_created", "resources", ["space_id", "created_at", "id"], unique=False)
    op.create_index("ix_resources_themes", "resources", ["themes"], unique=False, postgresql_using="gin")
    op.create_table(
        "collection_items",
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_collection_items_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_collection_items_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("collection_id", "resource_id", name=op.f("pk_collection_items")),
    )
    op.create_index(op.f("ix_collection_items_resource_id"), "collection_items", ["resource_id"], unique=False)
    op.create_table(
        "practice_adaptations",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("practice_id <> source_id", name=op.f("ck_practice_adaptations_not_self")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_practice_adaptations_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["resources.id"],
            name=op.f("fk_practice_adaptations_practice_id_resources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["resources.id"],
            name=op.f("fk_practice_adaptations_source_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "source_id", name=op.f("pk_practice_adaptations")),
    )
    op.create_index(op.f("ix_practice_adaptations_source_id"), "practice_adaptations", ["source_id"], unique=False)
    op.create_table(
        "resource_versions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("edited_by", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["edited_by"], ["users.id"], name=op.f("fk_resource_versions_edited_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_versions_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_versions")),
    )
    op.create_index(op.f("ix_resource_versions_resource_id"), "resource_versions", ["resource_id"], unique=False)
    for statement in APPEND_ONLY:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
    op.execute("DROP FUNCTION audit_entries_append_only()")
    op.drop_index(op.f("ix_resource_versions_resource_id"), table_name="resource_versions")
    op.drop_table("resource_versions")
    op.drop_index(op.f("ix_practice_adaptations_source_id"), table_name="practice_adaptations")
    op.drop_table("practice_adaptations")
    op.drop_index(op.f("ix_collection_items_resource_id"), table_name="collection_items")
    op.drop_table("collection_items")
    op.drop_index("ix_resources_themes", table_name="resources", postgresql_using="gin")
    op.drop_index("ix_resources_space_created", table_name="resources")
    op.drop_index(op.f("ix_resources_file_key"), table_name="resources")
    op.drop_index(op.f("ix_resources_city_id"), table_name="resources")
    op.drop_table("resources")
    op.drop_index("uq_flags_open_reporter_target", table_name="flags", postgresql_where="state = 'open'")
    op.drop_index("ix_flags_target", table_name="flags")
    op.drop_index("ix_flags_space_state_id", table_name="flags")
    op.drop_table("flags")
    op.drop_index(op.f("ix_collections_space_id"), table_name="collections")
    op.drop_table("collections")
    op.drop_index("ix_audit_entries_space_id_id", table_name="audit_entries")
    op.drop_table("audit_entries")
