"""A phone that drops its connection recovers by itself; a phone in English has no Danish left."""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect

from app.web.i18n import LOCALE_DIR
from tests.browser.conftest import PHONE, api_round, join, open_page, shot, to_phase
from tests.support import Server

pytestmark = pytest.mark.browser


def api_workshop(server: Server) -> dict[str, Any]:
    return api_round(server, 20_000_00, workshop="Workshop", title="Round one")


def api_member_proposes(server: Server, setup: dict[str, Any], titles: list[str]) -> str:
    token: str = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Xena"})[
        "token"
    ]
    for title in titles:
        server.call(
            "POST",
            f"/api/v1/rounds/{setup['round_id']}/proposals",
            token,
            json={
                "title": title,
                "amount_minor": 3_000_00,
                "how_it_helps": "It gets me to work on time.",
                "category": "transport",
            },
        )
    return token


def test_a_phone_that_goes_offline_mid_vote_recovers_its_ballot_and_live_view(
    browser: Browser, server: Server
) -> None:
    setup = api_workshop(server)
    to_phase(server, setup, "proposing")
    xena = api_member_proposes(server, setup, ["Kursus", "Buskort"])
    alma, bent = open_page(browser, PHONE), open_page(browser, PHONE)
    join(alma, server, setup["code"], "Alma")
    join(bent, server, setup["code"], "Bent")
    to_phase(server, setup, "discussing")
    to_phase(server, setup, "voting")
    expect(alma.locator("#ballot-form")).to_be_visible()
    alma.evaluate("window.__noReload = true")

    alma.locator("label.tap", has_text="Kursus").click()  # picked, not sent yet
    alma.context.set_offline(True)
    expect(alma.locator("body")).to_have_class(re.compile(r"\boffline\b"))
    server.call("PUT", f"/api/v1/rounds/{setup['round_id']}/ballot", xena, json={"approvals": []})
    bent.locator("label.tap", has_text="Buskort").click()
    bent.locator("#ballot-form button[type=submit]").click()
    expect(bent.locator("#voted")).to_have_text("2 af 3 har stemt")
    shot(alma, "phone-offline")

    alma.context.set_offline(False)
    expect(alma.locator("#voted")).to_have_text("2 af 3 har stemt", timeout=20_000)
    expect(alma.locator("body")).not_to_have_class(re.compile(r"\boffline\b"))
    expect(alma.locator("#a-" + _proposal_id(alma, "Kursus"))).to_be_checked()  # unsent pick kept
    expect(alma.locator("#picked")).to_have_text("1")
    assert alma.evaluate("window.__noReload") is True
    alma.locator("#ballot-form button[type=submit]").click()
    expect(alma.locator("#ballot-state")).to_contain_text("Din stemme er afgivet")
    expect(bent.locator("#voted")).to_have_text("3 af 3 har stemt")

    alma.reload()  # coming back later: the same member, the same ballot
    expect(alma.locator("#a-" + _proposal_id(alma, "Kursus"))).to_be_checked()
    expect(alma.locator("#a-" + _proposal_id(alma, "Buskort"))).not_to_be_checked()
    expect(alma.locator("#ballot-state")).to_contain_text("Din stemme er afgivet")


def _proposal_id(page: Page, title: str) -> str:
    value = page.locator("li", has_text=title).locator("input.approve").get_attribute("value")
    assert value
    return value


def _danish_phrases() -> set[str]:
    """Every Danish translation that is not also English (e.g. "Transport" is both)."""
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="da")
    phrases: set[str] = set()
    for message in catalog:
        if message.id and isinstance(message.string, str) and message.string != message.id:
            text = re.split(r"%\(\w+\)s|\{\w+\}", message.string)
            phrases.update(part.strip(" .,:?!…") for part in text if len(part.strip()) > 3)
    return phrases


def _assert_no_danish(page: Page) -> None:
    text = page.locator("body").inner_text().replace("Puljen", "")  # the name stays
    leftovers = sorted(p for p in _danish_phrases() if p and p in text)
    assert leftovers == [], leftovers
    assert not re.search(r"[æøåÆØÅ]", text.replace("Dansk", "")), text
    assert " kr." not in text  # amounts the English way: DKK 3,000.00
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_phone_switched_to_english_has_no_danish_left(browser: Browser, server: Server) -> None:
    setup = api_workshop(server)
    phone = open_page(browser, PHONE)
    join(phone, server, setup["code"], "Sam")
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    _assert_no_danish(phone)

    to_phase(server, setup, "proposing")
    expect(phone.locator("#proposal-form")).to_be_visible()
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#p-title-error")).to_have_text("Write what it is called.")
    phone.fill("#p-title", "Bike")
    phone.fill("#p-amount", "2500")
    phone.fill("#p-how", "I can ride to my internship.")
    phone.select_option("#p-category", "transport")
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#proposal-list")).to_contain_text("DKK 2,500.00")
    _assert_no_danish(phone)
    shot(phone, "phone-english-proposing")

    api_member_proposes(server, setup, ["Course"])
    to_phase(server, setup, "discussing")
    expect(phone.locator("#stage")).to_contain_text("Course")
    _assert_no_danish(phone)
    to_phase(server, setup, "voting")
    phone.locator("label.tap", has_text="Bike").click()
    phone.locator("#ballot-form button[type=submit]").click()
    expect(phone.locator("#ballot-state")).to_contain_text("Your vote is in")
    _assert_no_danish(phone)
    to_phase(server, setup, "closed")
    expect(phone.locator("#stage .result")).to_contain_text("Funded: 1 of 1 approved it.")
    expect(phone.locator("#stage .result")).to_contain_text("Not funded: nobody approved it.")
    _assert_no_danish(phone)
    shot(phone, "phone-english-result")


def test_a_half_written_proposal_survives_a_reload_and_a_phase_push(
    browser: Browser, server: Server
) -> None:
    setup = api_workshop(server)
    to_phase(server, setup, "proposing")
    phone = open_page(browser, PHONE)
    join(phone, server, setup["code"], "Nora")
    phone.fill("#p-title", "Svømmekursus")
    phone.fill("#p-how", "Jeg vil være livredder.")
    phone.reload()  # the phone locks, the browser reloads the tab, …
    expect(phone.locator("#p-title")).to_have_value("Svømmekursus")
    expect(phone.locator("#p-how")).to_have_value("Jeg vil være livredder.")
    api_member_proposes(server, setup, ["Kursus"])  # … and others' proposals arrive live
    expect(phone.locator("#proposal-list")).to_contain_text("Kursus")
    expect(phone.locator("#p-title")).to_have_value("Svømmekursus")
    phone.fill("#p-amount", "900")
    phone.select_option("#p-category", "course")
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#proposal-list")).to_contain_text("Svømmekursus")
    expect(phone.locator("#p-title")).to_have_value("")  # sent: the draft is gone
    phone.reload()
    expect(phone.locator("#p-title")).to_have_value("")
