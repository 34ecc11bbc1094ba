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
    tokens: list | None  # None: `prose`, rendered without the parser
    handles: set[str] | frozenset[str]
    prose: str = ""


# A body of one line of prose, starting with a letter and without a character any inline rule or
# mention starts with, is one paragraph of text whatever CommonMark says: most chat messages are.
# It skips the parser, which was a quarter of a post's CPU (py-spy, issue 21), and still goes through
# the sanitiser, so its HTML is byte for byte the parser's (tests/test_fuzz_markdown.py checks).
_PROSE = re.compile(r"[^\W\d_][^\x00-\x1f\x7f\\`*_\[\]<>&@~|]*")
_NO_HANDLES: frozenset[str] = frozenset()


def _is_prose(body: str) -> bool:
    return _PROSE.fullmatch(body) is not None and not body[-1].isspace()


def parse(body: str) -> Parsed:
    """Parse once; the caller resolves `handles` to users, then calls render()."""
    if _is_prose(body):
        return Parsed(None, _NO_HANDLES, body)
    tokens = _md.parse(body, {})
    handles: set[str] = set()
    for block in tokens:
        for child in block.children or ():
            if child.type == "mention":
                handles.add(child.meta["handle"])
    return Parsed(tokens, handles)


def render(parsed: Parsed, mentions: dict[str, int]) -> str:
    if parsed.tokens is None:
        return sanitise("<p>" + parsed.prose.replace('"', "&quot;") + "</p>").strip()
    html = _md.renderer.render(parsed.tokens, _md.options, {"mentions": mentions})
    return sanitise(html).strip()


# Built once: nh3.clean() converts its allow-lists into the sanitiser's own on every call, which was
# some 50 of its 52 microseconds on a one-line message.
_SANITISER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener nofollow",
)
_TEXT_ONLY = nh3.Cleaner(tags=set())


def sanitise(html: str) -> str:
    return _SANITISER.clean(html)


def plain_text(html: str) -> str:
    """The text of rendered HTML, for search and previews."""
    return re.sub(r"\s+", " ", unescape(_TEXT_ONLY.clean(html))).strip()
