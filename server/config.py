"""Settings read from the environment, with defaults that need nothing installed."""

from __future__ import annotations

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
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 30
    body_max_bytes: int = 256 * 1024 * 1024
    upload_max_bytes: int = 25 * 1024 * 1024
    rate_posts_per_minute: int = 30
    rate_uploads_per_minute: int = 10
    rate_searches_per_minute: int = 120
    rate_suggestions_per_minute: int = 600
    # Text extraction of one upload: CPU seconds and address space of its worker process, and
    # how far a ZIP container (Word) may inflate; workers: how many documents at once.
    extract_cpu_seconds: int = 15
    extract_memory_mb: int = 512
    extract_max_inflated_bytes: int = 100 * 1024 * 1024
    extract_workers: int = 2
    metrics_token: str | None = None
    log_format: str = "json"

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_origin and self.public_origin.startswith("https://"))


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
        extract_cpu_seconds=_int("CITYBRIDGE_EXTRACT_CPU_SECONDS", Settings.extract_cpu_seconds),
        extract_memory_mb=_int("CITYBRIDGE_EXTRACT_MEMORY_MB", Settings.extract_memory_mb),
        extract_max_inflated_bytes=_int("CITYBRIDGE_EXTRACT_MAX_INFLATED_BYTES", Settings.extract_max_inflated_bytes),
        extract_workers=_int("CITYBRIDGE_EXTRACT_WORKERS", Settings.extract_workers),
        metrics_token=os.environ.get("CITYBRIDGE_METRICS_TOKEN") or None,
        log_format=os.environ.get("CITYBRIDGE_LOG_FORMAT", "json"),
    )
