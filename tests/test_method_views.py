"""The voting methods in the browser views: a plain explanation for the group, the
facilitator's settings per method, and the result shown live while voting when chosen."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.web.forms import method_params
from tests.conftest import Api

CSRF = "the-token-is-long-enough-1234"
HTMX = {"X-CSRF-Token": CSRF, "HX-Request": "true"}


def _facilitator(api: Api) -> Any:
    fac = api.user("fac@methods.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    api.client.cookies.set("puljen_user", fac)
    api.client.cookies.set("puljen_csrf", CSRF)
    return fac, workshop


@pytest.mark.parametrize(
    ("language", "names", "sample"),
    [
        ("en", ["Ticks", "Equal Shares", "Knapsack", "Points", "Consent"], "equal share"),
        ("da", ["Flueben", "Lige andele", "Rygsæk", "Point", "Samtykke"], "lige stor andel"),
    ],
)
def test_the_methods_page_explains_every_method_in_plain_words(
    api: Api, language: str, names: list[str], sample: str
) -> None:
    page = api.client.get("/methods", headers={"Accept-Language": language})
    assert page.status_code == 200
    for name in names:
        assert f"<h2>{name}</h2>" in page.text
    assert sample in page.text
    one = api.client.get("/methods/consent", headers={"Accept-Language": language})
    assert one.status_code == 200
    assert one.text.count("<h2>") == 1
    assert "50 %" in one.text  # the default threshold, in words a group can read


def test_an_unknown_method_page_is_a_clear_error(api: Api) -> None:
    answer = api.client.get("/methods/lottery", headers={"Accept": "text/html"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")


def test_the_console_form_reads_each_methods_own_settings() -> None:
    typed = {"points": " 7 ", "threshold": "0,6", "max_no": "2", "completion": "greedy"}
    assert method_params("cumulative", typed) == {"points": 7}
    assert method_params("consent", typed) == {"threshold": "0.6", "max_no": 2}
    assert method_params("equal_shares", typed) == {"completion": "greedy"}
    assert method_params("approval", typed) == {}
    assert method_params("consent", {"threshold": "", "max_no": ""}) == {}
    assert method_params("cumulative", {"points": "ti"}) == {"points": "ti"}  # refused later


def test_a_round_made_in_the_console_keeps_its_method_settings(api: Api) -> None:
    fac, workshop = _facilitator(api)
    made = api.client.post(
        f"/f/workshops/{workshop['id']}/rounds",
        data={
            "title": "Point-runden",
            "method": "cumulative",
            "points": "7",
            "threshold": "0,9",  # another method's field: left out
            "show_live": "1",
            "budget": "20.000",
        },
        headers=HTMX,
    )
    # Issue 10: the form answers with itself, empty when taken, else the reason at its field.
    assert made.status_code == 200
    assert 'class="error"' not in made.text
    odd = api.client.post(
        f"/f/workshops/{workshop['id']}/rounds",
        data={"title": "x", "method": "cumulative", "points": "ti", "budget": "100"},
        headers=HTMX,
    )
    assert odd.status_code == 200
    assert 'id="r-points-error"' in odd.text
    page = api.client.get(f"/f/workshops/{workshop['id']}")
    assert "Point-runden" in page.text
    assert "Resultatet live under afstemningen: til" in page.text
    rounds = api.ok("GET", f"/api/v1/workshops/{workshop['id']}", fac)["rounds"]
    assert [(r["params"], r["show_live"]) for r in rounds] == [({"points": 7}, True)]


def test_show_live_puts_the_result_so_far_on_the_screen_and_phones(api: Api) -> None:
    fac, workshop = _facilitator(api)
    round_id = api.round(fac, workshop["id"], method="equal_shares")["id"]
    members = [api.join(workshop["code"], name) for name in ("Ali", "Bo")]
    api.phase(fac, round_id, "proposing")
    bus = api.propose(members[0], round_id, "Buskort", 3_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    screen_token = workshop["screen_url"].rsplit("/", 1)[1]

    hidden = api.client.get(f"/screen/{screen_token}").text
    assert "Sådan stemmer vi: Lige andele" in hidden
    assert "Hvis afstemningen sluttede nu" not in hidden

    phone = {"cookie": f"puljen_member={members[1]}"}
    with (
        api.client.websocket_connect(f"/ws/screen/{screen_token}") as screen,
        api.client.websocket_connect(f"/ws/live/{workshop['id']}", headers=phone) as ws,
    ):
        for socket in (screen, ws):
            socket.receive_text()
            socket.receive_text()
        time.sleep(0.3)
        toggled = api.client.post(
            f"/f/rounds/{round_id}/show-live", data={"show_live": "1"}, headers=HTMX
        )
        assert toggled.status_code == 204
        shown = screen.receive_text()
        assert "Hvis afstemningen sluttede nu" in shown
        assert "Buskort" in shown
        pushed = ws.receive_text()
        assert 'id="live-result"' in pushed
        assert "Hvis afstemningen sluttede nu" in pushed
        assert 'id="ballot-form"' not in pushed  # an unsent ballot is left alone
        api.vote(members[0], round_id, [bus])
        after = screen.receive_text()
        while "1 af 2 har stemt" not in after:
            after = screen.receive_text()
    assert "Får penge: den ene, der støttede det" in after  # the bus, funded so far, and why
    assert "Ali" not in after  # names never go on the screen
