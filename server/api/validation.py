"""pydantic's validation errors as our field codes: its wording (and its regexes) never reach a person."""

from __future__ import annotations

from pydantic import ValidationError

from server.errors import Problem, problem

# pydantic error types (https://docs.pydantic.dev/latest/errors/validation_errors/) to our codes.
SIMPLE = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "url_parsing": "invalid_url",
    "url_scheme": "invalid_url",
    "url_type": "invalid_url",
    "url_syntax_violation": "invalid_url",
    "literal_error": "not_a_choice",
    "enum": "not_a_choice",
    "union_tag_invalid": "not_a_choice",
    "union_tag_not_found": "required",
    "date_parsing": "invalid_date",
    "date_from_datetime_parsing": "invalid_date",
    "datetime_parsing": "invalid_date",
    "datetime_from_date_parsing": "invalid_date",
    "blank": "required",  # server/api/schemas.py's _not_blank
    "repeated": "repeated",  # server/api/schemas/matching.py's _unique
}
LENGTH = {
    "string_too_short": ("too_short", "min", "min_length"),
    "string_too_long": ("too_long", "max", "max_length"),
    "too_short": ("too_few", "min", "min_length"),
    "too_long": ("too_many", "max", "max_length"),
    "greater_than_equal": ("too_small", "min", "ge"),
    "greater_than": ("too_small", "min", "gt"),
    "less_than_equal": ("too_large", "max", "le"),
    "less_than": ("too_large", "max", "lt"),
}
WRONG_TYPE_SUFFIXES = ("_type", "_parsing", "_from_float", "_fraction")


def _pattern(pattern: str) -> Problem:
    # Our patterns (server/api/schemas.py): the email's is the only one with an "@", a language
    # code's starts with a lower-case letter class of two or three.
    if "@" in pattern:
        return problem("invalid_email")
    if pattern.startswith("^[a-z]{2,3}"):
        return problem("invalid_language")
    return problem("invalid_format")


def to_problem(item: dict) -> Problem:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind in SIMPLE:
        return problem(SIMPLE[kind])
    if kind in LENGTH:
        code, param, key = LENGTH[kind]
        value = ctx.get(key)
        return problem(code, **{param: value}) if isinstance(value, (int, float)) else problem("invalid")
    if kind == "string_pattern_mismatch":
        return _pattern(str(ctx.get("pattern", "")))
    if kind == "value_error":
        # Our own validators' words (server/api/search.py), kept for plain clients; the browser
        # shows the code's sentence.
        return Problem("invalid", note=str(item["msg"]).removeprefix("Value error, "))
    if kind.endswith(WRONG_TYPE_SUFFIXES) or kind in ("model_type", "model_attributes_type"):
        return problem("wrong_type")
    return problem("invalid")


def field_problems(error: ValidationError, tagged_union: bool = False) -> dict[str, Problem]:
    """One problem per field (the first pydantic reports), named by its dotted location."""
    fields: dict[str, Problem] = {}
    for item in error.errors():
        loc = item["loc"]
        if tagged_union:
            # pydantic puts the union's tag first ("practice.summary"); clients know the field as "summary".
            loc = loc[1:] if len(loc) > 1 else ("kind",) if item["type"].startswith("union_tag") else loc
        name = ".".join(str(part) for part in loc) or "body"
        fields.setdefault(name, to_problem(item))
    return fields
