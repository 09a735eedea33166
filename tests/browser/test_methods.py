"""Each voting method's ballot on a phone: knapsack's running total, points, consent, and
Equal Shares explaining itself after the round closes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, api_round, join, open_page, shot, to_phase
from tests.support import Server

pytestmark = pytest.mark.browser


def _round(
    server: Server, method: str, budget: int, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"title": "Runde", "method": method, "budget_minor": budget}
    if params:
        body["params"] = params
    setup = api_round(server, 50_000_00, **body)
    to_phase(server, setup, "proposing")
    round_id = setup["round_id"]
    writer = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Pia"})
    for title, amount in (("Kørekort", 9_000_00), ("Bærbar", 6_000_00), ("Buskort", 3_000_00)):
        server.call(
            "POST",
            f"/api/v1/rounds/{round_id}/proposals",
            writer["token"],
            json={
                "title": title,
                "amount_minor": amount,
                "how_it_helps": "Job.",
                "category": "other",
            },
        )
    return {**setup, "writer": writer["token"]}


def _vote(phone: Page) -> None:
    phone.locator("#ballot-form button[type=submit]").click()
    expect(phone.locator("#ballot-state")).to_contain_text("Din stemme er afgivet")


def test_knapsack_shows_the_running_total_and_refuses_to_go_over(
    browser: Browser, server: Server
) -> None:
    setup = _round(server, "knapsack", 12_000_00)
    phone = open_page(browser, PHONE)
    join(phone, server, setup["code"], "Kai")
    to_phase(server, setup, "discussing", "voting")
    phone.locator("label.tap", has_text="Kørekort").click()
    phone.locator("label.tap", has_text="Bærbar").click()
    expect(phone.locator("#picked-total")).to_have_text("15.000,00")
    expect(phone.locator("#ballot-form button[type=submit]")).to_be_disabled()
    phone.locator("label.tap", has_text="Bærbar").click()
    phone.locator("label.tap", has_text="Buskort").click()
    expect(phone.locator("#picked-total")).to_have_text("12.000,00")
    _vote(phone)
    shot(phone, "phone-knapsack")


def test_points_and_consent_ballots_count_as_cast(browser: Browser, server: Server) -> None:
    points = _round(server, "cumulative", 20_000_00, {"points": 5})
    phone = open_page(browser, PHONE)
    join(phone, server, points["code"], "Lea")
    to_phase(server, points, "discussing", "voting")
    phone.fill("#ballot-form li:has-text('Buskort') input.points", "4")
    phone.fill("#ballot-form li:has-text('Bærbar') input.points", "2")
    expect(phone.locator("#points-left")).to_have_text("-1")
    expect(phone.locator("#ballot-form button[type=submit]")).to_be_disabled()
    phone.fill("#ballot-form li:has-text('Bærbar') input.points", "1")
    expect(phone.locator("#points-left")).to_have_text("0")
    _vote(phone)
    shot(phone, "phone-cumulative")
    to_phase(server, points, "closed")
    expect(phone.locator("#stage .result")).to_contain_text("Får penge: det fik 4 point.")

    consent = _round(server, "consent", 20_000_00)
    other = open_page(browser, PHONE)
    join(other, server, consent["code"], "Mo")
    to_phase(server, consent, "discussing", "voting")
    other.locator("li:has-text('Kørekort') label.choice", has_text="Nej").click()
    other.locator("li:has-text('Buskort') label.choice", has_text="Ja").click()
    _vote(other)
    shot(other, "phone-consent")
    to_phase(server, consent, "closed")
    result = other.locator("#stage .result")
    expect(result.locator(".funded")).to_contain_text("Får penge: 1 sagde ja og 0 sagde nej.")
    expect(result).to_contain_text("Får ikke penge: 0 sagde ja og 1 sagde nej")


def test_equal_shares_explains_who_paid_and_where_shares_went(
    browser: Browser, server: Server
) -> None:
    setup = _round(server, "equal_shares", 12_000_00, {"completion": "none"})
    phones = [open_page(browser, PHONE) for _ in range(3)]
    for phone, name in zip(phones, ("Nor", "Ole", "Pip"), strict=True):
        join(phone, server, setup["code"], name)
    to_phase(server, setup, "discussing", "voting")
    # Two want the licence, one wants the bus card: each has a share of 4.000 kr.
    for phone, picks in zip(
        phones, (["Kørekort", "Buskort"], ["Kørekort"], ["Buskort"]), strict=True
    ):
        for title in picks:
            phone.locator("label.tap", has_text=title).click()
        _vote(phone)
    to_phase(server, setup, "closed")
    result = phones[0].locator("#stage .result")
    expect(result.locator(".funded")).to_have_count(1)
    expect(result).to_contain_text("Får penge: de 2, der støttede det, kunne betale 1.500,00")
    expect(result).to_contain_text("dem, der støttede det, havde brugt deres andel på Buskort")
    shot(phones[0], "phone-equal-shares-result")


def test_the_facilitator_sets_a_method_up_and_shows_the_result_live(
    browser: Browser, server: Server
) -> None:
    from tests.browser.conftest import LAPTOP, PROJECTOR, log_in, next_phase, propose

    console = open_page(browser, LAPTOP)
    log_in(console, server)
    console.fill("#g-name", "Holdet")
    console.fill("#g-amount", "60.000")
    console.get_by_role("button", name="Opret gruppe").click()
    console.locator("input[name=title]").first.fill("Workshop")
    console.get_by_role("button", name="Start workshop").click()
    console.fill("#r-title", "Pointrunden")
    points = console.locator("fieldset[data-method=cumulative]")
    expect(points).to_be_hidden()  # approval is chosen: it has no settings
    console.select_option("#r-method", "cumulative")
    expect(points).to_be_visible()
    expect(console.locator("fieldset[data-method=consent]")).to_be_hidden()
    console.fill("#r-points", "5")
    console.fill("#r-budget", "20.000")
    console.get_by_label("Vis resultatet live under afstemningen").check()
    shot(console, "console-new-round-settings")
    console.get_by_role("button", name="Opret runde").click()
    expect(console.locator("#console-live")).to_contain_text("Point · Sådan virker den")
    live_on = console.get_by_role("button", name="Resultatet live under afstemningen: til")
    expect(live_on).to_be_visible()

    screen = open_page(browser, PROJECTOR)
    screen.goto(
        console.get_by_role("link", name="Åbn den fælles skærm").get_attribute("href") or ""
    )
    phone = open_page(browser, PHONE)
    join(phone, server, console.locator(".code-inline").inner_text(), "Sia")
    next_phase(console, "Forslag")
    propose(phone, "Buskort", "3.000", "Så jeg kan komme til praktik.", "transport")
    next_phase(console, "Snak om det")
    next_phase(console, "Afstemning")

    how = phone.locator("details.method-how")
    how.locator("summary").click()
    expect(how).to_contain_text("Du har 5 point.")
    shot(phone, "phone-method-how")
    provisional = screen.locator("#screen .result.provisional")
    expect(provisional).to_contain_text("Hvis afstemningen sluttede nu")
    phone.fill("#ballot-form li:has-text('Buskort') input.points", "4")
    _vote(phone)
    expect(provisional).to_contain_text("Får penge: det fik 4 point.")
    expect(phone.locator("#live-result")).to_contain_text("Får penge: det fik 4 point.")
    shot(screen, "screen-live-result")

    live_on.click()
    expect(provisional).to_have_count(0)
    expect(screen.locator("#screen .method-how")).to_contain_text("Sådan stemmer vi: Point")
    expect(phone.locator("#live-result")).to_be_hidden()
    shot(screen, "screen-method-how")
    assert not console.js_errors  # type: ignore[attr-defined]
    assert not phone.js_errors  # type: ignore[attr-defined]
    assert not screen.js_errors  # type: ignore[attr-defined]
