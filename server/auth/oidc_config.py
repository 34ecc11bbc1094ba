"""What Citybridge knows of one identity provider, and CITYBRIDGE_OIDC_PROVIDERS parsed into it.

docs/identity.md describes each field for operators.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.errors import Problem, problem

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$")
DEFAULT_SCOPES = ("openid", "email", "profile")
_FIELDS = {"name", "issuer", "client_id", "client_secret", "scopes", "email_domains", "required"}
_FIELDS |= {"city_id", "auto_create"}


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    email_domains: tuple[str, ...] = ()
    required: bool = False
    city_id: int | None = None
    auto_create: bool = False
    id: int | None = None  # set for providers that admins added (stored in the database)
    protocol: str = "oidc"

    def covers(self, email: str) -> bool:
        """Whether this provider speaks for the email's domain (any domain if it names none)."""
        domain = email.rsplit("@", 1)[-1].lower()
        return not self.email_domains or domain in self.email_domains


def issuer_problem(issuer: str) -> Problem | None:
    """Why an issuer URL is unusable (a field problem, whose English reads after "the issuer"),
    or None. Plain http only for a provider on this machine."""
    try:
        parts = urlsplit(issuer)
        hostname = parts.hostname
    except ValueError:  # "https://[bad" and other URLs urlsplit cannot read
        return problem("issuer_not_plain_url")
    if parts.scheme not in ("https", "http") or not hostname or parts.query or parts.fragment:
        return problem("issuer_not_plain_url")
    if parts.scheme == "http" and hostname not in ("localhost", "127.0.0.1", "::1"):
        return problem("issuer_not_https")
    return None


def _problem(item: dict) -> str | None:
    unknown = set(item) - _FIELDS
    if unknown:
        return f"unknown field(s) {', '.join(sorted(unknown))}"
    for key in ("name", "issuer", "client_id", "client_secret"):
        if not isinstance(item.get(key), str) or not item[key]:
            return f"{key!r} must be a non-empty string"
    if not NAME.match(item["name"]):
        return "'name' must be 1-40 lowercase letters, digits or dashes"
    for key in ("scopes", "email_domains"):
        if not isinstance(item.get(key, []), list) or not all(isinstance(v, str) for v in item.get(key, [])):
            return f"{key!r} must be a list of strings"
    if any(not DOMAIN.match(d.lower()) for d in item.get("email_domains", [])):
        return "'email_domains' holds something that is not a domain"
    for key in ("required", "auto_create"):
        if not isinstance(item.get(key, False), bool):
            return f"{key!r} must be true or false"
    if item.get("city_id") is not None and type(item["city_id"]) is not int:
        return "'city_id' must be a city's id (a number)"
    reason = issuer_problem(item["issuer"])
    return f"'issuer' {reason}" if reason else None


def parse_providers(raw: str) -> tuple[Provider, ...]:
    """The JSON list of CITYBRIDGE_OIDC_PROVIDERS; a mistake stops the server with its reason."""
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("must be a JSON list of objects")
    providers = []
    for index, item in enumerate(items):
        problem = _problem(item)
        if problem:
            raise ValueError(f"provider {index + 1}: {problem}")
        scopes = tuple(item.get("scopes") or DEFAULT_SCOPES)
        providers.append(
            Provider(
                name=item["name"],
                issuer=item["issuer"].rstrip("/"),
                client_id=item["client_id"],
                client_secret=item["client_secret"],
                scopes=scopes if "openid" in scopes else ("openid", *scopes),
                email_domains=tuple(d.lower() for d in item.get("email_domains", [])),
                required=item.get("required", False),
                city_id=item.get("city_id"),
                auto_create=item.get("auto_create", False),
            )
        )
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise ValueError("two providers have the same name")
    return tuple(providers)
