"""Reply by email: the per-recipient reply address of a notification, and posting what comes back.

The address is `reply+<user>.<thread>.<expiry>.<signature>@<mail domain>`. The signature is
lower-case hex because relays may fold the case of a local part; it binds the user and the thread,
so a reply posts as that user in that thread and nowhere else. Posting goes through the same
messages service as the browser (change log, the same access rules), with the mail's Message-ID as
the client_id, so a relay that delivers the same mail twice posts it once."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from mailparser_reply import EmailReplyParser

from server.db.models import User
from server.errors import ApiError, NotFound, TooManyRequests
from server.mail.outbox import mail_domain
from server.services import messages, ratelimit
from server.services.thread_access import thread_access

PREFIX = "reply+"
_PARSER = EmailReplyParser(languages=["en", "fr", "es", "de"])


class Refused(Exception):
    """An inbound mail that is not posted; `code` and `reason` become the SMTP answer."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    @property
    def answer(self) -> str:
        enhanced = "4.7.1" if self.code < 500 else {552: "5.3.4", 553: "5.1.3"}.get(self.code, "5.7.1")
        return f"{self.code} {enhanced} {self.reason}"


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"reply:{payload}".encode(), hashlib.sha256).hexdigest()[:24]


def token(secret: str, user_id: int, thread_id: int, days: int, *, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + days * 86400)
    payload = f"{user_id}.{thread_id}.{expires}"
    return f"{payload}.{_signature(secret, payload)}"


def address(settings, user_id: int, thread_id: int) -> str:
    return (
        f"{PREFIX}{token(settings.secret_key, user_id, thread_id, settings.reply_token_days)}@{mail_domain(settings)}"
    )


@dataclass(frozen=True)
class Target:
    user_id: int
    thread_id: int


def target(secret: str, recipient: str, domain: str, *, now: float | None = None) -> Target:
    """Whom and where a reply address posts; Refused (550) when it is not ours, forged or expired."""
    local, _, host = recipient.strip().strip("<>").rpartition("@")
    if host.lower() != domain.lower() or not local.lower().startswith(PREFIX):
        raise Refused(550, "No such recipient: only reply addresses of Citybridge mails are accepted here")
    parts = local[len(PREFIX) :].lower().split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        raise Refused(550, "This reply address is not valid")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _signature(secret, payload)):
        raise Refused(550, "This reply address is not valid")
    if int(parts[2]) < (now if now is not None else time.time()):
        raise Refused(550, "This reply address has expired: answer in the thread on Citybridge")
    return Target(int(parts[0]), int(parts[1]))


def reply_text(mail: EmailMessage) -> str:
    """The new part of a reply: the text part without the quoted mail and the signature."""
    try:
        part = mail.get_body(("plain",))
        raw = part.get_content() if part is not None else None
    except (LookupError, UnicodeError, ValueError):
        raise Refused(550, "The mail's text cannot be read (unknown charset or encoding)") from None
    if raw is None:
        raise Refused(550, "The mail has no text part")
    parsed = _PARSER.read(raw.replace("\r\n", "\n"))
    first = parsed.replies[0].body if parsed.replies else raw
    # The parser finds the "On … wrote:" header and the signature; quoted lines without such a
    # header (a bare "> …" block) are the mail's own quoting convention (RFC 3676), left out too.
    text = "\n".join(line for line in first.splitlines() if not line.lstrip().startswith(">")).strip()
    if not text:
        raise Refused(550, "The reply is empty once the quoted mail is left out")
    return text


def client_id(mail: EmailMessage) -> str | None:
    """The mail's Message-ID, shortened to fit a client_id: the same mail delivered twice posts once."""
    message_id = (mail.get("Message-ID") or "").strip()
    if not message_id:
        return None
    return "mail:" + hashlib.sha256(message_id.encode()).hexdigest()[:40]


def _sender_is(mail: EmailMessage, mail_from: str, user: User) -> bool:
    addresses = {a.lower() for _, a in getaddresses([str(mail.get("From", "")), mail_from]) if a}
    return user.email.lower() in addresses


async def post(db, settings, found: Target, mail: EmailMessage, mail_from: str) -> dict:
    """Post the reply as its user, in the caller's transaction (rolled back on any refusal)."""
    user = await db.get(User, found.user_id)
    if user is None or user.deactivated_at is not None:
        raise Refused(550, "This account can no longer post")
    if not _sender_is(mail, mail_from, user):
        raise Refused(550, "The reply must come from the address the notification was sent to")
    text = reply_text(mail)
    try:
        thread, access = await thread_access(db, user, found.thread_id, for_update=True)
        view, created = await messages.post(
            db, user, thread, access, text, client_id(mail), max_chars=settings.message_max_chars
        )
        if created:  # counted like the browser's posts; a redelivered mail is free
            await ratelimit.hit(db, user.id, "post", settings.rate_limits.get("post", 0))
    except TooManyRequests as error:
        raise Refused(450, error.message) from None
    except NotFound:
        raise Refused(550, "You can no longer read this thread") from None
    except ApiError as error:
        code = 552 if error.code == "too_long" else 550
        raise Refused(code, error.message) from None
    return view
