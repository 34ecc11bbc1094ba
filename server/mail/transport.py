"""Where mail goes: an SMTP relay named by CITYBRIDGE_SMTP_URL, or, with none, `.eml` files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from server.config import flag
from server.mail.outbox import Built


class PermanentRefusal(Exception):
    """The relay refused this mail for good (5xx): retrying will not help."""


class TemporaryFailure(Exception):
    """The relay is unreachable or deferred the mail (4xx, connection lost): retry later."""


@dataclass(frozen=True)
class SmtpRelay:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpRelay:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("CITYBRIDGE_SMTP_URL must look like smtp://user:pass@host:port or smtps://…")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit,
            start_tls=not implicit and flag(query.get("starttls", "0")),
        )

    @property
    def name(self) -> str:
        return f"smtp:{self.host}:{self.port}"

    def client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=30,
        )


async def send_one(client: aiosmtplib.SMTP, mail: Built) -> None:
    """Send on an open connection; returns only once the relay answered 250 for every recipient."""
    try:
        errors, _ = await client.sendmail(mail.sender, [mail.recipient], mail.data)
    except aiosmtplib.SMTPRecipientsRefused as error:
        codes = [r.code for r in error.recipients]
        raise (PermanentRefusal if all(500 <= c < 600 for c in codes) else TemporaryFailure)(str(error)) from error
    except aiosmtplib.SMTPResponseException as error:
        if 500 <= error.code < 600:
            raise PermanentRefusal(f"{error.code} {error.message}") from error
        raise TemporaryFailure(f"{error.code} {error.message}") from error
    except (aiosmtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    if errors:
        raise TemporaryFailure(f"recipients not accepted: {errors}")


def write_eml(directory: Path, row_id: int, mail: Built) -> Path:
    """The embedded default: the mail as a file an admin can open. Written atomically, once."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{row_id}.eml"
    if not path.exists():
        partial = directory / f".{row_id}.eml.part"
        partial.write_bytes(mail.data)
        os.replace(partial, path)
    return path
