"""Issue 10 on real phones: errors in words next to their fields, amounts by the phone's
language, join codes that say what is wrong, earlier rounds kept, the Equal Shares share."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LOCALES,
    PHONE,
    api_round,
    join,
    open_page,
    plural,
    shot,
    text,
    to_phase,
)
from tests.support import Server

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 320, "height": 640}


def _propose(server: Server, setup: dict[str, Any], token: str, title: str, ore: int) -> str:
    proposal_id: str = server.call(
        "POST",
        f"/api/v1/rounds/{setup['round_id']}/proposals",
        token,
        json={"title": title, "amount_minor": ore, "how_it_helps": "Job.", "category": "course"},
    )["id"]
    return proposal_id


def _fits_the_width(phone: Page) -> None:
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"], width  # type: ignore[index]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_an_empty_proposal_shows_every_error_next_to_its_field(
    browser: Browser, server: Server, lang: str
) -> None:
    setup = api_round(server, 60_000_00, title="Runde 1", budget_minor=20_000_00)
    phone = open_page(browser, SMALL_PHONE, LOCALES[lang])
    join(phone, server, setup["code"], "Sara")
    to_phase(server, setup, "proposing")
    expect(phone.locator("#proposal-form")).to_be_visible()
    expect(phone.locator("#p-category")).to_have_value("")  # no category chosen for them
    phone.fill("#p-description", "Et kursus i svejsning")
    phone.locator("#proposal-form button[type=submit]").click()
    wanted = {
        "title": text(lang, "Write what it is called."),
        "amount": text(lang, "Write what it costs, in kroner."),
        "how": text(lang, "Write how it brings you closer to education or a job."),
        "category": text(lang, "Choose a category."),
    }
    expect(phone.locator("#p-errors")).to_have_text(
        plural(
            lang,
            "%(num)s answer needs fixing. See the note under it.",
            "%(num)s answers need fixing. See the note under each.",
            4,
        )
    )
    for field, message in wanted.items():
        error = phone.locator(f"#p-{field}-error")
        expect(error).to_have_text(message)
        field_input = phone.locator(f"#p-{field}")
        expect(field_input).to_have_attribute("aria-invalid", "true")
        expect(field_input).to_have_attribute("aria-describedby", f"p-{field}-error")
        # next to its field: the error is the element right after the field
        follows = phone.evaluate(
            f"document.getElementById('p-{field}').nextElementSibling.id === 'p-{field}-error'"
        )
        assert follows
    raw_names = ["how_it_helps", "amount_minor"] + (["title", "category"] if lang == "da" else [])
    for raw in raw_names:
        expect(phone.locator("#proposal-form .error", has_text=raw)).to_have_count(0)
    expect(phone.locator("#p-description")).to_have_value("Et kursus i svejsning")
    _fits_the_width(phone)
    phone.locator("#p-how-error").scroll_into_view_if_needed()
    shot(phone, f"words-proposal-errors-320-{lang}")

    # Fixing one field leaves the others named; a fixed form goes through.
    phone.fill("#p-title", "Svejsekursus")
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#p-title-error")).to_have_count(0)
    expect(phone.locator("#p-how-error")).to_have_text(wanted["how"])
    expect(phone.locator("#p-title")).to_have_value("Svejsekursus")
    assert phone.js_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "typed", "shown"),
    [("en", "2,500", "DKK 2,500.00"), ("da", "2.500", "2.500,00\xa0kr."), ("da", "2,50", "2,50")],
)
def test_amounts_are_read_the_way_the_phones_language_writes_them(
    browser: Browser, server: Server, lang: str, typed: str, shown: str
) -> None:
    setup = api_round(server, 60_000_00, title="Runde 1", budget_minor=20_000_00)
    phone = open_page(browser, PHONE, LOCALES[lang])
    join(phone, server, setup["code"], "Sara")
    to_phase(server, setup, "proposing")
    phone.fill("#p-title", "Bærbar")
    phone.fill("#p-amount", typed)
    phone.fill("#p-how", "Til skolen.")
    phone.select_option("#p-category", "equipment")
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#proposal-form .notice")).to_be_visible()
    expect(phone.locator("#proposal-list")).to_contain_text(shown)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_an_unclear_amount_is_asked_about(browser: Browser, server: Server, lang: str) -> None:
    setup = api_round(server, 60_000_00, title="Runde 1", budget_minor=20_000_00)
    phone = open_page(browser, SMALL_PHONE, LOCALES[lang])
    join(phone, server, setup["code"], "Sara")
    to_phase(server, setup, "proposing")
    typed = {"da": "2,500", "en": "2.500"}[lang]
    phone.fill("#p-title", "Bærbar")
    phone.fill("#p-amount", typed)
    phone.fill("#p-how", "Til skolen.")
    phone.select_option("#p-category", "equipment")
    phone.locator("#proposal-form button[type=submit]").click()
    full = {"da": "2.500,00", "en": "2,500.00"}[lang]
    error = phone.locator("#p-amount-error")
    expect(error).to_contain_text(typed)
    expect(error).to_contain_text(full)
    expect(error).to_contain_text("2500")
    expect(phone.locator("#p-amount")).to_have_value(typed)
    expect(phone.locator("#proposal-list li.card")).to_have_count(0)  # nothing guessed
    _fits_the_width(phone)
    shot(phone, f"words-amount-unclear-320-{lang}")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_wrong_join_code_says_what_is_wrong(browser: Browser, server: Server, lang: str) -> None:
    api_round(server, 60_000_00, title="Runde 1")
    phone = open_page(browser, SMALL_PHONE, LOCALES[lang])
    phone.goto(f"{server.base}/j")
    phone.fill("#code", "4kx0r1")
    phone.fill("#name", "Emil")
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#join-error")).to_have_text(
        text(
            lang,
            "Codes never use {characters}. Look again at the code on the screen.",
            characters="0, 1",
        )
    )
    expect(phone.locator("#code")).to_have_attribute("aria-invalid", "true")
    shot(phone, f"words-join-code-{lang}")
    phone.fill("#code", "4KXR7")
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#join-error")).to_have_text(
        text(lang, "A code has {length} characters. You typed {typed}.", length=6, typed=5)
    )


def test_phones_keep_earlier_rounds_with_their_result_and_fate(
    browser: Browser, server: Server
) -> None:
    setup = api_round(server, 60_000_00, title="Runde 1", budget_minor=20_000_00)
    phone = open_page(browser, PHONE, "da-DK")
    join(phone, server, setup["code"], "Sara")
    ali = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Ali"})
    to_phase(server, setup, "proposing")
    licence = _propose(server, setup, ali["token"], "Kørekort", 12_000_00)
    _propose(server, setup, ali["token"], "Sejltur", 15_000_00)
    to_phase(server, setup, "discussing", "voting")
    expect(phone.locator("details.method-how summary")).to_contain_text("Flueben")
    expect(phone.locator("details.method-how summary")).not_to_contain_text("Godkendelse")
    server.call(
        "PUT",
        f"/api/v1/rounds/{setup['round_id']}/ballot",
        ali["token"],
        json={"approvals": [licence]},
    )
    to_phase(server, setup, "closed")
    expect(phone.locator("#fates")).to_contain_text("Kørekort")

    workshop_id = phone.locator("#main").get_attribute("ws-connect")
    assert workshop_id
    second = server.call(
        "POST",
        f"/api/v1/workshops/{workshop_id.rsplit('/', 1)[1]}/rounds",
        setup["fac"],
        json={"title": "Runde 2", "budget_minor": 10_000_00},
    )
    to_phase(server, {**setup, "round_id": second["id"]}, "proposing")
    expect(phone.locator("#proposal-form")).to_be_visible()
    earlier = phone.locator("#earlier")
    expect(earlier).to_be_visible()
    expect(earlier.locator("summary")).to_contain_text("Runde 1")
    earlier.locator("summary").first.click()
    round_one = earlier.locator("details").first
    expect(round_one.locator("li.funded")).to_contain_text("Kørekort")
    expect(round_one.locator("li.funded")).to_contain_text("1 af 1 stemte for")
    expect(round_one.locator("li.funded")).to_contain_text("Venter på, at kommunen godkender det.")
    expect(round_one.locator("li.not-funded")).to_contain_text("Sejltur")
    # The caseworker decides on round 1 while round 2 runs: the phone follows, live.
    server.user("sb@browser.dk", "a long caseworker pass", "approver")
    approver = server.call(
        "POST",
        "/api/v1/auth/login",
        json={"email": "sb@browser.dk", "password": "a long caseworker pass"},
    )["token"]
    group_id = server.call("GET", "/api/v1/groups", approver)[0]["id"]
    decision = server.call("GET", f"/api/v1/groups/{group_id}/decisions", approver)[0]
    server.call(
        "POST",
        f"/api/v1/decisions/{decision['id']}/reject",
        approver,
        json={"reason": "Kørekortet betales af jobcentret."},
    )
    expect(round_one.locator("li.funded")).to_contain_text(
        "Ikke godkendt: Kørekortet betales af jobcentret."
    )
    expect(round_one).to_have_attribute("open", "")  # what the member opened stays open
    earlier.scroll_into_view_if_needed()
    shot(phone, "words-earlier-rounds-phone")
    # A reload keeps it too (the page, not only the live push).
    phone.reload()
    expect(phone.locator("#earlier summary")).to_contain_text("Runde 1")
    assert phone.js_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_equal_shares_tells_each_member_their_share(
    browser: Browser, server: Server, lang: str
) -> None:
    setup = api_round(
        server, 60_000_00, title="Runde 1", budget_minor=30_000_00, method="equal_shares"
    )
    phone = open_page(browser, SMALL_PHONE, LOCALES[lang])
    join(phone, server, setup["code"], "Sara")
    tokens = [
        server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": name})["token"]
        for name in ("Ali", "Bo", "Cy", "Di")
    ]
    to_phase(server, setup, "proposing")
    _propose(server, setup, tokens[0], "Kursus", 5_000_00)
    to_phase(server, setup, "discussing", "voting")
    share = phone.locator("#share")
    expect(share).to_contain_text(text(lang, "Your share: about %(share)s", share_kr=6_000_00))
    expect(share).to_contain_text(
        text(
            lang,
            "The budget of %(budget)s is split equally between everyone who votes, here "
            "%(voters)s people. If fewer vote, each share is bigger.",
            budget_kr=30_000_00,
            voters=5,
        )
    )
    _fits_the_width(phone)
    shot(phone, f"words-equal-share-320-{lang}")
