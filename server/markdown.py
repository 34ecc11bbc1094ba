"""Markdown to sanitised HTML, with `@handle` mentions.

markdown-it-py parses CommonMark with raw HTML disabled; nh3 (the ammonia
sanitiser) then keeps only an allow-list of tags, attributes and URL schemes,
so nothing a user writes can run script in a reader's browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

HANDLE_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
_HANDLE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class", "data-user-id"},
    "ol": {"start"},
    "code": {"class"},
}


def _mention_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@":
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "._-@"):
        return False  # an email address or a word with @ inside
    match = HANDLE_RE.match(state.src.lower(), pos + 1)
    if not match:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"handle": match.group(0)}
        token.content = state.src[pos : match.end()]
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    user_id = env.get("mentions", {}).get(token.meta["handle"])
    if user_id is None:
        return escape(token.content)
    return f'<span class="mention" data-user-id="{int(user_id)}">{escape(token.content)}</span>'


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_md = _build()


@dataclass(frozen=True)
class Parsed:
    tokens: list
    handles: set[str]


def parse(body: str) -> Parsed:
    """Parse once; the caller resolves `handles` to users, then calls render()."""
    tokens = _md.parse(body, {})
    handles: set[str] = set()
    for block in tokens:
        for child in block.children or ():
            if child.type == "mention":
                handles.add(child.meta["handle"])
    return Parsed(tokens, handles)


def render(parsed: Parsed, mentions: dict[str, int]) -> str:
    html = _md.renderer.render(parsed.tokens, _md.options, {"mentions": mentions})
    return sanitise(html).strip()


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def plain_text(html: str) -> str:
    """The text of rendered HTML, for search and previews."""
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
