"""Every error the API can give has a stable code per field, with parameters, and a sentence in
each language of the browser app: no validator wording or regex reaches a person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.api import validation
from server.api.error_handlers import HTTP_CODES
from server.errors import ERROR_CODES, FIELD_CODES, problem
from tests.harness import expect

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "server").rglob("*.py"))
LANGUAGES = ("en", "fr", "es")
CODE_LITERAL = re.compile(r'\bcode\s*=\s*(?:\d+,\s*)?"([a-z_]+)"(?:\s+if\s+[^"\n]*?\s+else\s+"([a-z_]+)")?')
BODY_CODE = re.compile(r'"code":\s*"([a-z_]+)"')
PROBLEM_LITERAL = re.compile(r'\bproblem\(\s*"([a-z_]+)"')
# A field message given as a bare sentence: it would reach the browser without a code.
BARE_FIELD_MESSAGE = re.compile(r'fields=\{[^{}]*:\s*f?"')
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# pydantic's own wording, as it appeared in the French app before.
VALIDATOR_WORDS = ("String should", "should have", "should match", "pattern", "List should", "Field required")


def scanned(pattern: re.Pattern) -> dict[str, str]:
    found = {}
    for path in SOURCES:
        for match in pattern.finditer(path.read_text()):
            for code in filter(None, match.groups()):
                found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def translations(language: str) -> dict[str, str]:
    text = (ROOT / "frontend" / "i18n" / f"{language}.js").read_text()
    return dict(re.findall(r'^\s*"([\w.]+)":\s*"((?:[^"\\]|\\.)*)",?\s*$', text, re.M))


def test_every_request_code_in_the_source_is_listed():
    found = scanned(CODE_LITERAL) | scanned(BODY_CODE) | {code: "error_handlers" for code in HTTP_CODES.values()}
    unlisted = {code: where for code, where in found.items() if code not in ERROR_CODES}
    assert not unlisted, f"add these to server/errors.py ERROR_CODES and the translations: {unlisted}"


def test_every_field_code_in_the_source_is_listed():
    mapped = set(validation.SIMPLE.values()) | {code for code, _, _ in validation.LENGTH.values()}
    found = set(scanned(PROBLEM_LITERAL)) | mapped | {"invalid_email", "invalid_language", "invalid_format"}
    assert found - set(FIELD_CODES) == set()
    with pytest.raises(ValueError):
        problem("no_such_code")


def test_no_field_message_without_a_code():
    bare = [str(p.relative_to(ROOT)) for p in SOURCES if BARE_FIELD_MESSAGE.search(p.read_text())]
    assert not bare, f"name the field's problem with problem(code, ...): {bare}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_has_a_sentence_in_each_language(language):
    strings, english = translations(language), translations("en")
    wanted = [f"api.field.{code}" for code in FIELD_CODES] + [f"api.code.{code}" for code in ERROR_CODES]
    missing = [key for key in wanted if not strings.get(key)]
    assert not missing, f"{language} lacks {missing}"
    for code, template in FIELD_CODES.items():
        # The sentence may leave a parameter out, but never use one the server does not send.
        sent = set(PLACEHOLDER.findall(template))
        used = set(PLACEHOLDER.findall(strings[f"api.field.{code}"]))
        assert used <= sent, (language, code, used, sent)
        assert used == set(PLACEHOLDER.findall(english[f"api.field.{code}"])), (language, code)


CODED = {"Prefer": "errors=coded"}


async def test_validation_errors_carry_codes_and_parameters(world):
    space = world.space_a["id"]
    cases = [
        (
            world.member,
            f"/api/spaces/{space}/threads",
            {"title": "", "body": "x"},
            "title",
            {"code": "too_short", "min": 1},
        ),
        (
            world.member,
            f"/api/spaces/{space}/threads",
            {"title": "t" * 201, "body": "x"},
            "title",
            {"code": "too_long", "max": 200},
        ),
        (world.member, f"/api/spaces/{space}/threads", {"title": "T", "body": "  "}, "body", {"code": "required"}),
        (world.member, f"/api/spaces/{space}/threads", {"body": "x"}, "title", {"code": "required"}),
        (
            world.admin,
            "/api/invitations",
            {"email": "not-an-email", "space_id": space},
            "email",
            {"code": "invalid_email"},
        ),
        (
            world.admin,
            "/api/invitations",
            {"email": "a@b.test", "space_id": space, "role": "owner"},
            "role",
            {"code": "not_a_choice"},
        ),
        (world.admin, "/api/spaces", {"name": "Pair", "city_ids": []}, "city_ids", {"code": "too_few", "min": 2}),
        (world.admin, "/api/spaces", {"name": "Pair", "city_ids": [1, 2], "x": 1}, "x", {"code": "unknown_field"}),
        (
            world.admin,
            "/api/spaces",
            {"name": "Pair", "city_ids": [world.cities[0]["id"], 99999]},
            "city_ids",
            {"code": "unknown_ids", "ids": "99999"},
        ),
    ]
    for client, path, body, field, expected in cases:
        response = await client.post(path, json=body, headers=CODED)
        error = expect(response, 422)["error"]
        assert response.headers["Preference-Applied"] == "errors=coded"
        problem_ = error["fields"][field]
        assert {k: problem_.get(k) for k in expected} == expected, (path, body, error)
        assert problem_["message"] == FIELD_CODES[expected["code"]].format(**problem_), problem_
        assert not any(word in response.text for word in VALIDATOR_WORDS), response.text


async def test_plain_clients_get_one_sentence_per_field_without_validator_wording(world):
    space = world.space_a["id"]
    response = await world.admin.post("/api/invitations", json={"email": "not-an-email", "space_id": space})
    assert expect(response, 422)["error"]["fields"] == {"email": "not an email address"}
    assert "Preference-Applied" not in response.headers
    response = await world.member.post(f"/api/spaces/{space}/threads", json={"title": "", "body": "x"})
    assert expect(response, 422)["error"]["fields"] == {"title": "too short (minimum length 1)"}
