"""A whole workshop in real Chromium: a facilitator, a projector and ten phones, no reloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from app.web.i18n import format_money_short
from app.web.labels import PHASES
from tests.browser.conftest import (
    LAPTOP,
    LOCALES,
    NAMES,
    PHONE,
    PROJECTOR,
    join,
    next_phase,
    open_page,
    plural,
    propose,
    shot,
    start_workshop,
    text,
    vote,
)
from tests.support import Server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_facilitator_a_projector_and_ten_phones_run_a_whole_round(
    browser: Browser, server: Server, lang: str
) -> None:
    locale = LOCALES[lang]
    console = open_page(browser, LAPTOP, locale)
    code, screen_url = start_workshop(console, server, lang=lang)
    shot(console, f"console-start-{lang}")

    screen = open_page(browser, PROJECTOR, locale)
    screen.goto(screen_url)
    expect(screen.locator(".join-panel .code")).to_contain_text(code)
    assert screen.locator(".qr svg").count() == 1

    phones = [open_page(browser, PHONE, locale) for _ in NAMES]
    phones[0].goto(f"{server.base}/j/{code}")
    shot(phones[0], f"phone-join-{lang}")
    for phone, name in zip(phones, NAMES, strict=True):
        join(phone, server, code, name)
    for page in [console, screen, *phones]:
        page.evaluate("window.__noReload = true")
    expect(screen.locator(".join-panel")).to_contain_text(
        plural(lang, "%(num)s has joined", "%(num)s have joined", 10)
    )
    expect(phones[0].locator("#stage")).to_contain_text(text(lang, "Waiting for the facilitator…"))

    # Proposals: the phones get the form live; the screen shows each proposal as it comes.
    next_phase(console, text(lang, PHASES["proposing"]))
    for phone in phones:
        expect(phone.locator("#proposal-form")).to_be_visible()
    phones[3].locator("#proposal-form button[type=submit]").click()
    expect(phones[3].locator("#p-title-error")).to_have_text(text(lang, "Write what it is called."))
    twelve_thousand = {"da": "12.000", "en": "12,000"}[lang]  # each language's own way
    propose(phones[0], "Kørekort", twelve_thousand, "Så kan jeg tage job som chauffør.", "licence")
    propose(phones[1], "Bærbar", "6000", "Jeg skal bruge den på VUC.", "equipment")
    propose(phones[2], "Buskort", "4.000,00", "Så kan jeg komme til praktik.", "transport")
    for title in ("Kørekort", "Bærbar", "Buskort"):
        expect(screen.locator("#screen .cards")).to_contain_text(title)
    expect(phones[9].locator("#proposal-list")).to_contain_text("Buskort")
    shot(screen, f"screen-proposing-{lang}")
    shot(phones[0], f"phone-proposing-{lang}")

    # Talk it over: comments arrive live; a hurtful one is hidden everywhere at once.
    next_phase(console, text(lang, PHASES["discussing"]))
    laptop_card = phones[3].locator("li.card", has_text="Bærbar")
    laptop_card.locator("textarea").fill("God idé, den kan bruges til meget.")
    laptop_card.get_by_role("button", name=text(lang, "Comment")).click()
    expect(phones[0].locator("li.card", has_text="Bærbar")).to_contain_text("God idé")
    rude = phones[4].locator("li.card", has_text="Kørekort")
    rude.locator("textarea").fill("Dumt forslag")
    rude.get_by_role("button", name=text(lang, "Comment")).click()
    expect(phones[0].locator("li.card", has_text="Kørekort")).to_contain_text("Dumt forslag")
    hide = text(lang, "Hide")
    console.locator("li", has_text="Dumt forslag").get_by_role("button", name=hide).click()
    expect(phones[0].locator("li.card", has_text="Kørekort")).not_to_contain_text("Dumt forslag")
    expect(phones[4].locator("li.card", has_text="Kørekort")).not_to_contain_text("Dumt forslag")
    expect(screen.locator("body")).not_to_contain_text("Dumt forslag")
    shot(phones[3], f"phone-discussing-{lang}")
    shot(console, f"console-discussing-{lang}")

    # Voting: the screen counts ballots, never shows them.
    next_phase(console, text(lang, PHASES["voting"]))
    approvals = {i: [] for i in range(10)}  # type: dict[int, list[str]]
    for i in range(0, 6):
        approvals[i].append("Kørekort")
    for i in range(3, 10):
        approvals[i].append("Buskort")
    for i in (1, 2):
        approvals[i].append("Bærbar")
    for i, phone in enumerate(phones):
        vote(phone, approvals[i], lang)
        expect(screen.locator("#screen-voted")).to_have_text(
            text(lang, "%(ballots)s of %(members)s have voted", ballots=i + 1, members=10)
        )
    shot(phones[5], f"phone-voting-{lang}")
    shot(screen, f"screen-voting-{lang}")

    # Closed: greedy by approvals within 15.000 kr.: Buskort (7), then Kørekort (6) no longer
    # fits, then Bærbar (2) does.
    next_phase(console, text(lang, PHASES["closed"]))
    result = screen.locator("#screen .result")
    expect(result.locator(".funded")).to_have_count(2)
    funded = "Funded: {approvals} of {voters} approved it."
    expect(result).to_contain_text(text(lang, funded, approvals=7, voters=10))
    not_funded = "Not funded: only {left} was left and it costs {amount}."
    short = {"left": format_money_short(11_000_00, "DKK", lang)}  # the projector: whole kroner
    short["amount"] = format_money_short(12_000_00, "DKK", lang)
    expect(result.locator(".not-funded")).to_contain_text(text(lang, not_funded, **short))
    for phone in phones:
        expect(phone.locator("#stage .result .funded")).to_have_count(2)
    expect(phones[0].locator("#stage .result .not-funded")).to_contain_text(
        text(lang, not_funded, left_kr=11_000_00, amount_kr=12_000_00)
    )
    shot(screen, f"screen-result-{lang}")
    shot(phones[0], f"phone-result-{lang}")
    shot(console, f"console-result-{lang}")

    for page in [console, screen, *phones]:
        assert page.evaluate("window.__noReload") is True  # nothing was reloaded
        assert page.js_errors == []  # type: ignore[attr-defined]
    pot = screen.locator(".pot").inner_text()
    reserved = format_money_short(10_000_00, "DKK", lang)  # 4.000 + 6.000, whole kroner
    assert f"{text(lang, 'Reserved')}\n{reserved}" in pot
    assert format_money_short(50_000_00, "DKK", lang) in pot


def test_tap_targets_are_big_enough_and_a_320px_phone_does_not_scroll_sideways(
    browser: Browser, server: Server
) -> None:
    console = open_page(browser, LAPTOP)
    code, _ = start_workshop(console, server)
    next_phase(console, "Forslag")
    phone = open_page(browser, {"width": 320, "height": 640})
    join(phone, server, code, "Lille")
    propose(phone, "Kursus i Excel", "1500", "Det står i mange jobopslag.", "course")
    next_phase(console, "Snak om det")
    next_phase(console, "Afstemning")
    expect(phone.locator("#ballot-form")).to_be_visible()
    too_small = phone.evaluate(
        """() => [...document.querySelectorAll(
                'button, input:not([type=checkbox]):not([type=hidden]), select, textarea,'
                + ' label.tap')]
             .filter(el => el.offsetParent !== null)
             .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
             .filter(([, h]) => h < 44)"""
    )
    assert too_small == []
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 320
    shot(phone, "phone-320-voting")
