"""Errors that services raise and the API turns into `{"error": {code, message, fields}}`.

Each field's problem is a stable code with parameters (`problem("too_short", min=1)`), so the
browser can say it in the reader's language; the English sentence is what plain API clients get.
"""

from __future__ import annotations

# Every field code the API can emit, with the English sentence plain clients read. The browser
# translates each one (frontend/i18n/*.js, `api.field.<code>`; tests/test_error_codes.py checks).
FIELD_CODES = {
    "required": "required",
    "too_short": "too short (minimum length {min})",
    "too_long": "too long (maximum {max} characters)",
    "too_few": "at least {min} items",
    "too_many": "at most {max} items",
    "too_small": "at least {min}",
    "too_large": "at most {max}",
    "invalid_email": "not an email address",
    "invalid_url": "use an http or https address",
    "url_credentials": "remove the user name and password",
    "invalid_language": "not a language code",
    "invalid_format": "not in the expected format",
    "invalid_date": "not a date",
    "wrong_type": "not the right type of value",
    "not_a_choice": "not one of the choices",
    "unknown_field": "unknown field",
    "unknown_parameter": "unknown parameter",
    "not_null": "must not be null",
    "nul_character": "must not contain NUL characters",
    "repeated": "given more than once",
    "duplicate": "already registered",
    "already_used": "already used",
    "too_few_cities": "give at least {min} different cities",
    "not_found": "not found",
    "unknown_ids": "no such item: {ids}",
    "not_applicable": "does not apply to this kind of entry",
    "not_a_practice": "not a practice record",
    "not_an_emoji": "not an emoji",
    "not_in_thread": "not a message of this thread",
    "own_message": "your own message",
    "after": "after {other}",
    "conflicts_with": "not together with {other}",
    "cursor_mismatch": "belongs to another listing",
    "empty_file": "empty",
    "not_a_photo": "not a JPEG, PNG, WebP or GIF picture",
    "photo_too_many_pixels": "too many pixels",
    "unexpected_file": "unexpected file",
    "file_type_not_allowed": "this kind of file is not accepted",
    "invalid": "not valid",
    "must_be_after": "must be after {other}",
    "too_far_after": "at most {max} days after {other}",
    "unknown_city": "no such city",
    "unknown_space": "unknown space",
    "not_yours": "not yours: {ids}",
    "unknown_time_zone": "unknown time zone",
    "repeated_date": "proposed twice",
    "in_past": "in the past",
    "unknown_option": "not one of the proposed dates",
    "not_in_library": "not in this space's library: {ids}",
    "skipped_time": "skipped by a daylight-saving change",
    "other_city": "works for another city",
    "own_city": "the need's own city",
    "mentor_city": "the mentor city (the source record's own)",
    "already_answered": "already {status}",
    "closed": "closed",
    "not_reviewed_practice": "not a reviewed practice of this city",
    "not_reviewed": "must be reviewed",
    "hidden": "hidden by a moderator",
    "not_published": "not published",
    "not_a_document": "not an uploaded document",
    "not_attached": "not attached to this practice: {ids}",
    "same_record": "the record itself",
    "is_a_translation": "itself a translation: choose its original",
    "has_translations": "the original of other translations",
    "language_taken": "this practice already has a version in {language}",
    "author_not_consenting": "its author has not agreed to public pages",
    "wrong_password": "wrong password",
    "wrong_code": "wrong, or already used",
    "admin_scope_needs_admin": "only platform admins can give the admin scope",
    # `hint` is itself a code (server/auth/passwords.py HINTS; the browser's `api.hint.*`), or "".
    "too_guessable": "too easy to guess",
    "issuer_not_plain_url": "must be an https URL without query or fragment",
    "issuer_not_https": "must use https (plain http only for localhost)",
    "use_provider": "sign in with {provider}",
    "framework_line": "line {line}: {reason}",
    "vocabulary_line": "line {line}: {reason}",
    "stale_version": "changed meanwhile (now version {current})",
    "deactivated": "no longer active: {ids}",
}


