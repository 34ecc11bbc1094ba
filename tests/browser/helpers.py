"""Checks the browser tests share: accessibility with axe-core, and a layout that fits."""

from __future__ import annotations

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
