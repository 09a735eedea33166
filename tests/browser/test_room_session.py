"""A whole session in a real room, in real Chromium: a facilitator on a laptop, the projector
at 1920 by 1080, ten phones (one at 320 px), two rounds and a caseworker. The projector never
scrolls, no page reloads, and no page writes an error to its console."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from app.web.i18n import format_day
from app.web.labels import FATES, PHASES
from tests.browser.conftest import (
    LAPTOP,
    LOCALES,
    NAMES,
    PHONE,
    PROJECTOR,
    join,
    next_phase,
    open_page,
    projector_fits,
    propose,
    shot,
    start_workshop,
    text,
    vote,
)
from tests.support import Server

pytestmark = pytest.mark.browser

SMALL = {"width": 320, "height": 640}
CASEWORKER = ("sagsbehandler@session.dk", "a caseworker's long password")
KRONER = {  # amounts as a person writes them in each language
    "da": {"12000": "12.000", "6000": "6000", "4000": "4.000,00", "1500": "1.500",
           "20000": "20.000"},
    "en": {"12000": "12,000", "6000": "6000", "4000": "4,000.00", "1500": "1,500",
           "20000": "20,000"},
}  # fmt: skip


def _close_question(console: Page) -> str:
    """What the console will ask before it closes the current round (its hx-confirm)."""
    button = console.locator("#console-live .round-row").last.locator("button.primary")
    return button.get_attribute("hx-confirm") or ""


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_whole_session_with_ten_phones_two_rounds_and_a_caseworker(
    browser: Browser, server: Server, lang: str
) -> None:
    server.user(CASEWORKER[0], CASEWORKER[1], "approver")
    locale, kr = LOCALES[lang], KRONER[lang]
    console = open_page(browser, LAPTOP, locale)
    code, screen_url = start_workshop(console, server, lang=lang)
    screen = open_page(browser, PROJECTOR, locale)
    screen.goto(screen_url)
    projector_fits(screen, f"session-screen-joining-{lang}")

    phones = [open_page(browser, SMALL if i == 9 else PHONE, locale) for i in range(10)]
    for phone, name in zip(phones, NAMES, strict=True):
        join(phone, server, code, name)
    pages = [console, screen, *phones]
    for page in pages:
        page.evaluate("window.__noReload = true")

    # Round 1. Proposals with how each helps, on the screen as they come.
    next_phase(console, text(lang, PHASES["proposing"]))
    propose(phones[0], "Kørekort", kr["12000"], "Så kan jeg tage job som chauffør.", "licence")
    propose(phones[1], "Bærbar", kr["6000"], "Jeg skal bruge den på VUC.", "equipment")
    propose(phones[9], "Buskort", kr["4000"], "Så kan jeg komme til praktik.", "transport")
    for how in ("Så kan jeg tage job som chauffør.", "Så kan jeg komme til praktik."):
        expect(screen.locator("#screen .cards")).to_contain_text(how)
    projector_fits(screen, f"session-screen-proposing-{lang}")
    shot(phones[9], f"session-phone-320-proposing-{lang}")

    # Talk it over, with a proposal in focus and a timer on every screen.
    next_phase(console, text(lang, PHASES["discussing"]))
    card = phones[3].locator("li.card", has_text="Bærbar")
    card.locator("textarea").fill("God idé, den kan bruges til meget.")
    card.get_by_role("button", name=text(lang, "Comment")).click()
    expect(phones[0].locator("li.card", has_text="Bærbar")).to_contain_text("God idé")
    expect(screen.locator("body")).not_to_contain_text("God idé")  # comments stay on phones
    console.locator("li[id^=console-proposal-]", has_text="Kørekort").get_by_role(
        "button", name=text(lang, "Spotlight")
    ).click()
    console.get_by_role("button", name=text(lang, "%(minutes)s min", minutes=5)).click()
    expect(screen.locator(".spotlight")).to_contain_text("Kørekort")
    expect(phones[9].locator("#status")).to_contain_text("Kørekort")
    expect(phones[9].locator("#status .timer")).to_be_visible()
    projector_fits(screen, f"session-screen-discussing-{lang}")
    shot(phones[9], f"session-phone-320-discussing-{lang}")

    # Voting: moving on ends the focus and the timer; the screen counts, never shows, ballots.
    next_phase(console, text(lang, PHASES["voting"]))
    expect(screen.locator(".spotlight")).to_have_count(0)
    expect(screen.locator(".timer")).to_have_count(0)
    expect(phones[9].locator("#status .timer")).to_have_count(0)
    picks = {i: ["Buskort"] if i >= 3 else ["Kørekort"] for i in range(10)}
    picks[1] = picks[2] = ["Kørekort", "Bærbar"]
    for i, phone in enumerate(phones):
        vote(phone, picks[i], lang)
        expect(screen.locator("#screen-voted")).to_have_text(
            text(lang, "%(ballots)s of %(members)s have voted", ballots=i + 1, members=10)
        )
    expect(screen.locator(".all-voted")).to_have_text(text(lang, "Everyone has voted!"))
    projector_fits(screen, f"session-screen-voting-{lang}")
    shot(phones[9], f"session-phone-320-voting-{lang}")

    # Closing asks with the count; the result is revealed with each proposal's reason.
    assert _close_question(console) == text(
        lang, "All {members} have voted. Close the round and show the result?", members=10
    )
    next_phase(console, text(lang, PHASES["closed"]))
    result = screen.locator("#screen .result")
    expect(result.locator(".funded")).to_have_count(2)  # Buskort (7), then Bærbar (2) fits
    expect(result).to_contain_text(
        text(lang, "Funded: {approvals} of {voters} approved it.", approvals=7, voters=10)
    )
    screen.wait_for_timeout(3000)  # the reveal plays out
    projector_fits(screen, f"session-screen-result-{lang}")
    for phone in phones:
        expect(phone.locator("#stage .result .funded")).to_have_count(2)
    shot(phones[9], f"session-phone-320-result-{lang}")

    # The caseworker lands on the decisions, approves Buskort; the phones follow.
    caseworker = open_page(browser, LAPTOP, locale)
    caseworker.goto(f"{server.base}/f/login")
    caseworker.fill("#email", CASEWORKER[0])
    caseworker.fill("#password", CASEWORKER[1])
    caseworker.locator("main button[type=submit]").click()
    caseworker.wait_for_url(re.compile(r"/f/decisions$"))
    caseworker.get_by_role("link", name="Buskort").click()
    caseworker.get_by_role("button", name=text(lang, "Approve"), exact=True).click()
    expect(caseworker.locator("h1 .pill")).to_have_text(text(lang, "Approved"))
    shot(caseworker, f"session-caseworker-approved-{lang}")
    today = format_day(datetime.now(UTC).date(), lang)
    approved = text(lang, FATES["approved"], day=today)
    expect(phones[9].locator("#fates")).to_contain_text(approved)

    # Round 2: the budget is what the facilitator types; round 1 stays on the phones.
    console.fill("#r-title", "Runde 2")
    console.fill("#r-budget", kr["20000"])
    console.get_by_role("button", name=text(lang, "Create round")).click()
    expect(console.locator("#console-live")).to_contain_text("Runde 2")
    next_phase(console, text(lang, PHASES["proposing"]))
    expect(phones[4].locator("#proposal-form")).to_be_visible()
    earlier = phones[9].locator("#earlier")
    expect(earlier).to_contain_text("Hvad skal puljen bruges til?")
    earlier.locator("summary").first.click()
    expect(earlier).to_contain_text(approved)
    propose(phones[4], "Kursus i Excel", kr["1500"], "Det står i mange jobopslag.", "course")
    next_phase(console, text(lang, PHASES["discussing"]))
    next_phase(console, text(lang, PHASES["voting"]))
    for phone in phones[:4]:
        vote(phone, ["Kursus i Excel"], lang)
    expect(screen.locator("#screen-voted")).to_have_text(
        text(lang, "%(ballots)s of %(members)s have voted", ballots=4, members=10)
    )
    assert _close_question(console) == text(
        lang, "{ballots} of {members} have voted. Close anyway?", ballots=4, members=10
    )
    next_phase(console, text(lang, PHASES["closed"]))
    expect(screen.locator("#screen .result .funded")).to_have_count(1)
    screen.wait_for_timeout(3000)
    projector_fits(screen, f"session-screen-result-2-{lang}")
    shot(phones[9], f"session-phone-320-result-2-{lang}")
    shot(console, f"session-console-end-{lang}")

    assert phones[9].evaluate("document.scrollingElement.scrollWidth") <= 320
    for page in pages:
        assert page.evaluate("window.__noReload") is True  # nothing was reloaded
        assert page.js_errors == []  # type: ignore[attr-defined]
        assert page.console_errors == []  # type: ignore[attr-defined]
    assert caseworker.console_errors == []  # type: ignore[attr-defined]
