"""Dark mode follows the system setting (prefers-color-scheme): with the browser asking for dark,
the home, a thread, the library and the settings screens are drawn dark, and axe-core (colour
contrast included) finds nothing serious on them, at a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Relative luminance (WCAG) of the computed background of the page and of the first element
# matching each selector that is shown: what a person sees behind the text.
LUMINANCE = """(selectors) => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const out = { page: lum(getComputedStyle(document.documentElement).backgroundColor),
                text: lum(getComputedStyle(document.body).color) };
  for (const selector of selectors) {
    const el = [...document.querySelectorAll(selector)].find((e) => e.checkVisibility());
    if (el) out[selector] = lum(getComputedStyle(el).backgroundColor);
  }
  return out;
}"""


async def assert_dark(page, name, *selectors):
    found = await page.evaluate(LUMINANCE, list(selectors))
    assert found["page"] < 0.05, f"{name}: the page's background is light ({found})"
    assert found["text"] > 0.6, f"{name}: the text is not light ({found})"
    for selector in selectors:
        assert selector in found, f"{name}: nothing shown matches {selector}"
        assert found[selector] < 0.05, f"{name}: {selector} is drawn light ({found})"


@pytest.mark.parametrize("width,height", [(1280, 800), (375, 740)])
async def test_dark_mode_follows_the_system_and_keeps_contrast(world, sessions, api, width, height):
    member = api("member@danang.test")
    space = world.space_a["id"]
    thread = member.call(
        "POST",
        f"/api/spaces/{space}/threads",
        201,
        json={"title": "Night buses", "body": "Who runs the **night** buses? Ask @mod@antwerpen.test `line 12`"},
    )
    api("mod@antwerpen.test").call(
        "POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": "We do, with the city > region."}
    )
    member.call(
        "POST",
        f"/api/spaces/{space}/resources",
        201,
        json={"kind": "link", "title": "Night bus map", "url": "https://example.org/map", "themes": ["housing"]},
    )
    s = await sessions("member@danang.test", width=width, height=height)
    await s.page.emulate_media(color_scheme="dark")
    screens = [
        ("home", "/", ".card, .space-card", [".card"]),
        ("thread", f"/threads/{thread['id']}", ".message", [".thread-header", ".composer"]),
        ("library", f"/spaces/{space}/library", ".resource", [".resource, .card"]),
        ("settings", "/settings", "form", ["input"]),
    ]
    for name, path, ready, panels in screens:
        await s.goto(path)
        await expect(s.page.locator(ready).first).to_be_visible()
        if name == "thread":
            await wait_live(s.page)
        await assert_dark(s.page, name, *panels)
        await assert_accessible(s.page, f"{name} in dark mode at {width}px")
        await assert_fits(s.page, width)
        await s.screenshot(f"dark-{name}-{width}")
    # The sign-in page, before anyone is signed in, is dark too.
    anonymous = await sessions(width=width, height=height)
    await anonymous.page.emulate_media(color_scheme="dark")
    await anonymous.goto("/signin")
    await expect(anonymous.page.locator("form")).to_be_visible()
    await assert_dark(anonymous.page, "sign-in", ".auth-card", "input")
    await assert_accessible(anonymous.page, f"sign-in in dark mode at {width}px")
    await anonymous.screenshot(f"dark-signin-{width}")


async def test_light_is_still_the_default(world, sessions):
    s = await sessions("member@danang.test")
    await s.page.emulate_media(color_scheme="light")
    await s.goto("/")
    await expect(s.page.locator(".card").first).to_be_visible()
    found = await s.page.evaluate(LUMINANCE, [".card"])
    assert found["page"] > 0.8 and found[".card"] > 0.9, found
