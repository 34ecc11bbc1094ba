"""The registry: how an event kind is declared, parsed and redacted (see server/events/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, TypedDict

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()  # a key the payload leaves out


class UserBrief(TypedDict):
    id: int
    name: str
    handle: str
    city_id: int | None


class FlagTarget(TypedDict):
    kind: str
    id: int


@dataclass(frozen=True, kw_only=True)
class Event:
    KIND: ClassVar[str] = ""
    STREAM: ClassVar[Literal["space", "user", "conversation"]] = "space"
    ITEM: ClassVar[str | None] = None  # the item ("message", "resource") whose content the payload carries
    LISTS: ClassVar[tuple[str, str] | None] = None  # (item, field): a list of item ids the payload shows
    REDACTS: ClassVar[str | None] = None  # this kind takes that item's earlier content out of the log
    REDACTED: ClassVar[dict[str, Any]] = {}  # the values content fields get when redacted
    # (item, field): the payload's field quotes an item, as {"id", "available", "author", "excerpt"};
    # redacting that item turns the quote into an unavailable one.
    QUOTES: ClassVar[tuple[str, str] | None] = None

    def data(self) -> dict:
        """The JSON object stored in `events.data` and sent as the frame's `data`."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not ABSENT}

    @classmethod
    def parse(cls, data: dict) -> Event:
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"{cls.KIND}: undeclared payload fields {sorted(unknown)}")
        return cls(**data)

    def redacted(self) -> Event:
        """This payload without the content of its item."""
        return type(self)(**{**self.data(), **self.REDACTED})


KINDS: dict[str, type[Event]] = {}


def declare(kind: str, stream: Literal["space", "user", "conversation"] = "space", *, redacts: str | None = None):
    """Register a payload class under its kind. A class is declared once, under one kind."""

    def register(cls: type[Event]) -> type[Event]:
        if kind in KINDS or "KIND" in vars(cls):
            raise ValueError(f"event kind {kind} is declared twice")
        if not cls.__doc__ or cls.__doc__.startswith(f"{cls.__name__}("):
            raise ValueError(f"event kind {kind} needs a docstring: it is the documentation")
        cls = dataclass(frozen=True, kw_only=True)(cls)  # its own fields, if it adds any
        cls.KIND, cls.STREAM, cls.REDACTS = kind, stream, redacts
        KINDS[kind] = cls
        return cls

    return register


def parse(kind: str, data: dict) -> Event:
    """The declared payload of a stored event; ValueError for an undeclared kind or field."""
    if kind not in KINDS:
        raise ValueError(f"undeclared event kind {kind!r}")
    return KINDS[kind].parse(data)


def redaction_of(kind: str, data: dict, item: str, item_id: int) -> dict | None:
    """The payload an earlier event of `kind` gets when `item` number `item_id` is redacted, or
    None if that event shows nothing of the item."""
    cls = KINDS.get(kind, Event)
    if cls.ITEM == item and data.get("id") == item_id:
        return cls.parse(data).redacted().data()
    if cls.LISTS is not None and cls.LISTS[0] == item and item_id in (data.get(cls.LISTS[1]) or []):
        return {**data, cls.LISTS[1]: [i for i in data[cls.LISTS[1]] if i != item_id]}
    if cls.QUOTES is not None and cls.QUOTES[0] == item and (data.get(cls.QUOTES[1]) or {}).get("id") == item_id:
        return {**data, cls.QUOTES[1]: {"id": item_id, "available": False, "author": None, "excerpt": ""}}
    return None


def carriers(item: str) -> list[str]:
    """The kinds whose payload may show something of an item of this sort."""
    return sorted(
        k
        for k, c in KINDS.items()
        if c.ITEM == item or any(ref is not None and ref[0] == item for ref in (c.LISTS, c.QUOTES))
    )
