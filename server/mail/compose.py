"""What each kind of mail says: the values its template gets, its headers and links."""

from __future__ import annotations

from server.mail import preferences, replies
from server.mail.templates import Rendered, message_html, render


def origin(settings) -> str:
    return settings.public_origin or "http://localhost:8000"


def invitation(settings, *, locale, inviter: str, space: str, cities: list[str], role: str, token: str, expires: str):
    link = f"{origin(settings)}/invitations/{token}"
    names = {"inviter": inviter, "space": space}
    return render(
        "invitation",
        locale,
        "invitation.subject",
        subject_values=names,
        cities=cities,
        role=role,
        link=link,
        expires=expires,
        **names,
    )


def password_reset(settings, *, locale, token: str) -> Rendered:
    link = f"{origin(settings)}/reset/{token}"
    return render("password_reset", locale, "reset.subject", link=link, minutes=settings.password_reset_minutes)


def unsubscribe_headers(settings, user_id: int, space_id: int | None) -> tuple[str, dict]:
    """The unsubscribe URL and the RFC 8058 headers every non-transactional mail carries."""
    token = preferences.unsubscribe_token(settings.secret_key, user_id, space_id)
    url = f"{origin(settings)}/api/unsubscribe/{token}"
    return url, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def digest_unsubscribe_headers(settings, user_id: int) -> tuple[str, dict]:
    token = preferences.digest_unsubscribe_token(settings.secret_key, user_id)
    url = f"{origin(settings)}/api/unsubscribe/{token}"
    return url, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def notification(settings, *, kind: str, recipient, author: str, space, thread, message) -> tuple[Rendered, dict]:
    url, headers = unsubscribe_headers(settings, recipient.id, space.id)
    headers["Reply-To"] = replies.address(settings, recipient.id, thread.id)
    names = {"author": author, "thread": thread.title}
    rendered = render(
        "notification",
        recipient.locale,
        f"{kind}.subject",
        subject_values=names,
        space=space.name,
        body_text=message.body,
        body_html=message_html(message.html),
        link=f"{origin(settings)}/threads/{thread.id}",
        unsubscribe_url=url,
        **names,
    )
    return rendered, headers


def email_change_confirm(settings, *, locale, token: str, minutes: int) -> Rendered:
    link = f"{origin(settings)}/email-change/{token}"
    return render("email_change", locale, "email_change.subject", link=link, minutes=minutes)


def email_change_notice(settings, *, locale, new_email: str) -> Rendered:
    """To the old address: what happened and what to do, and deliberately no link."""
    return render("email_change_notice", locale, "email_change_notice.subject", new_email=new_email)
