"""Checks the browser tests share: accessibility with axe-core, and a layout that fits."""

from __future__ import annotations

import re

from axe_playwright_python.async_playwright import Axe

_axe = Axe()


async def assert_accessible(page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    results = await _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    described = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        f" {v['nodes'][0].get('failureSummary', '')[:300]}"
        for v in bad
    )
    assert not bad, f"axe-core on {name}:\n{described}"


async def assert_fits(page, width: int) -> None:
    overflow = await page.evaluate("document.scrollingElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow}px wide in a {width}px viewport"


async def wait_live(page) -> None:
    """Until the socket is open and every subscription has finished its replay: from then on,
    what others do arrives live (nothing is left to polling or a later refetch)."""
    await page.wait_for_function(
        """async () => {
        const { live } = await import('/live.js');
        return live.settled();
    }""",
        polling=100,
    )


# English chrome that must not show in the French or Spanish app (the seeded content avoids them).
ENGLISH_CHROME = [
    "Sign in",
    "Sign out",
    "Password",
    "Save",
    "Cancel",
    "Search",
    "Threads",
    "Library",
    "Members",
    "Settings",
    "Loading",
    "Send",
    "Reply",
    "Delete",
    "Edit",
    "Upload",
    "Welcome",
    "Load more",
    "Download",
    "Themes",
    "Filters",
    "Results",
    "New thread",
    "Back",
    "Language",
    "Show",
    "Hide",
    "Flag",
    "Dismiss",
    "Today",
    "Yesterday",
    "Skip to content",
    "Name",
    "Country",
    "City",
    "Role",
    "Space",
    "Title",
    "Summary",
    "Moderators",
    "Author",
    "Published",
    "Practice",
]
KEY_LIKE = re.compile(r"[a-z][a-z0-9]*(?:\.[a-z0-9_]+)+")

_INSPECT = """([keyLike, namespaces, words]) => {
  const visible = (el) => el.checkVisibility({ checkOpacity: true, visibilityProperty: true });
  const texts = [];
  const narrow = [];
  const widths = new Map();
  const canvas = document.createElement("canvas").getContext("2d");
  const measure = (el, text) => { canvas.font = getComputedStyle(el).font; return canvas.measureText(text).width; };
  const threeChars = (el) => {
    const font = getComputedStyle(el).font;
    if (!widths.has(font)) widths.set(font, measure(el, "000"));
    return widths.get(font);
  };
  // Visually hidden text (clipped to a pixel, for screen readers) has no width to judge.
  const clipped = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clip !== "auto" || (style.overflow !== "visible" && (a.offsetWidth <= 2 || a.offsetHeight <= 2)))
        return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest("script, style, noscript, svg") || !visible(el)) continue;
    texts.push(text);
    const box = el.getBoundingClientRect();
    if (text.length >= 3 && box.width > 2 && box.height > 2 && box.width < threeChars(el) - 1
        && measure(el, text) > box.width + 1 && !clipped(el))  // squeezed: the text had to wrap inside the box
      narrow.push(`"${text.slice(0, 30)}" in <${el.tagName.toLowerCase()} class="${el.className}">`
        + ` ${Math.round(box.width)}px`);
  }
  const labelled = "input, textarea, select, [placeholder], [aria-label], [title], img[alt]";
  for (const el of document.querySelectorAll(labelled)) {
    if (!visible(el)) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt"]) {
      const value = (el.getAttribute(name) || "").trim();
      if (value) texts.push(value);
    }
    const box = el.getBoundingClientRect();
    const isBox = el.matches("textarea, select, input:not([type=checkbox], [type=radio], [type=hidden], [type=file])");
    if (isBox && box.width > 2 && box.width < threeChars(el) && !clipped(el))
      narrow.push(`<${el.tagName.toLowerCase()} name="${el.name}"> ${Math.round(box.width)}px`);
  }
  // A key alone or inside a sentence ("did « resource.published » on"), not a mail domain or a file name.
  const pattern = new RegExp(`(?<![\\w@./-])${keyLike}(?![\\w@/-])`, "g");
  const keys = texts.flatMap((text) => text.match(pattern) || [])
    .filter((key) => namespaces.includes(key.split(".")[0]));
  const all = texts.join("\\n");
  const english = words.filter((word) => new RegExp(`\\\\b${word}\\\\b`).test(all));
  // A value the code forgot to check, written out as text ("null", "undefined", "[object Object]", "NaN").
  const leaks = texts.filter((text) => /^(null|undefined|NaN)$|\\[object Object\\]|\\bundefined\\b/.test(text));
  return { width: document.scrollingElement.scrollWidth, narrow, keys, english, leaks };
}"""


async def page_problems(page, width: int, lang: str, strings: dict) -> list[str]:
    """What a person would call broken on the page as it is now, one line each (empty: nothing)."""
    namespaces = sorted({key.split(".")[0] for key in strings["en"]})
    words = ENGLISH_CHROME if lang != "en" else []
    found = await page.evaluate(_INSPECT, [KEY_LIKE.pattern, namespaces, words])
    problems = []
    if found["width"] > width:
        problems.append(f"scrolls sideways: {found['width']}px wide in {width}px")
    problems += [f"narrower than three characters: {n}" for n in found["narrow"][:8]]
    problems += [f"untranslated key: {k}" for k in found["keys"]]
    problems += [f"English in {lang}: {w!r}" for w in found["english"]]
    problems += [f"a value written out as text: {text[:60]!r}" for text in found["leaks"]]
    results = await _axe.run(page)
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:4]
            problems.append(f"axe {v['id']} ({v['impact']}): {v['help']} {targets}")
    return problems
