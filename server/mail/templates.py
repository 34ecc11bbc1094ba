"""Mail bodies from Jinja2 templates: a text and an HTML part per mail, in the recipient's language.

HTML templates autoescape everything; the only markup passed through is a message's HTML, which
server/markdown.py already sanitised when the message was posted (`Markup` marks it, in one place:
`message_html`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from server.mail.strings import locale_of, say

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(value: str, limit: int = 250) -> str:
    """A header value: control characters (CR/LF above all: header injection) become spaces."""
    return _CONTROL.sub(" ", value).strip()[:limit]


def message_html(html: str) -> Markup:
    """A message's stored HTML, sanitised by server/markdown.py when it was posted."""
    return Markup(html)


def render(template: str, locale: str | None, subject_key: str, **context: object) -> Rendered:
    lang = locale_of(locale)

    def t(key: str, **values: object) -> str:
        return say(lang, key, **values)

    subject = one_line(t(subject_key, **context.get("subject_values", {})))
    values = {"t": t, "lang": lang, "title": subject, **context}
    return Rendered(
        subject=subject,
        text=_ENV.get_template(f"{template}.txt").render(values),
        html=_ENV.get_template(f"{template}.html").render(values),
    )
