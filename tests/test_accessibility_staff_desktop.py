"""axe-core (WCAG 2.0/2.1 A and AA) on every staff page a signed-in admin can reach by following links,
in English at desktop width: the crawl of tests/test_accessibility_staff.py (which does Swedish at 360 px),
in a module of its own so the two crawls can run on different xdist workers."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import DESKTOP
from tests.test_accessibility_staff import crawl_and_check


@pytest.mark.parametrize("viewport, language", [(DESKTOP, "en")], ids=["desktop-en"])
def test_every_reachable_staff_page_passes_axe(browser, demo_site, viewport, language):
    crawl_and_check(browser, demo_site, viewport, language)
