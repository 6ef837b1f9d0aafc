"""axe-core finds no violation in any report, on a desktop screen or a 390 px phone.

axe-core's script comes inside the axe-playwright-python package (nothing is fetched); it
runs in Debian's chromium on the reports rendered once by conftest's ``rendered`` fixture.
"""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation(rendered, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = []
    for path in sorted(p for p in rendered.rglob("*.html") if "_failed" not in p.parts):
        page.goto(path.as_uri())
        for v in axe.run(page).response["violations"]:
            found.append(
                f"{path.relative_to(rendered)}: {v['id']} ({len(v['nodes'])}): {v['help']}"
            )
    page.close()
    assert found == [], "\n".join(found)
