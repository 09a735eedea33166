"""From decision to money spent in a real browser: a caseworker approves part of a funded
proposal, pays it with a receipt and completes it; the member's phone follows along."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LAPTOP, PHONE, api_round, join, open_page, shot, to_phase
from tests.support import Server

pytestmark = pytest.mark.browser

APPROVER = ("sagsbehandler@browser.dk", "another long password")


def test_a_caseworker_approves_pays_with_a_receipt_and_completes(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    server.user(APPROVER[0], APPROVER[1], "approver")
    setup = api_round(server, 60_000_00, group="Holdet", title="Runde 1")
    round_id = setup["round_id"]
    phone = open_page(browser, PHONE)
    join(phone, server, setup["code"], "Sara")
    member = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Ali"})
    to_phase(server, setup, "proposing")
    licence = server.call(
        "POST",
        f"/api/v1/rounds/{round_id}/proposals",
        member["token"],
        json={
            "title": "Kørekort",
            "amount_minor": 12_000_00,
            "how_it_helps": "Job.",
            "category": "licence",
        },
    )["id"]
    to_phase(server, setup, "discussing", "voting")
    server.call(
        "PUT", f"/api/v1/rounds/{round_id}/ballot", member["token"], json={"approvals": [licence]}
    )
    to_phase(server, setup, "closed")
    fates = phone.locator("#fates")
    expect(fates).to_contain_text("Venter på, at kommunen godkender det.")

    laptop = open_page(browser, LAPTOP)
    laptop.goto(f"{server.base}/f/login")
    laptop.fill("#email", APPROVER[0])
    laptop.fill("#password", APPROVER[1])
    laptop.locator("main button[type=submit]").click()
    laptop.get_by_role("link", name="Beslutninger").click()
    expect(laptop.locator("table.ledger")).to_contain_text("Kørekort")
    shot(laptop, "approver-queue")
    laptop.get_by_role("link", name="Kørekort").click()
    laptop.fill("#approve-amount", "11.000")
    laptop.get_by_role("button", name="Godkend").click()
    laptop.get_by_role("button", name="Ja, godkend 11.000,00\xa0kr.").click()  # less: asked
    expect(laptop.locator("h1 .pill")).to_have_text("Godkendt")
    expect(fates).to_contain_text("Godkendt")  # live, on the member's phone

    laptop.fill("#pay-amount", "9.150")
    laptop.fill("#pay-to", "Køreskolen Vest")
    laptop.select_option("#pay-method", "invoice")
    laptop.get_by_role("button", name="Registrér betaling").click()
    expect(laptop.locator(".payment")).to_contain_text("Køreskolen Vest")
    receipt = tmp_path / "faktura.pdf"
    receipt.write_bytes(b"%PDF-1.4\n% a receipt\n")
    laptop.locator(".payment input[type=file]").set_input_files(str(receipt))
    laptop.locator(".payment").get_by_role("button", name="Upload").click()
    expect(laptop.get_by_role("link", name="Kvittering 1")).to_be_visible()
    expect(fates).to_contain_text("Bliver betalt: 9.150,00")

    laptop.fill("#complete-note", "Bestået i første forsøg")
    laptop.get_by_role("button", name="Afslut").click()
    expect(laptop.locator("h1 .pill")).to_have_text("Færdig")
    expect(laptop.locator("ol.timeline")).to_contain_text("afsluttede")
    shot(laptop, "approver-decision")
    expect(fates).to_contain_text("Færdig. 1.850,00 kr. gik tilbage til puljen.")
    shot(phone, "phone-what-became-of-it")

    laptop.get_by_role("link", name="Holdet", exact=True).click()
    expect(laptop.locator("svg.pot-chart")).to_be_visible()
    expect(laptop.locator("table.ledger")).to_contain_text("Tilbage i puljen")
    expect(laptop.locator("dl.figures")).to_contain_text(re.compile(r"50\.850,00"))
    shot(laptop, "approver-pot")
    assert not laptop.js_errors  # type: ignore[attr-defined]
    assert not phone.js_errors  # type: ignore[attr-defined]
