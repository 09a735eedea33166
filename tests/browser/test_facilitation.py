"""The facilitator's tools in the browser: timer, spotlight, removing a member; and user text
that looks like HTML stays text everywhere, including in pushed fragments."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    join,
    next_phase,
    open_page,
    propose,
    shot,
    start_workshop,
)
from tests.support import Server

pytestmark = pytest.mark.browser

NASTY = '<img src=x onerror="window.__pwned=1">'


def test_timer_spotlight_and_removing_a_member(browser: Browser, server: Server) -> None:
    console = open_page(browser, LAPTOP)
    code, screen_url = start_workshop(console, server)
    screen = open_page(browser, PROJECTOR)
    screen.goto(screen_url)
    phone, troll = open_page(browser, PHONE), open_page(browser, PHONE)
    join(phone, server, code, "Maja")
    join(troll, server, code, "Troll")
    expect(console.locator("#console-live .members")).to_contain_text("Troll")
    expect(console.locator("#console-live .members .online")).to_have_count(2)
    next_phase(console, "Forslag")
    propose(phone, f"Kursus {NASTY}", "2000", f"Fordi {NASTY}", "course")
    expect(screen.locator("#screen .cards")).to_contain_text(NASTY)  # shown as text

    console.get_by_role("button", name="5 min").click()
    expect(screen.locator(".timer")).to_have_text(re.compile(r"^[45]:\d\d$"))
    console.get_by_role("button", name="Stop nedtællingen").click()
    expect(screen.locator(".timer")).to_have_count(0)

    console.get_by_role("button", name="I fokus").click()  # a toggle: Danish, not "Spotlight"
    expect(screen.locator(".spotlight")).to_contain_text(f"Fordi {NASTY}")
    shot(screen, "screen-spotlight")
    console.get_by_role("button", name="I fokus", pressed=True).click()
    expect(screen.locator(".spotlight")).to_have_count(0)

    console.locator(".members li", has_text="Troll").get_by_role("button", name="Fjern").click()
    troll.wait_for_url(re.compile(r".*/j(/.*)?$"))  # sent back to the join page at once
    expect(console.locator("#console-live .members")).not_to_contain_text("Troll")
    removed = troll.context.request.get(f"{server.base}/m", max_redirects=0)
    assert removed.status == 303  # the cookie no longer works
    for page in (console, screen, phone):
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src=x]").count() == 0
