"""Issue 10 for the staff, in real Chromium: the close button asks with the live vote count
and a new round's budget is the facilitator's (16), each role lands on its own page (18),
the caseworker's decision page (20), and the audit trail and pot in words (21)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.browser.conftest import (
    FACILITATOR,
    LAPTOP,
    LOCALES,
    PHONE,
    api_round,
    log_in,
    shot,
    text,
    to_phase,
)
from tests.support import Server

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 320, "height": 640}
APPROVER = ("sagsbehandler@browser.dk", "another long password")
ADMIN = ("admin@browser.dk", "an admin's long password")


def _quiet_page(browser: Browser, viewport: dict[str, int], locale: str = "da-DK") -> Page:
    """A page whose confirmations the test answers itself (the shared ``open_page`` says yes
    to every one)."""
    context = browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def _answer(page: Page, click: Any, *, accept: bool) -> str:
    """Click, and answer the confirmation it brings up; what it asked."""
    asked: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", on_dialog)
    click()
    for _ in range(100):  # the dialog comes with the click; a little slack for htmx
        if asked:
            break
        page.wait_for_timeout(50)
    assert asked, "no confirmation was asked"
    return asked[0]


def _voting_room(server: Server, members: int) -> dict[str, Any]:
    setup = api_round(server, 50_000_00, group="Holdet", workshop="Workshop 1", title="Runde 1",
                      budget_minor=20_000_00)  # fmt: skip
    tokens = [
        server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": f"M{n}"})["token"]
        for n in range(members)
    ]
    to_phase(server, setup, "proposing")
    setup["proposal"] = server.call(
        "POST",
        f"/api/v1/rounds/{setup['round_id']}/proposals",
        tokens[0],
        json={
            "title": "Kørekort",
            "amount_minor": 12_000_00,
            "how_it_helps": "Jeg kan tage et job som bud.",
            "category": "licence",
        },
    )["id"]
    to_phase(server, setup, "discussing", "voting")
    setup["tokens"] = tokens
    return setup


def _vote(server: Server, setup: dict[str, Any], token: str) -> None:
    server.call(
        "PUT",
        f"/api/v1/rounds/{setup['round_id']}/ballot",
        token,
        json={"approvals": [setup["proposal"]]},
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_closing_asks_with_the_live_vote_count_and_a_new_rounds_budget_is_chosen(
    browser: Browser, server: Server, lang: str
) -> None:
    setup = _voting_room(server, 3)
    console = _quiet_page(browser, LAPTOP, LOCALES[lang])
    log_in(console, server)
    console.get_by_role("link", name="Workshop 1").click()
    close = console.locator("#console-live button.primary").first
    expect(close).to_have_text(text(lang, "Next: %(phase)s", phase=text(lang, "Result")))

    missing = "{ballots} of {members} have voted. Close anyway?"
    asked = _answer(console, close.click, accept=False)
    assert asked == text(lang, missing, ballots=0, members=3)
    _vote(server, setup, setup["tokens"][0])
    expected = text(lang, missing, ballots=1, members=3)
    expect(close).to_have_attribute("hx-confirm", expected)  # pushed live with the count
    assert _answer(console, close.click, accept=False) == expected
    expect(console.locator("#console-live .pill").first).to_have_text(text(lang, "Voting"))
    for token in setup["tokens"][1:]:
        _vote(server, setup, token)
    everyone = text(
        lang, "All {members} have voted. Close the round and show the result?", members=3
    )
    expect(close).to_have_attribute("hx-confirm", everyone)
    shot(console, f"staff-console-before-close-{lang}")
    assert _answer(console, close.click, accept=True) == everyone
    expect(console.locator("#console-live .pill").first).to_have_text(text(lang, "Result"))

    # A new round: the budget is what the facilitator types; the hint follows the pot live.
    left = 50_000_00 - 12_000_00
    hint = console.locator("#r-budget-hint")
    expect(hint).to_have_text(text(lang, "The pot has %(available)s available.", available_kr=left))
    expect(console.locator("#r-budget")).to_have_value("")  # a hint, never a typed-in look
    console.fill("#r-title", "Runde 2")
    console.get_by_role("button", name=text(lang, "Create round")).click()
    error = console.locator("#r-budget-error")
    expect(error).to_have_text(
        text(
            lang,
            "Write the round's budget in kroner. The pot has {available} available.",
            available_kr=left,
        )
    )
    expect(console.locator("#r-budget")).to_have_attribute("aria-invalid", "true")
    expect(console.locator("#r-title")).to_have_value("Runde 2")  # kept
    assert error.bounding_box()["y"] - console.locator("#r-budget").bounding_box()["y"] < 120  # type: ignore[index]
    shot(console, f"staff-console-budget-required-{lang}")
    console.fill("#r-budget", "15000")
    console.get_by_role("button", name=text(lang, "Create round")).click()
    expect(console.locator("#r-title")).to_have_value("")  # taken: a fresh form
    expect(console.locator(".round-row h2", has_text="Runde 2")).to_be_visible()
    assert not console.js_errors  # type: ignore[attr-defined]


def _make_user(server: Server, who: tuple[str, str], role: str) -> None:
    server.user(who[0], who[1], role)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_each_role_lands_on_its_own_page_from_a_neutral_login(
    browser: Browser, server: Server, lang: str
) -> None:
    _make_user(server, APPROVER, "approver")
    _make_user(server, ADMIN, "admin")
    for size, viewport in (("375", PHONE), ("320", SMALL_PHONE)):
        page = _quiet_page(browser, viewport, LOCALES[lang])
        page.goto(f"{server.base}/f/login")
        expect(page.locator("h1")).to_have_text(text(lang, "Staff login"))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"staff-login-{size}-{lang}")
        page.context.close()
    for who, lands in ((APPROVER, r"/f/decisions$"), (FACILITATOR, r"/f$"), (ADMIN, r"/f$")):
        page = _quiet_page(browser, LAPTOP, LOCALES[lang])
        page.goto(f"{server.base}/f/login")
        page.fill("#email", who[0])
        page.fill("#password", who[1])
        page.locator("main button[type=submit]").click()
        page.wait_for_url(re.compile(lands))
        if who is APPROVER:
            expect(page.locator("h1")).to_have_text(text(lang, "Decisions waiting"))
            page.locator("a.brand").click()  # "home" is the queue for a caseworker too
            page.wait_for_url(re.compile(lands))
        else:
            expect(page.locator("h1")).to_have_text(text(lang, "Groups and pots"))
        page.context.close()


def test_a_caseworker_reads_the_decision_and_is_asked_before_money_moves(
    browser: Browser, server: Server
) -> None:
    _make_user(server, APPROVER, "approver")
    setup = api_round(server, 60_000_00, group="Holdet", workshop="Workshop 1", title="Runde 1",
                      budget_minor=30_000_00)  # fmt: skip
    emil = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Emil"})
    voters = [emil["token"]] + [
        server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": n})["token"]
        for n in ("Sara", "Ali")
    ]
    to_phase(server, setup, "proposing")
    licence = server.call(
        "POST",
        f"/api/v1/rounds/{setup['round_id']}/proposals",
        emil["token"],
        json={
            "title": "Kørekort",
            "amount_minor": 15_000_00,
            "how_it_helps": "Så kan jeg få job som chauffør.",
            "category": "licence",
        },
    )["id"]
    to_phase(server, setup, "discussing", "voting")
    for token in voters[:2]:
        server.call("PUT", f"/api/v1/rounds/{setup['round_id']}/ballot", token,
                    json={"approvals": [licence]})  # fmt: skip
    to_phase(server, setup, "closed")

    laptop = _quiet_page(browser, LAPTOP)
    laptop.goto(f"{server.base}/f/login")
    laptop.fill("#email", APPROVER[0])
    laptop.fill("#password", APPROVER[1])
    laptop.locator("main button[type=submit]").click()
    laptop.wait_for_url(re.compile(r"/f/decisions$"))
    laptop.get_by_role("link", name="Kørekort").click()
    proposed = laptop.locator("section.proposed")
    expect(proposed).to_contain_text("Foreslået af")
    expect(proposed).to_contain_text("Emil")
    expect(proposed).to_contain_text("Så kan jeg få job som chauffør.")
    expect(proposed).to_contain_text(text("da", "Funded: {approvals} of {voters} approved it.",
                                          approvals=2, voters=2))  # fmt: skip
    for voter in ("Sara", "Ali"):
        expect(proposed).not_to_contain_text(voter)  # never who voted how

    laptop.fill("#approve-amount", "10.000")
    laptop.get_by_role("button", name="Godkend", exact=True).click()
    question = laptop.locator("#confirm-question")
    expect(question).to_have_text(
        "Godkend 10.000,00\xa0kr. af 15.000,00\xa0kr.? "
        "Resten, 5.000,00\xa0kr., går tilbage til puljen."
    )
    expect(laptop.locator("h1 .pill")).to_have_text("Venter på godkendelse")  # nothing yet
    shot(laptop, "staff-decision-confirm-partial")
    laptop.get_by_role("button", name="Ja, godkend 10.000,00\xa0kr.").click()
    expect(laptop.locator("h1 .pill")).to_have_text("Godkendt")

    laptop.fill("#pay-amount", "12.000")
    laptop.fill("#pay-to", "Køreskolen Vest")
    laptop.select_option("#pay-method", "invoice")
    laptop.get_by_role("button", name="Registrér betaling").click()
    field_error = laptop.locator("#pay-amount-error")
    expect(field_error).to_have_text(
        text("da", "Only {left} of the approved amount is left to pay.", left_kr=10_000_00)
    )
    expect(laptop.locator("#pay-amount")).to_have_value("12.000")
    expect(laptop.locator("#pay-to")).to_have_value("Køreskolen Vest")
    expect(laptop.locator("#pay-method")).to_have_value("invoice")
    shot(laptop, "staff-decision-payment-refused")
    laptop.fill("#pay-amount", "9.000")
    laptop.get_by_role("button", name="Registrér betaling").click()
    expect(laptop.locator(".payment")).to_contain_text("Køreskolen Vest")

    asked = _answer(laptop, laptop.get_by_role("button", name="Afslut").click, accept=False)
    assert asked == (
        "Afslut “Kørekort”? 1.000,00\xa0kr., der blev godkendt men ikke betalt, går tilbage til "
        "puljen."
    )
    expect(laptop.locator("h1 .pill")).to_have_text("Bliver betalt")  # said no: nothing moved
    _answer(laptop, laptop.get_by_role("button", name="Afslut").click, accept=True)
    expect(laptop.locator("h1 .pill")).to_have_text("Færdig")
    timeline = laptop.locator("ol.timeline")
    expect(timeline).to_contain_text(f"{APPROVER[0]} godkendte 10.000,00\xa0kr. til “Kørekort”.")
    expect(timeline).to_contain_text("betalte 9.000,00\xa0kr. til Køreskolen Vest for “Kørekort”.")
    expect(timeline).to_contain_text("afsluttede “Kørekort”. 1.000,00\xa0kr. gik tilbage")
    assert "kr.." not in laptop.locator("body").inner_text()
    shot(laptop, "staff-decision-done")
    phone = _quiet_page(browser, PHONE)
    phone.context.add_cookies(laptop.context.cookies())  # type: ignore[arg-type]
    phone.goto(laptop.url)
    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 376)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 12)"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    shot(phone, "staff-decision-done-375")

    # The pot and the audit trail, in words.
    laptop.get_by_role("link", name="Holdet", exact=True).click()
    ledger = laptop.locator("table.ledger")
    expect(ledger).to_contain_text("Reserveret af en runde: Kørekort")
    expect(ledger).to_contain_text("Betalt: Kørekort")
    chart = laptop.locator("svg.pot-chart")
    expect(chart.locator("text.axis-title").first).to_be_visible()
    expect(chart).to_contain_text(re.compile(r"60\.000\s?kr\."))
    shot(laptop, "staff-pot")
    laptop.get_by_role("link", name="Logbog").click()
    trail = laptop.locator("table.audit")
    expect(trail).to_contain_text("facilitator@browser.dk satte runden “Runde 1” til afstemning.")
    expect(trail).to_contain_text("Emil foreslog “Kørekort” til 15.000,00\xa0kr.")
    body = laptop.locator("main").inner_text()
    assert "{" not in body
    assert "\\u00" not in body
    assert "_minor" not in body
    assert "kr.." not in body
    shot(laptop, "staff-audit")
    assert not laptop.js_errors  # type: ignore[attr-defined]
    assert not phone.js_errors  # type: ignore[attr-defined]
