"""Issue 14, what would make an official distrust the app in the first minutes: the thread's end
under the composer, many-city spaces, the admin's home, the pair-cities checklist, phone widths,
raw markdown, an unsupported locale, and an audit log people can read. Each test measures what
a person sees (boxes in the viewport), not only what the DOM holds."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")

MARKDOWN = "We **doubled** the *welcome desk* hours, see [the plan](https://example.org/plan) and `form A`."

# Every text node of at least three characters in `root`: how many lines it takes and how many
# words it has. A word broken over lines (one letter per line) takes more lines than it has words.
BROKEN_WORDS = """(root) => {
  const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 3 || !node.parentElement.offsetParent) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (tops.size > text.split(/\\s+/).length) broken.push(`${text} (${tops.size} lines)`);
  }
  return broken;
}"""


def box_inside(box, top, bottom):
    return box is not None and box["y"] >= top - 1 and box["y"] + box["height"] <= bottom + 1


async def composer_top(page):
    return (await page.locator(".composer-slot").bounding_box())["y"]


async def test_thread_end_typing_and_new_messages_stay_above_the_composer(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": "Welcome desks in both cities", "body": "Opening the thread."},
    )
    for n in range(30):
        member.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": f"Point number {n}"})
    s = await sessions("member@danang.test")
    await s.goto(f"/threads/{thread['id']}")
    last = s.page.locator(".message", has_text="Point number 29")
    await expect(last).to_be_visible()
    await wait_live(s.page)
    await s.page.wait_for_timeout(300)
    # Opened at the real end: the newest message is whole, above the sticky composer.
    assert box_inside(await last.bounding_box(), 0, await composer_top(s.page))
    # A date line before the day's first message; the full date on hover of a time.
    await expect(s.page.locator(".day-divider")).to_have_count(1)
    await expect(last.locator("time")).to_have_attribute("title", re.compile(r"\b20\d\d\b"))
    # The title stays in view.
    assert box_inside(await s.page.get_by_role("heading", name="Welcome desks in both cities").bounding_box(), 0, 800)

    # After sending, the sent message is the one above the composer.
    await s.page.get_by_role("textbox", name="Message").fill("Sent by me")
    await s.page.keyboard.press("Enter")
    mine = s.page.locator(".message:not(.pending)", has_text="Sent by me")
    await expect(mine).to_be_visible()
    await s.page.wait_for_timeout(300)
    assert box_inside(await mine.bounding_box(), 0, await composer_top(s.page))

    # Someone else types: the line shows above the composer, inside the viewport.
    moderator = await sessions("mod@antwerpen.test")
    await moderator.goto(f"/threads/{thread['id']}")
    await wait_live(moderator.page)
    await moderator.page.get_by_role("textbox", name="Message").press_sequentially("Let me answer")
    typing = s.page.locator(".typing")
    await expect(typing).to_contain_text("Mieke Moderator")
    typing_box = await typing.bounding_box()
    assert box_inside(typing_box, 0, await composer_top(s.page) + 1), typing_box

    # Scrolled up, a new message does not move me: a "New messages" button takes me to it.
    await s.page.locator(".message", has_text="Point number 2").first.scroll_into_view_if_needed()
    await s.page.evaluate("() => { document.querySelector('.message-scroller').scrollTop = 0; window.scrollTo(0, 0); }")
    await s.page.wait_for_timeout(200)
    api("mod@antwerpen.test").call(
        "POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": "An answer from Antwerp"}
    )
    jump = s.page.get_by_role("button", name=re.compile("New messages"))
    await expect(jump).to_be_visible()
    await assert_accessible(s.page, "thread with the new messages button")
    await s.screenshot("30-thread-new-messages-button")
    await jump.click()
    answer = s.page.locator(".message", has_text="An answer from Antwerp")
    await s.page.wait_for_timeout(400)
    assert box_inside(await answer.bounding_box(), 0, await composer_top(s.page))
    await expect(jump).to_be_hidden()
    await s.screenshot("31-thread-end")


def six_city_space(api, world):
    admin = api("admin@citybridge.test")
    more = [
        admin.call("POST", "/api/cities", 201, json=city)
        for city in (
            {"name": "Rotterdam", "country": "Netherlands", "region": "South Holland", "profile": "traditional"},
            {"name": "Thessaloniki", "country": "Greece", "region": "Central Macedonia", "profile": "newer"},
            {"name": "Gaziantep", "country": "Türkiye", "region": "Southeastern Anatolia", "profile": "newer"},
        )
    ]
    ids = [c["id"] for c in world.cities] + [c["id"] for c in more]
    return admin.call(
        "POST",
        "/api/spaces",
        201,
        json={"name": "Six cities on reception", "city_ids": ids, "visibility": "network", "themes": ["housing"]},
    )


@pytest.mark.parametrize("width", [1280, 375])
async def test_spaces_of_many_cities_wrap_as_chips(world, sessions, api, width):
    space = six_city_space(api, world)
    s = await sessions("admin@citybridge.test", width=width, height=800)
    await s.goto("/")
    card = s.page.locator(".space-card", has_text="Six cities on reception")
    await expect(card).to_contain_text("Gaziantep")
    assert await s.page.evaluate(BROKEN_WORDS, "main") == []
    await assert_fits(s.page, width)
    await s.screenshot(f"32-home-six-cities-{width}")
    await s.goto(f"/spaces/{space['id']}")
    header = s.page.locator(".space-header")
    await expect(header).to_contain_text("Thessaloniki")
    # Six cities are a list of chips, not a grid of pairs joined by arrows.
    await expect(header.locator(".pair-link")).to_have_count(0)
    await expect(header.get_by_role("list", name=re.compile("Cities"))).to_be_visible()
    assert await s.page.evaluate(BROKEN_WORDS, "main") == []
    await assert_fits(s.page, width)
    await assert_accessible(s.page, f"six-city space at {width}px")
    await s.screenshot(f"33-space-six-cities-{width}")
    await s.goto("/admin#spaces")
    await expect(s.page.locator("#panel-spaces")).to_contain_text("Six cities on reception")
    assert await s.page.evaluate(BROKEN_WORDS, "main") == []
    await assert_fits(s.page, width)


async def test_admin_home_separates_members_only_spaces(world, sessions):
    s = await sessions("admin@citybridge.test")
    await s.goto("/")
    await expect(s.page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    await expect(s.page.get_by_text("No spaces yet")).to_have_count(0)
    network = s.page.get_by_role("region", name="Open to the whole network")
    await expect(network).to_contain_text("Open network")
    await expect(network).not_to_contain_text("Antwerp – Da Nang")
    members_only = s.page.get_by_role("region", name="Members-only spaces")
    await expect(members_only).to_contain_text("Antwerp – Da Nang")
    await expect(members_only).to_contain_text("Toronto – Da Nang")
    await assert_accessible(s.page, "admin home")
    await s.screenshot("34-home-admin")


async def test_pair_cities_checklist_fits_at_1280(world, sessions, api):
    admin = api("admin@citybridge.test")
    for n, name in enumerate(
        ["Sint-Niklaas-Waasland Metropolitan", "Villanueva de la Cañada", "Saint-Étienne-du-Rouvray"]
    ):
        admin.call(
            "POST",
            "/api/cities",
            201,
            json={"name": f"{name} {n}", "country": "Somewhere Far Away Republic", "profile": "newer"},
        )
    s = await sessions("admin@citybridge.test")
    await s.goto("/admin#spaces")
    labels = s.page.locator('#panel-spaces [data-field="city_ids"] .check-grid label')
    await expect(labels).to_have_count(6)
    await assert_fits(s.page, 1280)
    boxes = [await labels.nth(i).bounding_box() for i in range(6)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"] + 1
                or b["x"] + b["width"] <= a["x"] + 1
                or a["y"] + a["height"] <= b["y"] + 1
                or b["y"] + b["height"] <= a["y"] + 1
            )
            assert apart, f"checklist labels overlap: {a} {b}"
    # Each label's content stays inside its own box.
    assert await s.page.evaluate(
        "() => [...document.querySelectorAll('#panel-spaces [data-field=\"city_ids\"] .check-grid label')]"
        ".every((label) => label.scrollWidth <= label.clientWidth + 1)"
    )
    await s.screenshot("35-admin-pair-cities")


async def test_phone_width_tabs_forms_tables_facets_and_composer(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST", f"/api/spaces/{world.space_a['id']}/threads", 201, json={"title": "Phones", "body": "Short."}
    )
    s = await sessions("mod@antwerpen.test", width=375, height=740)
    await s.goto(f"/spaces/{world.space_a['id']}")
    tab = s.page.get_by_role("link", name="Moderation")
    await expect(tab).to_be_visible()
    box = await tab.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert await tab.evaluate("(a) => a.scrollWidth <= a.clientWidth + 1")
    await s.goto(f"/threads/{thread['id']}")
    composer = s.page.locator(".composer-slot")
    await expect(composer).to_be_visible()
    assert (await composer.bounding_box())["height"] <= 740 * 0.25
    await expect(composer).not_to_contain_text("Enter")
    await s.screenshot("36-thread-375")
    await s.goto("/search?q=Short")
    await expect(s.page.locator(".result").first).to_be_visible()
    # Facets wait in a drawer: the first result is on the first screen.
    assert (await s.page.locator(".result").first.bounding_box())["y"] < 740
    await s.page.get_by_role("button", name=re.compile("Filters")).click()
    await expect(s.page.locator(".facet").first).to_be_visible()
    await assert_fits(s.page, 375)
    await s.screenshot("37-search-375")

    admin = await sessions("admin@citybridge.test", width=375, height=740)
    await admin.goto("/admin")
    await expect(admin.page.locator("table")).to_be_visible()
    await assert_fits(admin.page, 375)
    # Every cell of the cities table is within the screen (no clipped column to scroll to).
    assert await admin.page.evaluate(
        "() => [...document.querySelectorAll('#panel-cities td, #panel-cities th')]"
        ".every((cell) => cell.getBoundingClientRect().right <= 376)"
    )
    await admin.screenshot("38-admin-cities-375")
    await admin.page.get_by_role("tab", name="Invitations").click()
    email = admin.page.locator("#panel-invitations").get_by_label("Email")
    await expect(email).to_be_visible()
    assert await admin.page.evaluate(
        "() => [...document.querySelectorAll('#panel-invitations input, #panel-invitations select, "
        "#panel-invitations button')].every((el) => el.getBoundingClientRect().right <= 376)"
    )
    await assert_fits(admin.page, 375)
    await admin.screenshot("39-admin-invitations-375")


async def test_flag_excerpts_and_practice_drafts_show_text_not_markdown(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST", f"/api/spaces/{world.space_a['id']}/threads", 201, json={"title": "Desk hours", "body": MARKDOWN}
    )
    moderator = api("mod@antwerpen.test")
    moderator.call(
        "POST", f"/api/messages/{thread['first_message']['id']}/flags", 201, json={"reason": "Check the link"}
    )
    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/spaces/{world.space_a['id']}/moderation")
    excerpt = s.page.locator(".flag blockquote").first
    await expect(excerpt).to_contain_text("We doubled the welcome desk hours")
    text = await excerpt.inner_text()
    assert "**" not in text and "](" not in text and "`" not in text, text
    await s.goto(f"/spaces/{world.space_a['id']}/library?new=practice&thread={thread['id']}")
    summary = s.page.get_by_label("Summary")
    await expect(summary).to_have_value(re.compile("We doubled the welcome desk hours"))
    value = await summary.input_value()
    assert "**" not in value and "](" not in value, value


async def test_an_unsupported_locale_is_named_and_kept(world, sessions, api):
    member = api("member@danang.test")
    member.call("PATCH", "/api/me", json={"locale": "nl"})
    s = await sessions("member@danang.test", locale="nl-BE")
    await s.goto("/settings")
    await expect(s.page.get_by_role("heading", name="Profile and language")).to_be_visible()
    # Said in the UI: Dutch is not available, and which language is shown instead.
    notice = s.page.locator(".notice", has_text="Nederlands")
    await expect(notice).to_contain_text("English")
    await assert_accessible(s.page, "settings with an unsupported locale")
    await s.screenshot("40-settings-unsupported-locale")
    await s.page.get_by_role("textbox", name="Position").fill("Welcome desk")
    await s.page.get_by_role("button", name="Save", exact=True).click()
    await expect(s.page.get_by_text("Your profile is saved")).to_be_visible()
    assert member.call("GET", "/api/me")["locale"] == "nl"


async def test_audit_log_reads_as_sentences_with_links_and_follows_live(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST", f"/api/spaces/{world.space_a['id']}/threads", 201, json={"title": "Rumours", "body": "Is it true?"}
    )
    message = member.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": "Spam spam"})
    moderator = api("mod@antwerpen.test")
    moderator.call("PATCH", "/api/me", json={"locale": "fr"})
    moderator.call("POST", f"/api/messages/{message['id']}/hide", json={"reason": "Advertising"})
    admin = api("admin@citybridge.test")
    admin.call("POST", f"/api/messages/{thread['first_message']['id']}/flags", 201, json={"reason": "Unclear"})
    s = await sessions("mod@antwerpen.test", locale="fr-FR")
    await s.goto(f"/spaces/{world.space_a['id']}/moderation")
    audit = s.page.locator(".audit")
    entry = audit.locator("li", has_text="Mieke Moderator")
    await expect(entry).to_contain_text("a masqué un message")
    await expect(entry).to_contain_text("Advertising")
    await expect(entry.get_by_role("link")).to_have_attribute("href", f"/threads/{thread['id']}#m{message['id']}")
    await expect(entry.locator("time")).to_have_attribute("title", re.compile(r"\d{4}"))
    await expect(audit).not_to_contain_text("message.hidden")
    await wait_live(s.page)
    # Another moderator's action arrives without a reload.
    flags = moderator.call("GET", f"/api/spaces/{world.space_a['id']}/flags")["items"]
    moderator.call("POST", f"/api/flags/{flags[0]['id']}/resolve", json={"action": "dismiss", "note": "Clear enough"})
    await expect(audit.locator("li", has_text="Clear enough")).to_contain_text("a traité un signalement")
    await expect(audit.locator("li", has_text="Clear enough").get_by_role("link")).to_have_attribute(
        "href", f"/threads/{thread['id']}#m{thread['first_message']['id']}"
    )
    await assert_accessible(s.page, "audit log in French")
    await s.screenshot("41-audit-fr")


async def test_the_author_edits_a_threads_title_and_themes_and_others_see_it_live(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": "Desk hourz", "body": "Typo in the title.", "themes": ["housing"]},
    )
    reader = await sessions("mod@antwerpen.test")
    await reader.goto(f"/threads/{thread['id']}")
    await expect(reader.page.get_by_role("heading", name="Desk hourz")).to_be_visible()
    await wait_live(reader.page)
    s = await sessions("member@danang.test")
    await s.goto(f"/threads/{thread['id']}")
    await s.page.get_by_role("button", name="Edit title and themes").click()
    form = s.page.get_by_role("form", name="Edit the thread")
    await form.get_by_label("Title").fill("Desk hours")
    await form.get_by_label("Employment").check()
    await form.get_by_label("Housing").uncheck()
    await assert_accessible(s.page, "thread title edit")
    await s.screenshot("42-thread-edit")
    await form.get_by_role("button", name="Save").click()
    await expect(s.page.get_by_role("heading", name="Desk hours")).to_be_visible()
    await expect(form).to_be_hidden()
    themes = s.page.locator(".thread-header").get_by_role("list", name="Themes")
    await expect(themes).to_have_text("Employment")
    # The moderator's open page follows without a reload.
    await expect(reader.page.get_by_role("heading", name="Desk hours")).to_be_visible()
    await reader.page.get_by_role("link", name="Antwerp – Da Nang").first.click()
    row = reader.page.locator(".thread-row", has_text="Desk hours")
    await expect(row).to_contain_text("last message by Nguyen Member")  # the row says who spoke last, and when
    await expect(row.locator("time")).to_have_attribute("title", re.compile(r"\b20\d\d\b"))
    await reader.page.go_back()
    await expect(reader.page.get_by_role("heading", name="Desk hours")).to_be_visible()
    await expect(reader.page.locator(".thread-header").get_by_role("list", name="Themes")).to_have_text("Employment")
    assert member.call("GET", f"/api/threads/{thread['id']}")["themes"] == ["employment"]


async def test_space_settings_are_saved_and_reach_members_live(world, sessions, api):
    member = await sessions("member@danang.test")
    await member.goto("/")
    await expect(member.page.get_by_role("heading", name="Welcome, Nguyen")).to_be_visible()
    await wait_live(member.page)
    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/spaces/{world.space_a['id']}/moderation")
    await s.page.get_by_role("link", name="Settings", exact=True).click()
    form = s.page.get_by_role("form", name="Settings of the space")
    # A moderator edits name, description and themes; cities and visibility are the admins'.
    await expect(form.get_by_label("Who can read it")).to_have_count(0)
    await form.get_by_label("Name of the space").fill("Antwerp – Da Nang reception")
    await form.get_by_label("Description").fill("Two cities compare their first weeks of reception.")
    await form.get_by_label("Education").check()
    await assert_accessible(s.page, "space settings")
    await s.screenshot("43-space-settings")
    await form.get_by_role("button", name="Save").click()
    await expect(s.page.get_by_role("heading", name="Antwerp – Da Nang reception", level=1)).to_be_visible()
    # The member's home and sidebar follow without a reload.
    await expect(member.page.locator(".space-card", has_text="Antwerp – Da Nang reception")).to_contain_text(
        "Two cities compare"
    )
    await expect(member.page.get_by_role("navigation", name="Spaces")).to_contain_text("Antwerp – Da Nang reception")
    saved = api("mod@antwerpen.test").call("GET", f"/api/spaces/{world.space_a['id']}")
    assert sorted(saved["themes"]) == ["education", "housing"]

    admin = await sessions("admin@citybridge.test", width=375, height=740)
    await admin.goto("/admin#spaces")
    await admin.page.get_by_role("link", name="Settings of Antwerp – Da Nang reception").click()
    admin_form = admin.page.get_by_role("form", name="Settings of the space")
    await admin_form.get_by_label("Who can read it").select_option("network")
    await admin_form.get_by_label("Toronto").check()
    await admin_form.get_by_role("button", name="Save").click()
    await expect(admin.page.locator(".space-header")).to_contain_text("Toronto")
    await assert_fits(admin.page, 375)
    await admin.screenshot("44-space-settings-admin-375")
    assert api("admin@citybridge.test").call("GET", f"/api/spaces/{world.space_a['id']}")["visibility"] == "network"


async def test_a_library_entry_is_edited_flagged_and_deleted(world, sessions, api):
    member = api("member@danang.test")
    link = member.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/resources",
        201,
        json={"kind": "link", "title": "Welcom guide", "url": "https://example.org/guide", "themes": ["housing"]},
    )
    # Another reader flags it for the moderators.
    moderator = await sessions("mod@antwerpen.test")
    await moderator.goto(f"/resources/{link['id']}")
    await moderator.page.get_by_role("button", name="Flag").click()
    await moderator.page.get_by_label("What is wrong with this entry?").fill("Typo in the title")
    await moderator.page.get_by_role("button", name="Send to moderators").click()
    await expect(moderator.page.get_by_text("The moderators will look at it")).to_be_visible()
    flags = api("mod@antwerpen.test").call("GET", f"/api/spaces/{world.space_a['id']}/flags")["items"]
    assert [f["target"]["id"] for f in flags] == [link["id"]]
    await wait_live(moderator.page)

    # The author edits it; the moderator's open page follows.
    s = await sessions("member@danang.test")
    await s.goto(f"/resources/{link['id']}")
    await expect(s.page.get_by_role("button", name="Flag")).to_have_count(0)  # not one's own entry
    await s.page.get_by_role("button", name="Edit", exact=True).click()
    form = s.page.get_by_role("form", name="Edit the library entry")
    await form.get_by_label("Title").fill("Welcome guide")
    await form.get_by_label("Summary").fill("What a newcomer needs in the first week.")
    await assert_accessible(s.page, "library entry edit")
    await s.screenshot("45-resource-edit")
    await form.get_by_role("button", name="Save").click()
    await expect(s.page.get_by_role("heading", name="Welcome guide", level=1)).to_be_visible()
    await expect(s.page.get_by_text("What a newcomer needs in the first week.")).to_be_visible()
    await expect(moderator.page.get_by_role("heading", name="Welcome guide", level=1)).to_be_visible()

    # And deletes it: back to the library, where it is gone.
    await s.page.get_by_role("button", name="Delete").click()
    await s.page.get_by_role("group", name="Delete").get_by_role("button", name="Delete").click()
    await expect(s.page).to_have_url(re.compile(f"/spaces/{world.space_a['id']}/library$"))
    await expect(s.page.locator(".resource", has_text="Welcome guide")).to_have_count(0)
    member.call("GET", f"/api/resources/{link['id']}", 404)
