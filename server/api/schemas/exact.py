"""What the OpenAPI document says about a field beyond its pydantic constraints, so that it is
exactly what the server accepts: a client generated from it never sends what is refused.

The patterns are written for both ECMA-262 (JSON Schema's dialect) and Python's `re`."""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

# PostgreSQL text cannot hold NUL, so every text field refuses it.
NO_NUL = r"^[^\u0000]*$"
# What Python's str.strip() and re's \s take as whitespace, spelt out: ECMA-262's \s differs (it lacks
# U+001C-U+001F and U+0085 and has U+FEFF), so a pattern with \s would mean two things.
WHITESPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ADDRESS_PART = rf"[^@\u0000{WHITESPACE}]+"
EMAIL = rf"^{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}$"
# After stripping whitespace, at least one character is left.
NOT_BLANK = rf"^[^\u0000]*[^\u0000{WHITESPACE}][^\u0000]*$"
# An absolute http(s) address with a host, no credentials, no whitespace or control characters
# (server.services.library.check_url).
LINK_URL = rf"^[Hh][Tt][Tt][Pp][Ss]?://[^{WHITESPACE}\ufeff\u0000-\u001f\u007f/?#@\[\]]+([/?#][^{WHITESPACE}\ufeff\u0000-\u001f\u007f]*)?$"
# server.api.paging: base64url payload, a dot, a 24-hex-digit signature. Only a cursor the server
# issued (a next_cursor) verifies; any other is refused with 400 bad_cursor.
CURSOR = r"^[A-Za-z0-9_-]*\.[0-9a-f]{24}$"


@dataclass(frozen=True)
class Doc:
    """Annotated metadata that adds keywords to a type's JSON schema, at any depth (in a union too)."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema.update(dict(self.keywords))
        return schema


def doc(**keywords: Any) -> Doc:
    return Doc(tuple(keywords.items()))


def _integral(value: Any) -> Any:
    """JSON Schema counts 220.0 as the integer 220, so the server does too."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Integral = BeforeValidator(_integral)


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _written(value: Any) -> Any:
    """A date or an instant is written (ISO 8601), not a count of seconds: a query's `from=0.5` would
    otherwise parse as a Unix time, which the document (format date / date-time) does not offer."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise PydanticCustomError("datetime_parsing", "Input should be a date or time in ISO 8601")
    return value


Written = BeforeValidator(_written)


def patch_schema(schema: dict[str, Any]) -> None:
    """A change (see server.api.framework.changes) sends at least one field, and none as null."""
    schema["minProperties"] = 1
    for name, prop in schema.get("properties", {}).items():
        options = [option for option in prop.get("anyOf", []) if option.get("type") != "null"]
        if len(options) == 1:
            described = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
            schema["properties"][name] = {**options[0], **described}


def listed(values: tuple[str, ...] | None = None, item: str | None = None) -> str:
    """A comma-separated list of 1 to 50 values (search filters)."""
    one = item or "(" + "|".join(values or ()) + ")"
    return f"^{one}(,{one}){{0,49}}$"


def _char_class(codepoints: list[int]) -> str:
    ranges: list[tuple[int, int]] = []
    for cp in codepoints:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def char(cp: int) -> str:
        return "\\" + chr(cp) if chr(cp) in "\\]^-[" else chr(cp)

    return "[" + "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in ranges) + "]"


@cache
def emoji_pattern() -> str:
    """server.api.threads._emoji as a pattern: symbols, modifiers, marks, format characters, regional
    indicators, joiners; at least one symbol or regional indicator (length is maxLength's)."""
    regional = range(0x1F1E6, 0x1F200)
    required, allowed = [], []
    for cp in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(cp))
        if category == "So" or cp in regional:
            required.append(cp)
        if category in ("So", "Sk", "Mn", "Me", "Cf") or cp in regional or cp in (0x200D, 0xFE0F):
            allowed.append(cp)
    every = _char_class(allowed)
    return f"^{every}*{_char_class(required)}{every}*$"
