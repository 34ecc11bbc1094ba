"""Settings read from the environment, with defaults that need nothing installed.

Each setting is declared once, with its environment variable, default and meaning
(`setting(...)` below); `docs/settings.md` is generated from these declarations
(`citybridge settings --markdown`) and a test keeps it true.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from server.auth.oidc_config import Provider, parse_providers
from server.services import ratelimit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _mail_worker(raw: str) -> str:
    if raw not in ("auto", "process", "inline"):
        raise ValueError(f"{raw!r} is not one of auto, process, inline")
    return raw


def _text(raw: str) -> str | None:
    return raw or None


def flag(raw: str) -> bool:
    return raw not in ("", "0", "false", "no")


def networks(raw: str) -> tuple[str, ...]:
    """A comma-separated list of IPs or networks; a typo must stop the server, not open it up."""
    items = tuple(part.strip() for part in raw.split(",") if part.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network") from None
    return items


def setting(env: str, default: Any, help: str, *, parse=int, shown: str | None = None) -> Any:
    """A dataclass field read from `env`; `shown` is how the default reads in the docs when the
    value itself would not say it well (a size in bytes, a computed path)."""
    return field(default=default, metadata={"env": env, "help": help, "parse": parse, "shown": shown})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = setting(
        "CITYBRIDGE_DATA",
        Path("citybridge-data"),
        "data directory: embedded PostgreSQL, search index, uploaded files, secret key",
        parse=Path,
        shown="./citybridge-data",
    )
    database_url: str | None = setting(
        "DATABASE_URL",
        None,
        "an external PostgreSQL, e.g. `postgresql://user:pass@host:5432/citybridge`; unset: the embedded one",
        parse=_text,
    )
    secret_key: str = setting(
        "CITYBRIDGE_SECRET_KEY",
        "",
        "signs CSRF tokens and paging cursors; set the same value on every node",
        parse=str,
        shown="generated once into the data directory",
    )
    public_origin: str | None = setting(
        "CITYBRIDGE_PUBLIC_ORIGIN",
        None,
        "the public URL, e.g. `https://citybridge.example.org`: websocket Origin check, `Secure` cookies over https",
        parse=lambda raw: raw.rstrip("/") or None,
    )
    meilisearch_url: str | None = setting(
        "MEILISEARCH_URL", None, "use Meilisearch at this URL instead of the embedded search engine", parse=_text
    )
    meilisearch_api_key: str | None = setting("MEILISEARCH_API_KEY", None, "Meilisearch's API key", parse=_text)
    search_vocabulary: Path | None = setting(
        "CITYBRIDGE_SEARCH_VOCABULARY",
        None,
        "a vocabulary file of the operator's own concepts and labels, read after the shipped one "
        "(format: search/data/vocabulary/core.txt); a bad line stops the server, naming it",
        parse=lambda raw: Path(raw) if raw.strip() else None,
    )
    frontend_dir: Path = PROJECT_ROOT / "frontend"
    message_max_chars: int = setting("CITYBRIDGE_MESSAGE_MAX_CHARS", 20_000, "longest message body, in characters")
    request_max_bytes: int = setting("CITYBRIDGE_REQUEST_MAX_BYTES", 1_000_000, "largest JSON request body")
    argon2_memory_kib: int = setting("CITYBRIDGE_ARGON2_MEMORY_KIB", 65_536, "password hashing memory (argon2id)")
    argon2_time_cost: int = setting("CITYBRIDGE_ARGON2_TIME_COST", 3, "password hashing passes (argon2id)")
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
    trusted_proxies: tuple[str, ...] = setting(
        "CITYBRIDGE_TRUSTED_PROXIES",
        (),
        "comma-separated IPs or networks of reverse proxies whose `X-Forwarded-For`/`-Proto` are believed; "
        "none by default (see docs/security.md)",
        parse=networks,
        shown="(none)",
    )
    token_max_days: int = setting("CITYBRIDGE_TOKEN_MAX_DAYS", 365, "longest lifetime of a personal API token, in days")
    body_max_bytes: int = setting(
        "CITYBRIDGE_BODY_MAX_BYTES", 256 * 1024 * 1024, "ceiling for any request body, uploads included"
    )
    upload_max_bytes: int = setting("CITYBRIDGE_UPLOAD_MAX_BYTES", 25 * 1024 * 1024, "largest uploaded file")
    # name -> per-minute budget; the names, defaults and settings are declared in
    # server/services/ratelimit.py (LIMITS) and listed in docs/settings.md
    rate_limits: Mapping[str, int] = field(default_factory=ratelimit.defaults, hash=False)
    extract_cpu_seconds: int = setting(
        "CITYBRIDGE_EXTRACT_CPU_SECONDS", 15, "CPU seconds the worker process extracting one upload's text may use"
    )
    extract_memory_mb: int = setting(
        "CITYBRIDGE_EXTRACT_MEMORY_MB", 512, "address space of that worker process, in MiB"
    )
    extract_max_inflated_bytes: int = setting(
        "CITYBRIDGE_EXTRACT_MAX_INFLATED_BYTES", 100 * 1024 * 1024, "how far a ZIP container (Word) may inflate in all"
    )
    extract_workers: int = setting("CITYBRIDGE_EXTRACT_WORKERS", 2, "documents whose text is extracted at once")
    smtp_url: str | None = setting(
        "CITYBRIDGE_SMTP_URL",
        None,
        "the mail relay: `smtp://user:pass@host:587?starttls=1`, `smtps://…:465` for implicit TLS; "
        "unset: mails wait in the outbox and are written as `.eml` files under `<data>/mail/`",
        parse=_text,
    )
    mail_connections: int = setting(
        "CITYBRIDGE_MAIL_CONNECTIONS",
        4,
        "SMTP connections the sender keeps to the relay at once (each sends one mail at a time); "
        "1 delivers the outbox strictly in order",
    )
    mail_direct_delay_seconds: float = setting(
        "CITYBRIDGE_MAIL_DIRECT_DELAY_SECONDS",
        120.0,
        "how long a direct message waits before it is mailed to a participant; one read in the browser "
        "by then is not mailed (a longer mail batching interval of the person applies instead)",
        parse=float,
    )
    workers: int = setting(
        "CITYBRIDGE_WORKERS",
        0,
        "server processes `citybridge serve` runs on its port (`--workers` overrides it); 0: one per core, at "
        "most 4. They share the database, the search index and the change log like nodes "
        "(docs/operations.md#every-core)",
    )
    db_pool_size: int = setting(
        "CITYBRIDGE_DB_POOL_SIZE",
        30,
        "PostgreSQL connections a server process may hold for requests, opened as needed and kept open "
        "(divided among workers when unset)",
    )
    db_max_overflow: int = setting(
        "CITYBRIDGE_DB_MAX_OVERFLOW",
        0,
        "further connections a process may open under load and closes after each use (divided among "
        "workers when unset)",
    )
    mail_worker: str = setting(
        "CITYBRIDGE_MAIL_WORKER",
        "inline",
        "where mail is built and sent: `inline` (on the web server's own event loop), `process` (`citybridge "
        "serve` starts `citybridge mail-worker` beside itself, so mail never takes the web server's core: for "
        "machines with cores to spare), `auto` (process when the machine has more than one core); `serve` gives "
        "its worker its own pid in `CITYBRIDGE_MAIL_WORKER_PARENT`, and the worker stops when that process is gone",
        parse=_mail_worker,
    )
    mail_from: str = setting(
        "CITYBRIDGE_MAIL_FROM", "Citybridge <citybridge@localhost>", "the From of every mail", parse=str
    )
    mail_domain: str | None = setting(
        "CITYBRIDGE_MAIL_DOMAIN",
        None,
        "the domain of Message-IDs and of reply addresses; unset: the From address's domain",
        parse=_text,
    )
    mail_inbound_port: int | None = setting(
        "CITYBRIDGE_MAIL_INBOUND_PORT",
        None,
        "the port of the inbound SMTP listener that takes replies by email (`reply+…@<mail domain>`); "
        "unset: no listener (`citybridge mail-gateway` runs one on its own)",
    )
    mail_inbound_host: str = setting(
        "CITYBRIDGE_MAIL_INBOUND_HOST", "127.0.0.1", "the address the inbound SMTP listener binds", parse=str
    )
    mail_inbound_max_bytes: int = setting(
        "CITYBRIDGE_MAIL_INBOUND_MAX_BYTES", 1024 * 1024, "the largest reply by email (refused with 552 above it)"
    )
    reply_token_days: int = setting(
        "CITYBRIDGE_MAIL_REPLY_DAYS", 30, "how long the reply address of a notification takes replies, in days"
    )
    password_reset_minutes: int = 60
    mail_retry_base_seconds: float = 5.0
    rate_password_resets_per_minute: int = 5
    metrics_token: str | None = setting(
        "CITYBRIDGE_METRICS_TOKEN", None, "if set, `/metrics` needs `Authorization: Bearer <token>`", parse=_text
    )
    metrics_allow: tuple[str, ...] = setting(
        "CITYBRIDGE_METRICS_ALLOW",
        ("127.0.0.0/8", "::1/128"),
        "comma-separated IPs or networks that may read `/metrics` without the token",
        parse=networks,
        shown="loopback (`127.0.0.0/8, ::1/128`)",
    )
    require_totp: bool = setting(
        "CITYBRIDGE_REQUIRE_TOTP",
        False,
        "require two-factor sign-in of everyone: until they turn it on, a signed-in person can only "
        "reach their account settings (see docs/identity.md)",
        parse=flag,
    )
    erasure_removes_bodies: bool = setting(
        "CITYBRIDGE_ERASURE_REMOVES_BODIES",
        False,
        "when a person erases their account, also blank their messages' text (kept by default, "
        'under the name "former member", so conversations still read; see docs/identity.md)',
        parse=flag,
    )
    export_hours: int = setting(
        "CITYBRIDGE_EXPORT_HOURS", 48, "how long a person's data export waits to be downloaded, in hours"
    )
    oidc_providers: tuple[Provider, ...] = setting(
        "CITYBRIDGE_OIDC_PROVIDERS",
        (),
        "OpenID Connect providers, a JSON list of `{name, issuer, client_id, client_secret, scopes?, "
        "email_domains?, required?, city_id?, auto_create?}` (see docs/identity.md)",
        parse=parse_providers,
        shown="(none)",
    )
    public_knowledge: bool = setting(
        "CITYBRIDGE_PUBLIC_KNOWLEDGE",
        True,
        "`off` turns the public knowledge base off: its pages, feeds, search, sitemap answer 404 (docs/public.md)",
        parse=lambda raw: raw.strip().lower() not in ("off", "0", "false", "no"),
        shown="`on`",
    )
    public_rate_per_minute: int = setting(
        "CITYBRIDGE_PUBLIC_RATE_PER_MINUTE",
        300,
        "public knowledge-base requests one address may make a minute, per node",
    )
    public_platform_name: str | None = setting(
        "CITYBRIDGE_PUBLIC_PLATFORM_NAME",
        None,
        "the name the public knowledge base gives itself in its header, titles and feeds",
        parse=_text,
        shown="“Citybridge knowledge base”, translated",
    )
    public_logo_url: str | None = setting(
        "CITYBRIDGE_PUBLIC_LOGO_URL", None, "an image shown beside that name on public pages", parse=_text
    )
    public_about: str | None = setting(
        "CITYBRIDGE_PUBLIC_ABOUT",
        None,
        "the text of the public about page, `/knowledge/about` (paragraphs separated by blank lines)",
        parse=_text,
    )
    public_robots: str = setting(
        "CITYBRIDGE_PUBLIC_ROBOTS",
        "index",
        "`index` lets search engines crawl the public pages; `noindex` asks them to stay away",
        parse=lambda raw: "noindex" if raw.strip().lower() == "noindex" else "index",
    )
    public_page_cache: int = setting(
        "CITYBRIDGE_PUBLIC_PAGE_CACHE",
        2000,
        "rendered public pages kept in each node's memory, dropped on every change-log event; 0 turns it off",
    )
    credential_cache_seconds: float = setting(
        "CITYBRIDGE_CREDENTIAL_CACHE_SECONDS",
        60.0,
        "how long each node keeps a session or API token it looked up; a change to the credential, its "
        "user or their city's two-factor rule drops it at once on every node (docs/security.md); 0 turns it off",
        parse=float,
    )
    log_format: str = setting(
        "CITYBRIDGE_LOG_FORMAT", "json", "`json` (one line per request, with its request id) or `text`", parse=str
    )

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_origin and self.public_origin.startswith("https://"))


def declared(cls: type) -> list[Field]:
    """The fields of a settings class that are read from the environment."""
    return [f for f in fields(cls) if "env" in f.metadata]


def from_environment(cls: type, **given: Any) -> Any:
    """An instance of a settings class with every declared variable that is set (and not empty) applied."""
    values = dict(given)
    for f in declared(cls):
        raw = os.environ.get(f.metadata["env"])
        if raw not in (None, "") and f.name not in given:
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError as error:
                raise ValueError(f"{f.metadata['env']}: {error}") from None
    return cls(**values)


def default_text(f: Field) -> str:
    if f.metadata.get("shown"):
        return f.metadata["shown"]
    value = f.default if f.default is not MISSING else None
    if value is None:
        return "(unset)"
    if f.metadata["env"].endswith("_BYTES") and value >= 1 << 20 and value % (1 << 20) == 0:
        return f"`{value}` ({value >> 20} MiB)"
    return f"`{value}`"


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
    data_dir = Path(os.environ.get("CITYBRIDGE_DATA") or Settings.data_dir).resolve()
    return from_environment(
        Settings, data_dir=data_dir, secret_key=_secret_key(data_dir), rate_limits=ratelimit.from_env()
    )
