"""The phone in a real room (issue 10, points 1-4 and "not voted yet" not in green), in real
Chromium at phone sizes, in Danish and English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LAPTOP,
    LOCALES,
    PHONE,
    SCREENSHOTS,
    api_round,
    join,
    log_in,
    open_page,
    shot,
    text,
    to_phase,
)
from tests.support import Server

SMALL = {"width": 320, "height": 640}
OK_GREEN = "rgb(22, 101, 52)"


def _round_figures(server: Server, setup: dict[str, Any]) -> tuple[int, int]:
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    return view["ballots"], view["members"]


def _proposals(server: Server, setup: dict[str, Any], *titles: str) -> list[str]:
    member = server.call("POST", "/api/v1/join", json={"code": setup["code"], "name": "Forslag"})
    ids = []
    for title in titles:
        made = server.call(
            "POST",
            f"/api/v1/rounds/{setup['round_id']}/proposals",
            member["token"],
            json={
                "title": title,
                "description": "",
                "amount_minor": 1_000_00,
                "how_it_helps": "Det hjælper mig tættere på et job.",
                "category": "course",
            },
        )
        ids.append(made["id"])
    return ids


def _round_with(
    server: Server, *titles: str, to: tuple[str, ...]
) -> tuple[dict[str, Any], list[str]]:
    """A round with ``titles`` proposed, moved on through the phases ``to``."""
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    ids = _proposals(server, setup, *titles)
    to_phase(server, setup, *to)
    return setup, ids


def _emil(
    browser: Browser, server: Server, setup: dict[str, Any], *viewport_and_locale: Any
) -> Page:
    """Emil's phone, joined to the round's workshop."""
    phone = open_page(browser, *viewport_and_locale)
    join(phone, server, setup["code"], "Emil")
    return phone


# 1. Back does not make a second member ---------------------------------------------------


@pytest.mark.parametrize(("lang", "viewport"), [("da", PHONE), ("en", SMALL)])
def test_back_and_typing_my_name_again_keeps_me_one_member(
    browser: Browser, server: Server, lang: str, viewport: dict[str, int]
) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing", "discussing", "voting")
    phone = _emil(browser, server, setup, viewport, LOCALES[lang])
    me = phone.locator("#main").get_attribute("data-member")
    phone.go_back()  # the join page is never cached: the server sends a member back
    expect(phone).to_have_url(re.compile(r".*/m$"))
    expect(phone.locator("#voted")).to_have_text(
        text(lang, "%(ballots)s of %(members)s have voted", ballots=0, members=1)
    )
    # The login ends (or is lost); the phone is still known: "continue as", or type the name.
    phone.context.clear_cookies(name="puljen_member")
    phone.goto(f"{server.base}/j/{setup['code']}")
    offer = phone.get_by_role("button", name=text(lang, "Continue as %(name)s", name="Emil"))
    expect(offer).to_be_visible()
    shot(phone, f"phone-continue-as-{lang}-{viewport['width']}")
    phone.fill("#name", "Emil")
    phone.locator("#join-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/m$"))
    assert phone.locator("#main").get_attribute("data-member") == me
    expect(phone.locator("#voted")).to_have_text(
        text(lang, "%(ballots)s of %(members)s have voted", ballots=0, members=1)
    )
    assert _round_figures(server, setup) == (0, 1)
    # Another phone trying the same name is refused, as before.
    other = open_page(browser, viewport, LOCALES[lang])
    other.goto(f"{server.base}/j/{setup['code']}")
    expect(other.locator(".known")).to_have_count(0)
    other.fill("#name", "Emil")
    other.locator("#join-form button[type=submit]").click()
    expect(other.locator("#join-error")).to_have_text(
        text(lang, "Someone here already uses that name. Add an initial or a nickname.")
    )
    assert _round_figures(server, setup) == (0, 1)
    assert not phone.js_errors  # type: ignore[attr-defined]
    assert not other.js_errors  # type: ignore[attr-defined]
    other.context.close()
    phone.context.close()


# 2. Leave asks first, does not look like the language buttons, and can be undone ----------


@pytest.mark.parametrize(("lang", "viewport"), [("da", PHONE), ("en", SMALL)])
def test_leave_asks_first_and_the_same_phone_comes_back(
    browser: Browser, server: Server, lang: str, viewport: dict[str, int]
) -> None:
    setup, [proposal] = _round_with(server, "Kørekort", to=("discussing", "voting"))
    phone = _emil(browser, server, setup, viewport, LOCALES[lang])
    me = phone.locator("#main").get_attribute("data-member")
    phone.locator(f"label[for='a-{proposal}']").click()
    phone.get_by_role("button", name=text(lang, "Send my vote")).click()
    expect(phone.locator("#ballot-state")).to_contain_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )
    assert _round_figures(server, setup) == (1, 2)
    leave = phone.locator("#leave")
    language = phone.locator(".language button").first
    box = leave.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["width"] >= 44
    style = leave.evaluate("e => getComputedStyle(e).borderTopWidth")
    assert style != language.evaluate("e => getComputedStyle(e).borderTopWidth")
    shot(phone, f"phone-leave-link-{lang}-{viewport['width']}")
    leave.click()
    expect(phone.get_by_role("heading", name=text(lang, "Leave the workshop?"))).to_be_visible()
    shot(phone, f"phone-leave-confirm-{lang}-{viewport['width']}")
    assert _round_figures(server, setup) == (1, 2)  # asking is not leaving
    phone.get_by_role("link", name=text(lang, "No, stay")).click()
    expect(phone).to_have_url(re.compile(r".*/m$"))
    phone.locator("#leave").click()
    phone.get_by_role("button", name=text(lang, "Yes, leave")).click()
    expect(phone).to_have_url(re.compile(r".*/j$"))
    assert _round_figures(server, setup) == (0, 1)  # neither in N nor in M
    # On a shared phone the next person is not offered to be Emil; Emil comes back on the
    # same phone by typing the code and his name, as the same member with his vote.
    expect(
        phone.get_by_role("button", name=text(lang, "Continue as %(name)s", name="Emil"))
    ).to_have_count(0)
    expect(phone.locator(".known")).to_have_count(0)
    phone.fill("#code", setup["code"])
    phone.fill("#name", "Emil")
    phone.locator("#join-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/m$"))
    assert phone.locator("#main").get_attribute("data-member") == me
    expect(phone.locator("#ballot-state")).to_contain_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )
    expect(phone.locator(f"#a-{proposal}")).to_be_checked()
    assert _round_figures(server, setup) == (1, 2)
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


def test_the_name_of_someone_who_left_is_free_for_another_phone(
    browser: Browser, server: Server
) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    phone = _emil(browser, server, setup, PHONE)
    phone.locator("#leave").click()
    phone.get_by_role("button", name=text("da", "Yes, leave")).click()
    expect(phone).to_have_url(re.compile(r".*/j$"))
    other = _emil(browser, server, setup, PHONE)
    assert _round_figures(server, setup) == (0, 1)
    other.context.close()
    phone.context.close()


# 3. Offline: kept on the phone, shown next to the button, sent once when back -------------


def _posts(page: Page, path: str) -> list[str]:
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith(path) else None,
    )
    return sent


@pytest.mark.parametrize(("lang", "viewport"), [("da", PHONE), ("en", SMALL)])
def test_a_vote_tapped_offline_is_kept_and_sent_once_when_back(
    browser: Browser, server: Server, lang: str, viewport: dict[str, int]
) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    titles = [f"Forslag {i}" for i in range(8)]
    proposals = _proposals(server, setup, *titles)
    to_phase(server, setup, "discussing", "voting")
    phone = _emil(browser, server, setup, viewport, LOCALES[lang])
    state = phone.locator("#ballot-state")
    expect(state).to_have_text(text(lang, "You have not voted yet."))
    assert state.evaluate("e => getComputedStyle(e).color") != OK_GREEN  # 14: not in green
    posts = _posts(phone, "/ballot")
    phone.locator(f"label[for='a-{proposals[-1]}']").click()
    phone.context.set_offline(True)
    send = phone.get_by_role("button", name=text(lang, "Send my vote"))
    send.click()
    unsent = text(lang, "Not sent yet. It is sent by itself when you are back online.")
    expect(state).to_have_text(unsent)
    expect(phone.locator("body")).to_have_class(re.compile("offline"))
    # "Not sent yet" is right next to the button, and the banner is in view where we are.
    gap = phone.evaluate(
        "() => document.querySelector('#ballot-form button[type=submit]').getBoundingClientRect()"
        ".top - document.getElementById('ballot-state').getBoundingClientRect().bottom"
    )
    assert 0 <= gap < 40
    banner = phone.locator(".offline-banner")
    expect(banner).to_be_visible()
    top = banner.evaluate("e => e.getBoundingClientRect().top")
    assert phone.evaluate("window.scrollY") > 200
    assert top == 0
    send_box, banner_box = send.bounding_box(), banner.bounding_box()
    assert send_box
    assert banner_box
    assert send_box["y"] >= banner_box["y"] + banner_box["height"]
    shot(phone, f"phone-vote-offline-{lang}-{viewport['width']}")
    view = SCREENSHOTS / f"phone-vote-offline-viewport-{lang}-{viewport['width']}.png"
    phone.screenshot(path=str(view))  # what the member sees where they are
    assert _round_figures(server, setup)[0] == 0
    phone.context.set_offline(False)
    expect(state).to_contain_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )
    expect(state).to_have_css("color", OK_GREEN)  # retried: the state is swapped in live
    phone.wait_for_timeout(1500)  # a reconnect, an online event: still only once
    assert len(posts) == 2  # the failed one offline, then exactly one resend
    assert _round_figures(server, setup)[0] == 1
    phone.reload()
    expect(phone.locator(f"#a-{proposals[-1]}")).to_be_checked()
    expect(state).to_contain_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )
    shot(phone, f"phone-vote-sent-{lang}-{viewport['width']}")
    assert phone.evaluate("localStorage.getItem('puljen:outbox')") in (None, "{}")
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


def test_a_proposal_sent_offline_arrives_once(browser: Browser, server: Server) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    phone = _emil(browser, server, setup, PHONE)
    posts = _posts(phone, "/proposals")
    phone.fill("#p-title", "Kørekort")
    phone.fill("#p-amount", "2500")
    phone.fill("#p-how", "Så kan jeg køre til et job.")
    phone.select_option("#p-category", "licence")
    phone.context.set_offline(True)
    phone.get_by_role("button", name=text("da", "Send proposal")).click()
    note = phone.locator("#proposal-form .outbox-note")
    expect(note).to_have_text(
        text("da", "Not sent yet. It is sent by itself when you are back online.")
    )
    shot(phone, "phone-proposal-offline-da-375")
    phone.context.set_offline(False)
    expect(phone.locator("#proposal-list")).to_contain_text("Kørekort")
    expect(phone.locator("#proposal-form .notice")).to_be_visible()
    phone.wait_for_timeout(1500)
    assert len(posts) == 2
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    assert [p["title"] for p in view["proposals"]] == ["Kørekort"]
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


def _lose_the_first_answer(phone: Page) -> None:
    """The first proposal sent reaches the server, which stores it, but its answer never
    comes back to the phone; a laptop proposal is typed in, ready to send."""
    lost = {"first": True}

    def lose_answer(route: Any) -> None:
        if lost["first"]:
            lost["first"] = False
            route.fetch()  # the server stores it …
            route.abort("connectionreset")  # … and the phone never hears back
        else:
            route.continue_()

    phone.route(re.compile(r".*/proposals$"), lose_answer)
    phone.fill("#p-title", "Laptop")
    phone.fill("#p-amount", "3000")
    phone.fill("#p-how", "Til skolearbejde.")
    phone.select_option("#p-category", "equipment")


def test_a_proposal_whose_answer_was_lost_is_not_stored_twice(
    browser: Browser, server: Server
) -> None:
    """The request reaches the server, the answer never comes back: the page keeps it and
    sends it again when the connection returns; the key makes the server answer the one it
    has."""
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    phone = _emil(browser, server, setup, PHONE)
    _lose_the_first_answer(phone)
    phone.get_by_role("button", name=text("da", "Send proposal")).click()
    expect(phone.locator("#proposal-form .outbox-note")).to_be_visible()
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the connection is back
    expect(phone.locator("#proposal-form .notice")).to_be_visible()
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    assert [p["title"] for p in view["proposals"]] == ["Laptop"]
    phone.context.close()


def test_a_comment_sent_offline_arrives_once(browser: Browser, server: Server) -> None:
    setup, [proposal] = _round_with(server, "Kørekort", to=("discussing",))
    phone = _emil(browser, server, setup, PHONE)
    phone.fill(f"#c-{proposal}", "God idé!")
    phone.context.set_offline(True)
    phone.get_by_role("button", name=text("da", "Comment")).click()
    form = phone.locator(".comment-form")
    expect(form.locator(".outbox-note")).to_have_text(
        text("da", "Not sent yet. It is sent by itself when you are back online.")
    )
    phone.context.set_offline(False)
    expect(form.locator(".outbox-note")).to_have_text(text("da", "Sent."))
    expect(phone.locator(f"#c-{proposal}")).to_have_value("")
    phone.wait_for_timeout(1000)
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    assert [c["text"] for c in view["proposals"][0]["comments"]] == ["God idé!"]
    phone.context.close()


# 4. Two tabs of one member agree; nobody else gets the ballot -----------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_two_tabs_of_one_member_agree_and_nobody_else_sees_it(
    browser: Browser, server: Server, lang: str
) -> None:
    setup, proposals = _round_with(server, "Kørekort", "Laptop", to=("discussing", "voting"))
    first = _emil(browser, server, setup, PHONE, LOCALES[lang])
    second = first.context.new_page()
    second.goto(f"{server.base}/m")
    other = open_page(browser, PHONE, LOCALES[lang])
    join(other, server, setup["code"], "Sara")
    not_yet = text(lang, "You have not voted yet.")
    voted = text(lang, "Your vote is in. You can change it until voting ends.")
    expect(second.locator("#ballot-state")).to_have_text(not_yet)
    first.locator(f"label[for='a-{proposals[1]}']").click()
    first.get_by_role("button", name=text(lang, "Send my vote")).click()
    expect(first.locator("#ballot-state")).to_contain_text(voted)
    expect(second.locator("#ballot-state")).to_contain_text(voted)  # without a reload
    expect(second.locator(f"#a-{proposals[1]}")).to_be_checked()
    expect(other.locator("#voted")).to_have_text(
        text(lang, "%(ballots)s of %(members)s have voted", ballots=1, members=3)
    )
    expect(other.locator("#ballot-state")).to_have_text(not_yet)  # Sara's stays hers
    expect(other.locator(f"#a-{proposals[1]}")).not_to_be_checked()
    assert other.locator("#ballot-state").get_attribute("data-ballot") is None
    shot(second, f"phone-second-tab-{lang}-375")
    for page in (first, other):
        assert not page.js_errors  # type: ignore[attr-defined]
    other.context.close()
    first.context.close()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_closed_rounds_count_does_not_change_when_someone_joins_later(
    browser: Browser, server: Server, lang: str
) -> None:
    setup, [proposal] = _round_with(server, "Kørekort", to=("discussing", "voting"))
    phone = _emil(browser, server, setup, PHONE, LOCALES[lang])
    phone.locator(f"label[for='a-{proposal}']").click()
    phone.get_by_role("button", name=text(lang, "Send my vote")).click()
    expect(phone.locator("#ballot-state")).to_contain_text(
        text(lang, "Your vote is in. You can change it until voting ends.")
    )
    to_phase(server, setup, "closed")
    workshop = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    console = open_page(browser, LAPTOP, LOCALES[lang])
    log_in(console, server)
    console.goto(f"{server.base}/f/workshops/{workshop['workshop_id']}")
    said = text(lang, "%(ballots)s of %(members)s have voted", ballots=1, members=2)
    expect(console.locator("#console-voted")).to_have_text(said)
    later = open_page(browser, SMALL, LOCALES[lang])
    join(later, server, setup["code"], "Nadia")  # joins after the close
    expect(console.locator("#console-live .members")).to_contain_text("Nadia")
    expect(console.locator("#console-voted")).to_have_text(said)  # still 1 of 2
    console.reload()
    expect(console.locator("#console-voted")).to_have_text(said)
    assert _round_figures(server, setup) == (1, 2)
    for page in (later, console, phone):
        page.context.close()


# Review of the outbox and drafts: a shared phone, order, other tabs, edits, retries --------

UNSENT = "Not sent yet. It is sent by itself when you are back online."
RETRY = "Not sent yet. It is tried again by itself in a moment."
VOTED = "Your vote is in. You can change it until voting ends."


def _token(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "puljen_member")


def _my_ballot(server: Server, page: Page, setup: dict[str, Any]) -> Any:
    return server.call("GET", f"/api/v1/rounds/{setup['round_id']}", _token(page))["my_ballot"]


def _storage(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage[k]]))"
    )
    return found


@pytest.mark.parametrize(("lang", "viewport"), [("da", PHONE), ("en", SMALL)])
def test_a_shared_phone_gives_the_next_person_nothing_of_the_last(
    browser: Browser, server: Server, lang: str, viewport: dict[str, int]
) -> None:
    """Emil's ticks and half-typed words are his: after his login ends, Sara joining on the
    same phone starts empty; after Leave, nothing of his waits on the phone, and the join
    page offers no one-tap way back in as him (typing his name still brings him back)."""
    setup, [proposal] = _round_with(server, "Kørekort", to=("discussing", "voting"))
    phone = _emil(browser, server, setup, viewport, LOCALES[lang])
    emil = phone.locator("#main").get_attribute("data-member")
    phone.locator(f"label[for='a-{proposal}']").click()  # a draft: ticked, not sent
    phone.context.clear_cookies(name="puljen_member")  # his login ends; the phone is passed on
    phone.goto(f"{server.base}/j/{setup['code']}")
    phone.fill("#name", "Sara")
    phone.locator("#join-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/m$"))
    sara = phone.locator("#main").get_attribute("data-member")
    assert sara
    assert sara != emil
    expect(phone.locator(f"#a-{proposal}")).not_to_be_checked()  # not Emil's tick
    expect(phone.locator("#picked")).to_have_text("0")
    assert f"puljen:draft:{emil}:ballot-{setup['round_id']}" in _storage(phone)  # still his
    # Sara ticks and votes offline; the server stays out of reach; she leaves.
    phone.locator(f"label[for='a-{proposal}']").click()
    phone.context.set_offline(True)
    phone.get_by_role("button", name=text(lang, "Send my vote")).click()
    expect(phone.locator("#ballot-state")).to_have_text(text(lang, UNSENT))
    phone.route(re.compile(r".*/ballot$"), lambda route: route.abort("connectionrefused"))
    phone.context.set_offline(False)
    assert f'"member":"{sara}"' in (_storage(phone).get("puljen:outbox") or "")
    phone.locator("#leave").click()
    expect(phone.get_by_role("heading", name=text(lang, "Leave the workshop?"))).to_be_visible()
    shot(phone, f"phone-leave-wording-{lang}-{viewport['width']}")
    phone.get_by_role("button", name=text(lang, "Yes, leave")).click()
    expect(phone).to_have_url(re.compile(r".*/j$"))
    left = _storage(phone)
    assert not [k for k in left if k.startswith(f"puljen:draft:{sara}:")]  # her drafts went
    assert sara not in (left.get("puljen:outbox") or "")  # and her unsent vote
    assert f"puljen:draft:{emil}:ballot-{setup['round_id']}" in left  # not Emil's
    phone.goto(f"{server.base}/j/{setup['code']}")  # Emil's login ended: he is offered;
    offer = text(lang, "Continue as %(name)s", name="Emil")  # Sara left: she is not
    expect(phone.get_by_role("button", name=offer)).to_be_visible()
    expect(phone.locator(".known")).not_to_contain_text("Sara")
    shot(phone, f"phone-join-after-leave-{lang}-{viewport['width']}")
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


def test_a_newer_vote_is_never_overwritten_by_an_older_resend(
    browser: Browser, server: Server
) -> None:
    setup, [first, second] = _round_with(server, "Kørekort", "Laptop", to=("discussing", "voting"))
    phone = _emil(browser, server, setup, PHONE)
    phone.locator(f"label[for='a-{first}']").click()
    phone.context.set_offline(True)
    send = phone.get_by_role("button", name=text("da", "Send my vote"))
    send.click()
    expect(phone.locator("#ballot-state")).to_have_text(text("da", UNSENT))
    held: list[Any] = []
    bodies: list[str] = []

    def hold_the_first(route: Any) -> None:
        bodies.append(route.request.post_data or "")
        if not held:
            held.append(route)  # the resend of the old vote is slow …
        else:
            route.continue_()

    phone.route(re.compile(r".*/ballot$"), hold_the_first)
    phone.context.set_offline(False)
    phone.wait_for_timeout(800)
    assert len(held) == 1
    assert first in bodies[0]
    # … and meanwhile Emil changes his mind and sends again.
    phone.locator(f"label[for='a-{first}']").click()
    phone.locator(f"label[for='a-{second}']").click()
    send.click()
    phone.wait_for_timeout(800)
    held[0].continue_()  # the old one arrives now; the new one must come after it
    expect(phone.locator("#ballot-state")).to_contain_text(text("da", VOTED))
    phone.wait_for_timeout(1500)
    assert _my_ballot(server, phone, setup) == {"approvals": [second]}
    assert [first in b for b in bodies] == [True, False]
    expect(phone.locator(f"#a-{second}")).to_be_checked()
    expect(phone.locator(f"#a-{first}")).not_to_be_checked()
    assert phone.evaluate("localStorage.getItem('puljen:outbox')") in (None, "{}")
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


def test_another_tab_follows_the_stream_while_one_tab_holds_its_unsent_vote(
    browser: Browser, server: Server
) -> None:
    setup, [first, second] = _round_with(server, "Kørekort", "Laptop", to=("discussing", "voting"))
    tab = _emil(browser, server, setup, PHONE)
    other = tab.context.new_page()
    other.goto(f"{server.base}/m")
    expect(other.locator("#ballot-state")).to_have_text(text("da", "You have not voted yet."))
    tab.route(re.compile(r".*/ballot$"), lambda route: route.abort("connectionreset"))
    tab.locator(f"label[for='a-{first}']").click()
    tab.get_by_role("button", name=text("da", "Send my vote")).click()
    expect(tab.locator("#ballot-state")).to_have_text(text("da", RETRY))  # online: it retries
    # Emil's vote reaches the server another way (here: the API with his login).
    server.call(
        "PUT",
        f"/api/v1/rounds/{setup['round_id']}/ballot",
        _token(tab),
        json={"approvals": [second]},
    )
    expect(other.locator("#ballot-state")).to_contain_text(text("da", VOTED))
    expect(other.locator(f"#a-{second}")).to_be_checked()
    expect(tab.locator("#ballot-state")).to_have_text(text("da", RETRY))  # its own, kept
    shot(other, "phone-other-tab-follows-da-375")
    tab.context.close()


def test_an_edited_resend_after_a_lost_answer_is_said_at_the_form_not_dropped(
    browser: Browser, server: Server
) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    phone = _emil(browser, server, setup, PHONE)
    _lose_the_first_answer(phone)
    send = phone.get_by_role("button", name=text("da", "Send proposal"))
    send.click()
    expect(phone.locator("#proposal-form .outbox-note")).to_have_text(text("da", RETRY))
    phone.fill("#p-title", "Laptop med skærm")  # Emil edits, and sends again at once
    send.click()
    said = text(
        "da",
        "This was already sent as you first wrote it. Your changes are not sent: send again "
        "to add them as a new one.",
    )
    expect(phone.locator("#proposal-form .outbox-note")).to_have_text(said)
    expect(phone.locator("#p-title")).to_have_value("Laptop med skærm")  # nothing lost
    shot(phone, "phone-proposal-edited-resend-da-375")
    send.click()  # a new key: the edit is a proposal of its own
    expect(phone.locator("#proposal-form .notice")).to_be_visible()
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    assert sorted(p["title"] for p in view["proposals"]) == ["Laptop", "Laptop med skærm"]
    phone.context.close()


def test_a_late_resend_keeps_what_was_typed_since(browser: Browser, server: Server) -> None:
    setup = api_round(server, 10_000_00, title="R", method="approval")
    to_phase(server, setup, "proposing")
    phone = _emil(browser, server, setup, PHONE)
    phone.fill("#p-title", "Kørekort")
    phone.fill("#p-amount", "2500")
    phone.fill("#p-how", "Så kan jeg køre til et job.")
    phone.select_option("#p-category", "licence")
    phone.context.set_offline(True)
    phone.get_by_role("button", name=text("da", "Send proposal")).click()
    expect(phone.locator("#proposal-form .outbox-note")).to_have_text(text("da", UNSENT))
    phone.fill("#p-description", "Og lidt mere om det.")  # typed after the failed send
    phone.context.set_offline(False)
    expect(phone.locator("#proposal-list")).to_contain_text("Kørekort")
    expect(phone.locator("#proposal-form .outbox-note")).to_have_text(text("da", "Sent."))
    expect(phone.locator("#p-description")).to_have_value("Og lidt mere om det.")
    phone.reload()  # the draft is kept too
    expect(phone.locator("#p-description")).to_have_value("Og lidt mere om det.")
    view = server.call("GET", f"/api/v1/rounds/{setup['round_id']}", setup["fac"])
    assert [p["title"] for p in view["proposals"]] == ["Kørekort"]
    # The form comes back with its reasons: the first field to fix has the focus.
    phone.fill("#p-title", "")
    phone.get_by_role("button", name=text("da", "Send proposal")).click()
    expect(phone.locator("#p-errors")).to_be_visible()
    assert phone.evaluate("document.activeElement.id") == "p-title"
    assert not phone.js_errors  # type: ignore[attr-defined]
    phone.context.close()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_vote_the_server_could_not_take_is_tried_again_while_online(
    browser: Browser, server: Server, lang: str
) -> None:
    setup, [proposal] = _round_with(server, "Kørekort", to=("discussing", "voting"))
    phone = _emil(browser, server, setup, PHONE, LOCALES[lang])
    troubles = {"left": 2}

    def busy_server(route: Any) -> None:
        if troubles["left"]:
            troubles["left"] -= 1
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    phone.route(re.compile(r".*/ballot$"), busy_server)
    phone.locator(f"label[for='a-{proposal}']").click()
    phone.get_by_role("button", name=text(lang, "Send my vote")).click()
    expect(phone.locator("#ballot-state")).to_have_text(text(lang, RETRY))
    shot(phone, f"phone-vote-retrying-{lang}-375")
    expect(phone.locator("#ballot-state")).to_contain_text(text(lang, VOTED), timeout=15000)
    assert troubles["left"] == 0
    assert _my_ballot(server, phone, setup) == {"approvals": [proposal]}
    phone.context.close()
