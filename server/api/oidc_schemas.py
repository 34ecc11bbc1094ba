"""Request and answer bodies of the identity-provider routes (server/api/oidc.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from server.api.schemas.base import Answer, Change, Id, Strict
from server.api.schemas.exact import WHITESPACE

ProviderName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
# No whitespace, in the sense both Python and ECMA-262 give it (server/api/schemas/exact.py).
_VISIBLE = rf"[^{WHITESPACE}\ufeff]+"
Issuer = Annotated[
    str, StringConstraints(min_length=8, max_length=500, pattern=rf"^[Hh][Tt][Tt][Pp][Ss]?://{_VISIBLE}$")
]
ClientText = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=rf"^{_VISIBLE}$")]
Scope = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,100}$")]
Domain = Annotated[str, StringConstraints(max_length=253, pattern=r"^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")]
Scopes = Annotated[list[Scope], Field(max_length=20)]
Domains = Annotated[list[Domain], Field(max_length=50)]


class ProviderCreate(Strict):
    name: ProviderName
    issuer: Issuer
    client_id: ClientText
    client_secret: ClientText
    scopes: Scopes = ["openid", "email", "profile"]
    email_domains: Domains = []
    required: bool = False
    city_id: Id | None = None
    auto_create: bool = False


class ProviderChange(Change):
    name: ProviderName | None = None
    issuer: Issuer | None = None
    client_id: ClientText | None = None
    client_secret: ClientText | None = None
    scopes: Scopes | None = None
    email_domains: Domains | None = None
    required: bool | None = None
    city_id: Id | None = None
    auto_create: bool | None = None


class ProviderOut(Answer):
    id: int | None  # null for a provider of CITYBRIDGE_OIDC_PROVIDERS
    name: str
    protocol: Literal["oidc"]
    issuer: str
    client_id: str
    scopes: list[str]
    email_domains: list[str]
    required: bool
    city_id: int | None
    auto_create: bool
    source: Literal["settings", "admin"]


class ProviderList(Answer):
    items: list[ProviderOut]


class ProviderButton(Answer):
    name: str
    url: str


class ProviderButtons(Answer):
    items: list[ProviderButton]
