"""Self-assessment frameworks as data: a versioned JSON file of domains, items and guidance.

The built-in one (server/frameworks/local-integration.json) follows the open domains of IOM's
local Migration Governance Indicators and the commitments of the Integrating Cities Charter, in
our own words. Admins load others; a file with unknown fields, duplicate ids or missing labels is
refused with the line and the reason, so whoever wrote it can fix it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import AssessmentFramework, User
from server.errors import Conflict, Invalid, NotFound, problem
from server.services import audit
from server.services.access import require_admin
from server.themes import THEMES

BUILT_IN = Path(__file__).resolve().parent.parent / "frameworks" / "local-integration.json"
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KEYS = {
    "framework": ({"id", "version", "label", "domains"}, set()),
    "domain": ({"id", "label", "items"}, {"guidance"}),
    "item": ({"id", "label"}, {"guidance", "themes"}),
}


class _Refused(Exception):
    """`why` and its parameters name the reason as a code, so the browser says it in the reader's language."""

    def __init__(self, line: int, reason: str, why: str, **params: str) -> None:
        super().__init__(reason)
        self.line, self.reason, self.why, self.params = line, reason, why, params


def _line(text: str, pattern: str, nth: int = 0) -> int:
    """The line of the nth match of `pattern` (1 if it is not found: the refusal still says why)."""
    found = list(re.finditer(pattern, text))
    if not found:
        return 1
    return text.count("\n", 0, found[min(nth, len(found) - 1)].start()) + 1


def _id_line(text: str, value: str, nth: int = 0) -> int:
    return _line(text, r'"id"\s*:\s*' + re.escape(json.dumps(value)), nth)


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"the field {key!r} is given twice")
        self.key = key


def _no_repeated_keys(pairs: list) -> dict:
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise _Repeated(key)
        seen.add(key)
    return dict(pairs)


def _check_node(text: str, node: object, kind: str, where: int) -> None:
    if not isinstance(node, dict):
        raise _Refused(where, f"each {kind} must be an object", "not_object", kind=kind)
    required, optional = KEYS[kind]
    for key in sorted(set(node) - required - optional):
        raise _Refused(
            _line(text, re.escape(json.dumps(key)) + r"\s*:"),
            f"unknown field {key!r} in this {kind}",
            "unknown_field",
            field=key,
            kind=kind,
        )
    for key in sorted(required - set(node)):
        raise _Refused(where, f"the {kind} has no {key!r}", "missing_field", field=key, kind=kind)
    label = node["label"]
    if not isinstance(label, dict) or not isinstance(label.get("en"), str) or not label["en"].strip():
        raise _Refused(where, f"the {kind} needs a label with at least an English text ('en')", "no_english", kind=kind)
    texts = [label, node.get("guidance") or {}]
    if any(not isinstance(t, dict) or not all(isinstance(v, str) for v in t.values()) for t in texts):
        raise _Refused(where, f"the labels and guidance of each {kind} map languages to texts", "not_texts", kind=kind)


def _check_ids(text: str, node: dict, kind: str, seen: dict[str, int]) -> int:
    value = node.get("id")
    if not isinstance(value, str) or not ID.match(value):
        reason = f"each {kind} id is lower-case letters, digits and '-'"
        raise _Refused(_line(text, r'"id"\s*:', len(seen) + 1), reason, "bad_id", kind=kind)
    seen[value] = seen.get(value, 0) + 1
    line = _id_line(text, value, seen[value] - 1)
    if seen[value] > 1:
        raise _Refused(line, f"the id {value!r} is used twice", "id_twice", id=value)
    return line


def validate(text: str) -> dict:
    """The framework in `text`, or Invalid naming the first line at fault and why."""
    try:
        try:
            data = json.loads(text, object_pairs_hook=_no_repeated_keys)
        except json.JSONDecodeError as error:
            raise _Refused(error.lineno, f"not JSON: {error.msg}", "not_json") from None
        except _Repeated as error:
            raise _Refused(1, str(error), "field_twice", field=error.key) from None
        except ValueError as error:  # e.g. a number too long to read
            raise _Refused(1, f"not JSON: {error}", "not_json") from None
        _check_node(text, data, "framework", 1)
        seen: dict[str, int] = {}
        _check_ids(text, data, "framework", seen)
        if not isinstance(data["version"], int) or isinstance(data["version"], bool) or data["version"] < 1:
            raise _Refused(_line(text, r'"version"\s*:'), "the version is a whole number from 1", "bad_version")
        if not isinstance(data["domains"], list) or not data["domains"]:
            raise _Refused(_line(text, r'"domains"\s*:'), "a framework has at least one domain", "no_domain")
        for domain in data["domains"]:
            where = _check_ids(text, domain, "domain", seen) if isinstance(domain, dict) else 1
            _check_node(text, domain, "domain", where)
            if not isinstance(domain["items"], list) or not domain["items"]:
                raise _Refused(where, "a domain has at least one item", "no_item")
            for item in domain["items"]:
                where = _check_ids(text, item, "item", seen) if isinstance(item, dict) else 1
                _check_node(text, item, "item", where)
                themes = item.get("themes", [])
                if not isinstance(themes, list) or any(t not in THEMES for t in themes):
                    raise _Refused(
                        where, f"themes are among: {', '.join(THEMES)}", "bad_themes", themes=", ".join(THEMES)
                    )
    except _Refused as refused:
        raise Invalid(
            f"Line {refused.line}: {refused.reason}.",
            code="invalid_framework",
            fields={
                "text": problem(
                    "framework_line", line=refused.line, reason=refused.reason, why=refused.why, **refused.params
                )
            },
        ) from None
    return data


@cache
def built_in() -> dict:
    return validate(BUILT_IN.read_text(encoding="utf-8"))


def items(framework: dict) -> dict[str, dict]:
    """Every item of a framework by id, with the id of its domain."""
    return {i["id"]: {**i, "domain": d["id"]} for d in framework["domains"] for i in d["items"]}


async def list_frameworks(db: AsyncSession) -> list[dict]:
    loaded = (
        await db.scalars(select(AssessmentFramework).order_by(AssessmentFramework.id, AssessmentFramework.version))
    ).all()
    return [built_in(), *(f.data for f in loaded)]


async def get_framework(db: AsyncSession, framework_id: str, version: int) -> dict:
    if (framework_id, version) == (built_in()["id"], built_in()["version"]):
        return built_in()
    found = await db.get(AssessmentFramework, (framework_id, version))
    if found is None:
        raise NotFound("No such framework.")
    return found.data


async def load(db: AsyncSession, actor: User, text: str) -> dict:
    """Store a framework file (admins only); a version once loaded is never replaced, since
    assessments refer to it."""
    require_admin(actor)
    data = validate(text)
    taken = (data["id"], data["version"]) == (built_in()["id"], built_in()["version"])
    if taken or await db.get(AssessmentFramework, (data["id"], data["version"])) is not None:
        raise Conflict(
            "This version of this framework is already loaded: give it a new version.",
            code="framework_exists",
            fields={"text": problem("already_used")},
        )
    db.add(AssessmentFramework(id=data["id"], version=data["version"], data=data, loaded_by=actor.id))
    await db.flush()
    details = {"framework": data["id"], "version": data["version"]}
    await audit.record(
        db, actor, "framework.load", space_id=None, target_kind="framework", target_id=0, details=details
    )
    return data
