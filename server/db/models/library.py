"""The library of a space: resources (files, links, practice records), their versions,
the adapted-from links between practice records, their attached documents, and collections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

RESOURCE_KINDS = ("file", "link", "practice")


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint("kind IN ('file', 'link', 'practice')", name="kind"),
        Index("ix_resources_space_created", "space_id", "created_at", "id"),
        Index("ix_resources_themes", "themes", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"), index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # kind == "file"
    file_key: Mapped[str | None] = mapped_column(String(64), index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(128))
    # kind == "link"
    url: Mapped[str | None] = mapped_column(Text)
    # kind == "practice": the structured fields beyond the common ones above.
    details: Mapped[dict | None] = mapped_column(JSONB)
    gcm_objectives: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), default=list)
    source_thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    # A practice record written in another language than `translation_of_id`, its original (which is
    # never itself a translation): one original, translations each in a language of its own.
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"), index=True)
    # Text extracted from an uploaded PDF or Word file, read by the search indexer.
    extracted_text: Mapped[str | None] = mapped_column(Text)


class ResourceVersion(Base):
    """The state of a resource before an edit replaced it."""

    __tablename__ = "resource_versions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSONB)
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at: Mapped[datetime] = created_at_column()


class PracticeAdaptation(Base):
    """`practice_id` was adapted from `source_id`, possibly in another space."""

    __tablename__ = "practice_adaptations"
    __table_args__ = (CheckConstraint("practice_id <> source_id", name="not_self"),)

    practice_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class PracticeAttachment(Base):
    """A document (a file resource of the same space) attached to a practice record. `published`:
    chosen when the practice was last published, so shown and served on its public page while it
    stays published (docs/public.md)."""

    __tablename__ = "practice_attachments"
    __table_args__ = (CheckConstraint("practice_id <> document_id", name="not_self"),)

    practice_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = created_at_column()


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class CollectionItem(Base):
    __tablename__ = "collection_items"

    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = created_at_column()
