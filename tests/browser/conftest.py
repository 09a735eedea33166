"""Real Chromium (Debian's, driven by Playwright) against a real uvicorn process."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support import Server

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 667}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}
FACILITATOR = ("facilitator@browser.dk", "a long browser password")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    running.start()
    created = running.cli(
        "user",
        "create",
        "--email",
        FACILITATOR[0],
        "--password",
        FACILITATOR[1],
        "--role",
        "facilitator",
    )
    assert created.returncode == 0, created.stderr
    yield running
    running.stop()


def open_page(browser: Browser, viewport: dict[str, int], locale: str = "da-DK") -> Page:
    context = browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks; the test says yes
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, server: Server) -> None:
    page.goto(f"{server.base}/f/login")
    page.fill("#email", FACILITATOR[0])
    page.fill("#password", FACILITATOR[1])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/f$"))


def join(page: Page, server: Server, code: str, name: str) -> None:
    page.goto(f"{server.base}/j/{code}")
    page.fill("#name", name)
    page.locator("#join-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/m$"))
    expect(page.locator("#stage")).to_be_visible()


def next_phase(console: Page, expected_phase_text: str) -> None:
    console.locator("#console-live button.primary").first.click()
    expect(console.locator("#console-live .pill").first).to_have_text(expected_phase_text)


def text(language: str, msgid: str, **params: object) -> str:
    """What the app says for ``msgid`` in ``language`` (so a test reads in either language)."""
    from app.i18n import format_money, translations

    said = translations(language).gettext(msgid)
    params = {
        k: format_money(v, "DKK", language) if k.endswith("_kr") and isinstance(v, int) else v
        for k, v in params.items()
    }
    params = {k.removesuffix("_kr"): v for k, v in params.items()}
    if "%(" in msgid:
        return said % params
    return said.format(**params) if params else said


LOCALES = {"da": "da-DK", "en": "en-GB"}


def plural(language: str, singular: str, plural_: str, n: int) -> str:
    from app.i18n import translations

    return translations(language).ngettext(singular, plural_, n) % {"num": n}


def api_round(
    server: Server, pot_minor: int, *, group: str = "G", workshop: str = "W", **round_: Any
) -> dict[str, Any]:
    """A group, a workshop and a round set up through the JSON API, as the facilitator:
    what the facilitator's pages do is tested elsewhere. ``round_``: the round's body."""
    fac = server.call(
        "POST", "/api/v1/auth/login", json={"email": FACILITATOR[0], "password": FACILITATOR[1]}
    )["token"]
    made = server.call(
        "POST", "/api/v1/groups", fac, json={"name": group, "pot": {"amount_minor": pot_minor}}
    )
    started = server.call(
        "POST", f"/api/v1/groups/{made['id']}/workshops", fac, json={"title": workshop}
    )
    round_id = server.call("POST", f"/api/v1/workshops/{started['id']}/rounds", fac, json=round_)[
        "id"
    ]
    return {"fac": fac, "code": started["code"], "round_id": round_id}


def to_phase(server: Server, setup: dict[str, Any], *phases: str) -> None:
    for phase in phases:
        server.call(
            "POST", f"/api/v1/rounds/{setup['round_id']}/phase", setup["fac"], json={"phase": phase}
        )
