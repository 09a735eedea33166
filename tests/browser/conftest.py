"""Real Chromium (Debian's, driven by Playwright) against a real uvicorn process.

One Chromium and one uvicorn per test process (per xdist worker); each test gets fresh
browser contexts (closed after it) and an organisation of its own on the shared server, with
its own facilitator, so tests do not see each other's data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.web.labels import PHASES
from tests.support import Server

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 667}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}
FACILITATOR = ("facilitator@browser.dk", "a long browser password")
NAMES = ["Ali", "Bo", "Cira", "Dina", "Emil", "Fie", "Gustav", "Hiba", "Ida", "Jonas"]  # ten phones


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (``-m "not browser"`` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
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
def browser(chromium: Browser) -> Iterator[Browser]:
    """The session's Chromium; every context a test opened is closed after it, so no page
    of an earlier test keeps a live connection to the shared server."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("server"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def server(live_server: Server) -> Iterator[Server]:
    """The shared server, seen from a new organisation whose facilitator is FACILITATOR."""
    live_server.new_organisation()
    live_server.user(FACILITATOR[0], FACILITATOR[1], "facilitator")
    yield live_server
    live_server.retire_organisation()


def open_page(browser: Browser, viewport: dict[str, int], locale: str = "da-DK") -> Page:
    context = browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks; the test says yes
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    said: list[str] = []  # what the page wrote to its console as errors (htmx's included)
    page.on("console", lambda m: said.append(m.text) if m.type == "error" else None)
    page.console_errors = said  # type: ignore[attr-defined]
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
    """Move the newest round (the console lists rounds oldest first) to its next phase."""
    newest = console.locator("#console-live .round-row").last
    newest.locator("button.primary").click()
    expect(newest.locator(".pill")).to_have_text(expected_phase_text)


def text(language: str, msgid: str, **params: object) -> str:
    """What the app says for ``msgid`` in ``language`` (so a test reads in either language)."""
    from app.web.i18n import format_money, translations

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
    from app.web.i18n import translations

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


def start_workshop(
    console: Page, server: Server, budget: str = "", lang: str = "da"
) -> tuple[str, str]:
    """Through the facilitator's pages: a group, a workshop, a round. Returns code, screen URL."""
    log_in(console, server)
    console.fill("#g-name", "Holdet i Aarhus")
    console.fill("#g-amount", {"da": "60.000", "en": "60,000"}[lang])  # as each language writes
    console.get_by_role("button", name=text(lang, "Create group")).click()
    expect(console.locator("main")).to_contain_text("Holdet i Aarhus")
    console.locator("input[name=title]").first.fill("Workshop 1")
    console.locator("select[name=language]").first.select_option(lang)
    console.get_by_role("button", name=text(lang, "Start workshop")).click()
    console.wait_for_url(re.compile(r".*/f/workshops/.+"))
    console.fill("#r-title", "Hvad skal puljen bruges til?")
    console.fill("#r-budget", budget or {"da": "15.000", "en": "15,000"}[lang])
    console.get_by_role("button", name=text(lang, "Create round")).click()
    expect(console.locator("#console-live .pill").first).to_have_text(text(lang, PHASES["draft"]))
    code = console.locator(".code-inline").inner_text()
    link = console.get_by_role("link", name=text(lang, "Open the shared screen"))
    screen_url = link.get_attribute("href")
    assert screen_url
    return code, screen_url


def propose(phone: Page, title: str, amount: str, how: str, category: str) -> None:
    phone.fill("#p-title", title)
    phone.fill("#p-amount", amount)
    phone.fill("#p-how", how)
    phone.select_option("#p-category", category)
    phone.locator("#proposal-form button[type=submit]").click()
    expect(phone.locator("#proposal-form .notice")).to_be_visible()
    expect(phone.locator("#p-title")).to_have_value("")


def vote(phone: Page, titles: list[str], lang: str = "da") -> None:
    for title in titles:
        phone.locator("label.tap", has_text=title).click()
    expect(phone.locator("#picked")).to_have_text(str(len(titles)))
    phone.locator("#ballot-form button[type=submit]").click()
    expect(phone.locator("#ballot-state")).to_have_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )


# What the screen measures in the browser: the page's own size, and every box on the screen
# that would hide part of its content (a line cut off, not a clamped text with its ellipsis).
MEASURE = """() => {
  const d = document.documentElement;
  const clipped = [...document.querySelectorAll(
      '#screen, .screen-main, .screen-main .content, .screen-main .side, .cards.grid,'
      + ' .cards.grid > li, .results > li, .spotlight, .join-panel, .result, .pot, .screen-head')]
    .filter(el => el.offsetParent !== null)
    .filter(el => el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2)
    .map(el => el.className + ' ' + el.scrollHeight + '>' + el.clientHeight
                + ' / ' + el.scrollWidth + '>' + el.clientWidth);
  const outside = [...document.querySelectorAll('#screen *')]
    .filter(el => el.offsetParent !== null && el.getClientRects().length)
    .filter(el => { const r = el.getBoundingClientRect();
      return r.width > 0 && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1); })
    .map(el => el.tagName + '.' + el.className);
  const px = sel => [...document.querySelectorAll(sel)].filter(el => el.offsetParent !== null)
    .map(el => parseFloat(getComputedStyle(el).fontSize));
  return {scrollHeight: d.scrollHeight, scrollWidth: d.scrollWidth,
          innerHeight, innerWidth, clipped, outside,
          fonts: {voted: px('#screen-voted'), pot: px('.pot-figures dd'), timer: px('.timer'),
                  code: px('.join-corner .code, .join-panel .code'),
                  cardTitle: px('.cards.grid .title, .results .card strong')}};
}"""


def projector_fits(screen: Page, name: str) -> dict[str, Any]:
    """The projector at 1920 by 1080 does not scroll, hides nothing, and its key figures are
    readable from 5 m (≥ 48 px); a screenshot ``name``. Returns what was measured."""
    screen.wait_for_timeout(300)  # let a push settle
    m: dict[str, Any] = screen.evaluate(MEASURE)
    shot(screen, name)
    assert m["scrollHeight"] <= m["innerHeight"], m
    assert m["scrollWidth"] <= m["innerWidth"], m
    assert m["clipped"] == [], (name, m["clipped"])
    assert m["outside"] == [], (name, m["outside"])
    for key in ("voted", "pot", "timer"):
        assert all(size >= 48 for size in m["fonts"][key]), (name, key, m["fonts"])
    assert len(m["fonts"]["pot"]) == 5  # the pot and its four parts
    print(name, m["scrollHeight"], m["scrollWidth"], m["fonts"])
    return m
