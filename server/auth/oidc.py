"""The OpenID Connect relying party: discovery, the authorization request (code flow with PKCE,
`state` and `nonce`), the code exchange, and the ID token's checks.

Authlib does the protocol (its httpx client builds the request and the S256 challenge and
exchanges the code) and joserfc, Authlib's JOSE library, checks signatures and claims; nothing
here parses a JWT by hand. Each failure raises `SsoFailure` with a stable code that the
callback shows to the person (translated) and logs (docs/identity.md lists the codes).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import errors, jwt
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from server.auth.oidc_config import Provider

LEEWAY_SECONDS = 60  # clocks of a city's provider and ours may differ by this much
DISCOVERY_TTL = 3600
JWKS_REFETCH_SECONDS = 3  # an unknown key id refetches the keys at most this often per provider
TIMEOUT_SECONDS = 10.0
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")


class SsoFailure(Exception):
    """A sign-in that must not go on; `code` is shown translated, `reason` goes to the log only."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass
class _Cached:
    metadata: dict
    fetched_at: float
    keys: KeySet | None = None
    keys_fetched_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_cache: dict[str, _Cached] = {}


async def _get_json(url: str) -> dict:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.get(url)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SsoFailure("provider_unavailable", f"GET {url}: {error!r}") from None
    if not isinstance(data, dict):
        raise SsoFailure("provider_unavailable", f"GET {url}: not a JSON object")
    return data


async def metadata(provider: Provider) -> dict:
    """The provider's discovery document, cached; its issuer must be the one configured."""
    cached = _cache.get(provider.issuer)
    if cached is not None and time.monotonic() - cached.fetched_at < DISCOVERY_TTL:
        return cached.metadata
    data = await _get_json(f"{provider.issuer}/.well-known/openid-configuration")
    if data.get("issuer", "").rstrip("/") != provider.issuer:
        raise SsoFailure("provider_unavailable", f"discovery names issuer {data.get('issuer')!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(key), str):
            raise SsoFailure("provider_unavailable", f"discovery has no {key}")
    _cache[provider.issuer] = _Cached(data, time.monotonic())
    return data


def _client(provider: Provider, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT_SECONDS,
    )


async def authorization_url(provider: Provider, redirect_uri: str, *, state: str, nonce: str, verifier: str) -> str:
    meta = await metadata(provider)
    async with _client(provider, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return url


async def exchange_code(provider: Provider, redirect_uri: str, *, code: str, verifier: str) -> str:
    """The ID token for an authorization code (the access token is not used)."""
    meta = await metadata(provider)
    try:
        async with _client(provider, redirect_uri) as client:
            token = await client.fetch_token(meta["token_endpoint"], code=code, code_verifier=verifier)
    except httpx.HTTPError as error:
        raise SsoFailure("provider_unavailable", f"token endpoint: {error!r}") from None
    except AuthlibBaseError as error:  # the provider refused the code (or its answer is not OAuth)
        raise SsoFailure("code_refused", f"token endpoint refused the code: {error!r}") from None
    if not isinstance(token.get("id_token"), str):
        raise SsoFailure("token_invalid", "the token response has no id_token")
    return token["id_token"]


async def _keys(provider: Provider, kid: str | None, stale: bool = False) -> KeySet:
    """The provider's signing keys; a key id not among them refetches them (the provider rotated)."""
    meta = await metadata(provider)
    cached = _cache[provider.issuer]
    async with cached.lock:
        known = not stale and cached.keys is not None and (kid is None or any(k.kid == kid for k in cached.keys.keys))
        # The first fetch always; a refetch for an unknown key id at most every few seconds, so that
        # tokens with made-up key ids cannot make us hammer the provider.
        if cached.keys is None or (not known and time.monotonic() - cached.keys_fetched_at >= JWKS_REFETCH_SECONDS):
            try:
                keys = KeySet.import_key_set(await _get_json(meta["jwks_uri"]))
            except (ValueError, errors.JoseError) as error:
                raise SsoFailure("provider_unavailable", f"unusable JWKS: {error!r}") from None
            if cached.keys is not None:
                cached.keys_fetched_at = time.monotonic()
            cached.keys = keys
        if cached.keys is None or (kid is not None and not any(k.kid == kid for k in cached.keys.keys)):
            raise SsoFailure("unknown_key", f"no key {kid!r} in the provider's JWKS")
        return cached.keys


def _claims_registry(provider: Provider, nonce: str) -> jwt.JWTClaimsRegistry:
    return jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )


def _decode(id_token: str, keys: KeySet) -> jwt.Token:
    try:
        return jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except errors.BadSignatureError:
        raise
    except (ValueError, errors.JoseError) as error:
        raise SsoFailure("token_invalid", f"signature: {error!r}") from None


_CLAIM_CODES = {"aud": "wrong_audience", "nonce": "nonce_mismatch", "iss": "wrong_issuer"}


async def verified_claims(provider: Provider, id_token: str, nonce: str) -> dict:
    """The ID token's claims once its signature, issuer, audience, times and nonce are right."""
    try:
        kid = extract_compact(id_token.encode()).headers().get("kid")
    except (ValueError, errors.JoseError) as error:
        raise SsoFailure("token_invalid", f"malformed ID token: {error!r}") from None
    try:
        token = _decode(id_token, await _keys(provider, kid))
    except errors.BadSignatureError:
        if kid is not None:
            raise SsoFailure("token_invalid", "bad signature") from None
        try:  # a token that names no key: the provider may have rotated its only key
            token = _decode(id_token, await _keys(provider, kid, stale=True))
        except errors.BadSignatureError:
            raise SsoFailure("token_invalid", "bad signature") from None
    claims = token.claims
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != provider.client_id:
        raise SsoFailure("wrong_audience", f"azp {claims.get('azp')!r} is not our client id")
    try:
        _claims_registry(provider, nonce).validate(claims)
    except errors.ExpiredTokenError as error:
        raise SsoFailure("token_expired", repr(error)) from None
    except (errors.InvalidClaimError, errors.MissingClaimError) as error:
        claim = getattr(error, "claim", "")
        raise SsoFailure(_CLAIM_CODES.get(claim, "token_invalid"), repr(error)) from None
    except errors.JoseError as error:
        raise SsoFailure("token_invalid", repr(error)) from None
    return claims