# Every request-level `code` the API can answer with (ApiError subclasses, `code="..."` in server/,
# the handlers' own); the browser translates each one as `api.code.<code>`.
ERROR_CODES = frozenset(
    {
        "blocked",
        "block_self",
        "no_participants",
        "participant_deactivated",
        "too_many_participants",
        "admin",
        "admin_only",
        "already_cancelled",
        "already_deactivated",
        "already_drafted",
        "already_flagged",
        "already_member",
        "already_registered",
        "already_resolved",
        "bad_credentials",
        "bad_cursor",
        "bad_range",
        "bad_request",
        "bad_token",
        "bad_totp_code",
        "bad_url",
        "cannot_deactivate_self",
        "capacity_below_registrations",
        "city_exists",
        "client_id_reused",
        "conflict",
        "cross_site",
        "csrf_failed",
        "deadline_after_start",
        "duplicate_option",
        "email_change_invalid",
        "email_taken",
        "empty_body",
        "empty_file",
        "empty_query",
        "end_before_start",
        "error",
        "event_cancelled",
        "event_not_started",
        "expiry_too_far",
        "export_downloaded",
        "export_expired",
        "export_failed",
        "export_not_found",
        "export_pending",
        "file_missing",
        "no_photo",
        "not_a_photo",
        "file_too_large",
        "file_type_not_allowed",
        "forbidden",
        "headers_too_large",
        "hidden",
        "insufficient_scope",
        "internal",
        "invalid",
        "invalid_issuer",
        "invalid_text",
        "invitation_invalid",
        "json_too_deep",
        "last_admin",
        "malformed_form",
        "malformed_json",
        "member_suspended",
        "method_not_allowed",
        "name_taken",
        "no_report",
        "no_spaces",
        "nonexistent_local_time",
        "not_a_city_editor",
        "not_a_partner",
        "invalid_framework",
        "invalid_vocabulary",
        "vocabulary_changed",
        "framework_exists",
        "unknown_framework",
        "unknown_item",
        "unknown_evidence",
        "year_out_of_range",
        "not_a_member",
        "not_a_moderator",
        "not_a_practice",
        "not_an_admin",
        "not_an_official",
        "not_deactivated",
        "not_found",
        "not_in_thread",
        "not_pending",
        "not_published",
        "author_not_consenting",
        "not_ready",
        "not_reviewed",
        "not_signed_in",
        "not_suspended",
        "not_the_author",
        "nothing_to_change",
        "one_file",
        "option_in_past",
        "own_content",
        "own_message",
        "report_closed",
        "payload_too_large",
        "poll_closed",
        "practice_not_reviewed",
        "query_too_short",
        "range_too_long",
        "rate_limited",
        "registration_closed",
        "request_pending",
        "reset_invalid",
        "same_city",
        "scope_not_allowed",
        "self_adaptation",
        "self_suspension",
        "session_not_found",
        "sign_in_to_accept",
        "sso_required",
        "storage_full",
        "storage_unavailable",
        "thread_locked",
        "token_cannot_mint",
        "token_expired",
        "too_long",
        "too_many_fields",
        "too_many_headers",
        "too_many_parameters",
        "totp_already_enabled",
        "totp_not_enabled",
        "totp_not_started",
        "totp_required",
        "totp_setup_required",
        "unauthorized",
        "unavailable",
        "unknown_attachment",
        "invalid_translation",
        "unknown_city",
        "unknown_option",
        "unknown_practice",
        "unknown_space",
        "unknown_time_zone",
        "unsubscribe_invalid",
        "unsupported_media_type",
        "uri_too_long",
        "user_not_found",
        "weak_password",
        "wrong_account",
        "wrong_password",
    }
)


class Problem(str):
    """What is wrong with one field: a code from FIELD_CODES and its parameters. It is also the
    English sentence (a `str`), which is what plain clients and existing callers compare against."""

    code: str
    params: dict

    def __new__(cls, code: str, params: dict | None = None, note: str | None = None) -> Problem:
        params = params or {}
        self = super().__new__(cls, note if note is not None else FIELD_CODES[code].format(**params))
        self.code, self.params = code, params
        return self

    def coded(self) -> dict:
        return {"code": self.code, **self.params, "message": str(self)}


def problem(code: str, **params) -> Problem:
    if code not in FIELD_CODES:
        raise ValueError(f"unknown field code {code!r}: add it to FIELD_CODES and the translations")
    return Problem(code, params)


def _as_problem(value: Problem | str) -> Problem:
    # A sentence without a code (e.g. readiness failures) still gets one, the generic "invalid".
    return value if isinstance(value, Problem) else Problem("invalid", note=str(value))


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, Problem | str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = {name: _as_problem(value) for name, value in (fields or {}).items()}
        self.headers = headers or {}

    def body(self, coded: bool = False) -> dict:
        """`fields` maps each field to its English sentence, or (coded) to its code, parameters and
        sentence: the browser asks for the latter (see server/api/error_handlers.py)."""
        fields = {name: p.coded() if coded else str(p) for name, p in self.fields.items()}
        return {"error": {"code": self.code, "message": self.message, "fields": fields}}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Invalid(ApiError):
    status, code = 422, "invalid"


class TooManyRequests(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **kwargs) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


class Unavailable(ApiError):
    status, code = 503, "unavailable"


class UriTooLong(ApiError):
    status, code = 414, "uri_too_long"


class HeadersTooLarge(ApiError):
    status, code = 431, "headers_too_large"
