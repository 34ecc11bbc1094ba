"""Markdown rendering under hostile input: known XSS payloads and generated ones.

Whatever a user writes, the HTML we store and serve has no script, no event handler, no
javascript:/data:/vbscript: URL and no tag outside the allow-list, and every link carries
rel="noopener nofollow". A longer local run: CITYBRIDGE_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_markdown.py
"""

from __future__ import annotations

import os
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import markdown

EXAMPLES = int(os.environ.get("CITYBRIDGE_FUZZ_EXAMPLES", "300"))
SAFE_SCHEMES = {"http", "https", "mailto"}

KNOWN_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<form action=https://evil.example><input name=q></form>",
    "<object data=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1) )",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[click](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "[click][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/pixel.png "onerror=alert(1)")',
    '[a](https://example.org/"onmouseover="alert(1))',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "@admin<script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "> <a href='javascript:alert(1)'>quote</a>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<base href=javascript:alert(1)//>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<embed src=javascript:alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<span style="background:url(javascript:alert(1))">x</span>',
    "<span class=mention data-user-id=1 onclick=alert(1)>@x</span>",
    "[x](https://ok.example)\n[y](mailto:someone@example.org)",
]

FRAGMENTS = [
    "<",
    ">",
    "/",
    '"',
    "'",
    "=",
    "(",
    ")",
    "[",
    "]",
    "`",
    "*",
    "_",
    "!",
    "@",
    "&",
    "#",
    ";",
    ":",
    " ",
    "\n",
    "\n\n",
    "\t",
    "\x00",
    "\u200b",
    "\ufeff",
    "script",
    "SCRIPT",
    "img",
    "svg",
    "iframe",
    "a",
    "href",
    "src",
    "style",
    "onerror",
    "onload",
    "onclick",
    "javascript",
    "JavaScript",
    "java\tscript",
    "vbscript",
    "data",
    "alert(1)",
    "&#106;",
    "&#x6A;",
    "&colon;",
    "%6A",
    "http://",
    "https://ok.example",
    "mailto:",
    "](",
    "<a ",
    "<img ",
    "<script>",
    "</script>",
    "-->",
    "<!--",
    "<![CDATA[",
    "```",
    "|---|",
    "> ",
]

ALLOWED = markdown.ALLOWED_TAGS
ALLOWED_ATTRS = {tag: set(attrs) for tag, attrs in markdown.ALLOWED_ATTRIBUTES.items()} | {
    "a": {"href", "title", "rel"}
}


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}>")
        names = {name for name, _ in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name not in ALLOWED_ATTRS.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and value is not None:
                self._check_url(value)
        if tag == "a" and "href" in names:
            rel = dict(attrs).get("rel") or ""
            if not {"noopener", "nofollow"} <= set(rel.split()):
                self.problems.append(f"link without rel=noopener nofollow: {attrs}")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def _check_url(self, value: str) -> None:
        cleaned = re.sub(r"[\x00-\x20\x7f]+", "", unescape(value)).lower()
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            self.problems.append(f"URL scheme {scheme.group(1)}: {value!r}")


def render(body: str) -> str:
    parsed = markdown.parse(body)
    return markdown.render(parsed, {handle: 1 for handle in parsed.handles})


def assert_safe(body: str) -> None:
    html = render(body)
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, f"{body!r} rendered as {html!r}: {inspector.problems}"
    assert "<script" not in html.lower(), html


@pytest.mark.parametrize("payload", KNOWN_PAYLOADS)
def test_known_xss_payloads_are_neutralised(payload):
    assert_safe(payload)
    assert_safe(f"Some text before.\n\n{payload}\n\nAnd after, with a [link](https://ok.example).")


def test_links_get_noopener_nofollow_and_keep_safe_schemes():
    html = render("[site](https://ok.example/a?b=1) and [mail](mailto:a@b.example) and <https://auto.example>")
    assert html.count('rel="noopener nofollow"') == 3
    assert 'href="https://ok.example/a?b=1"' in html and 'href="mailto:a@b.example"' in html


hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(KNOWN_PAYLOADS), st.text(max_size=8)), max_size=40
).map("".join)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_text)
def test_generated_markdown_never_carries_script(body):
    assert_safe(body)


@settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_any_text_renders_safely(body):
    assert_safe(body)


# Prose-like text: letters of several scripts, digits, spaces of several kinds and the punctuation
# that starts a block or an inline rule somewhere, so both sides of the prose shortcut are drawn.
prose_like = st.text(
    alphabet=st.one_of(
        st.sampled_from("aZéßçØ漢สو \u00a0\u2028\t\n.,;:!?'\"()-+#=/%$€0123456789*_`[]<>&@~|\\"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


def parsed_in_full(body: str) -> str:
    return markdown.render(markdown.Parsed(markdown._md.parse(body, {}), set()), {})


@settings(max_examples=EXAMPLES * 3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(prose_like, st.from_regex(r"[a-zé][a-zé 0-9.,!?'\"():#+=*_`~&<>@\[\]\\|-]{0,30}", fullmatch=True)))
def test_prose_skips_the_parser_and_renders_as_the_parser_would(body):
    assert markdown.render(markdown.parse(body), {}) == parsed_in_full(body)


def test_the_prose_shortcut_is_taken_for_plain_sentences_only():
    for body in ("Hello world", 'We said "welcome" (twice)!', "ça va — très bien, merci", "สวัสดีครับ"):
        assert markdown.parse(body).tokens is None, body
    for body in ("1. first", "- item", "# title", "say *this*", "mail @ada", "a & b", "x  \ny", "code `x`", " lead"):
        assert markdown.parse(body).tokens is not None, body
