"""Settings read from the environment, with defaults that need nothing installed."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    secret_key: str
    public_origin: str | None
    meilisearch_url: str | None
    meilisearch_api_key: str | None
    frontend_dir: Path = PROJECT_ROOT / "frontend"
    message_max_chars: int = 20_000
    request_max_bytes: int = 1_000_000
    argon2_memory_kib: int = 65_536
    argon2_time_cost: int = 3
    session_days: int = 30
    invitation_days: int = 14
    login_window_seconds: int = 900
    # Failures of one account from one address (or known device) before each further try waits
    # 2, 4, 8... seconds; see docs/security.md.
    login_free_failures: int = 5
    # Failures of one account from anywhere before only known devices and addresses may try it.
    login_max_failures_per_account: int = 20
    # Failures from one address (any accounts) before only known devices may sign in from it.
    login_max_failures_per_address: int = 30
    login_known_address_days: int = 30
    device_cookie_days: int = 365
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed: IPs or networks. None by default.
    trusted_proxies: tuple[str, ...] = ()
    token_max_days: int = 365
    body_max_bytes: int = 256 * 1024 * 1024
    upload_max_bytes: int = 25 * 1024 * 1024
    rate_posts_per_minute: int = 30
    rate_uploads_per_minute: int = 10
    rate_searches_per_minute: int = 120
    rate_suggestions_per_minute: int = 600
    metrics_token: str | None = None
    # Who may read /metrics without the token (the token always works).
    metrics_allow: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    log_format: str = "json"

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_origin and self.public_origin.startswith("https://"))


def _networks(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of IPs or networks; a typo must stop the server, not open it up."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = tuple(part.strip() for part in raw.split(",") if part.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not an IP address or network") from None
    return items


def uvicorn_proxy_options(settings: Settings) -> dict:
    """uvicorn's forwarding-header handling, restricted to the configured proxies."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}


def _secret_key(data_dir: Path) -> str:
    """Use CITYBRIDGE_SECRET_KEY, else a key generated once and kept in the data directory."""
    explicit = os.environ.get("CITYBRIDGE_SECRET_KEY")
    if explicit:
        return explicit
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not each write their own key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("CITYBRIDGE_DATA", "citybridge-data")).resolve()
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        secret_key=_secret_key(data_dir),
        public_origin=(os.environ.get("CITYBRIDGE_PUBLIC_ORIGIN") or "").rstrip("/") or None,
        meilisearch_url=os.environ.get("MEILISEARCH_URL") or None,
        meilisearch_api_key=os.environ.get("MEILISEARCH_API_KEY") or None,
        message_max_chars=_int("CITYBRIDGE_MESSAGE_MAX_CHARS", 20_000),
        request_max_bytes=_int("CITYBRIDGE_REQUEST_MAX_BYTES", 1_000_000),
        argon2_memory_kib=_int("CITYBRIDGE_ARGON2_MEMORY_KIB", 65_536),
        argon2_time_cost=_int("CITYBRIDGE_ARGON2_TIME_COST", 3),
        body_max_bytes=_int("CITYBRIDGE_BODY_MAX_BYTES", 256 * 1024 * 1024),
        upload_max_bytes=_int("CITYBRIDGE_UPLOAD_MAX_BYTES", 25 * 1024 * 1024),
        rate_posts_per_minute=_int("CITYBRIDGE_RATE_POSTS_PER_MINUTE", 30),
        rate_uploads_per_minute=_int("CITYBRIDGE_RATE_UPLOADS_PER_MINUTE", 10),
        rate_searches_per_minute=_int("CITYBRIDGE_RATE_SEARCHES_PER_MINUTE", 120),
        rate_suggestions_per_minute=_int("CITYBRIDGE_RATE_SUGGESTIONS_PER_MINUTE", 600),
        metrics_token=os.environ.get("CITYBRIDGE_METRICS_TOKEN") or None,
        metrics_allow=_networks("CITYBRIDGE_METRICS_ALLOW", ("127.0.0.0/8", "::1/128")),
        trusted_proxies=_networks("CITYBRIDGE_TRUSTED_PROXIES", ()),
        token_max_days=_int("CITYBRIDGE_TOKEN_MAX_DAYS", 365),
        log_format=os.environ.get("CITYBRIDGE_LOG_FORMAT", "json"),
    )
