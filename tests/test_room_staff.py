"""Issue 10 for the staff: the close confirmation and a new round's budget (16), landing by
role (18), the caseworker's decision page (20), the audit trail and the pot in words (21),
and the demo on a laptop in a real room (23). Through the real ASGI app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.deliberation.events import NAMES
from app.infra import network
from app.web import labels
from app.web.i18n import format_money, tidy, translate
from app.web.templating import environment
from tests.conftest import PASSWORD, Api
from tests.databases import database_url
from tests.support import closed_round

CSRF = "the-token-is-long-enough-1234"
HTML = {"Accept": "text/html"}
HTMX = {"X-CSRF-Token": CSRF, "HX-Request": "true"}
APP = Path(__file__).resolve().parents[1] / "app"


def _as(api: Api, token: str, language: str = "da") -> None:
    api.client.cookies.set("puljen_user", token)
    api.client.cookies.set("puljen_csrf", CSRF)
    api.client.cookies.set("puljen_lang", language)


def _form(api: Api, path: str, **fields: Any) -> Any:
    return api.client.post(
        path, data={"csrf": CSRF, **fields}, headers=HTML, follow_redirects=False
    )


def _kr(minor: int, language: str = "da") -> str:
    return format_money(minor, "DKK", language)


# --- 16: closing a round, a new round's budget ------------------------------------------


def _voting_round(api: Api, members: int = 3) -> dict[str, Any]:
    fac = api.user("fac@odense.dk")
    group = api.group(fac, amount_minor=50_000_00)
    workshop = api.workshop(fac, group["id"])
    tokens = [api.join(workshop["code"], f"Medlem {n}") for n in range(members)]
    round_id = api.round(fac, workshop["id"], budget_minor=20_000_00)["id"]
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(tokens[0], round_id, "Kørekort", 12_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    return {"fac": fac, "workshop": workshop, "round_id": round_id, "tokens": tokens, "p": proposal}


def _close_confirm(page: str) -> str:
    found = re.search(r'hx-vals=\'\{"phase": "closed"\}\'[^>]*hx-confirm="([^"]*)"', page)
    assert found, "the console has no close button"
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "none", "some", "all_"),
    [
        ("da", "0 af 3 har stemt. Luk alligevel?", "2 af 3 har stemt. Luk alligevel?", "Alle 3"),
        ("en", "0 of 3 have voted. Close anyway?", "2 of 3 have voted. Close anyway?", "All 3"),
    ],
)
def test_the_close_button_asks_with_the_votes_counted(
    api: Api, language: str, none: str, some: str, all_: str
) -> None:
    s = _voting_round(api)
    _as(api, s["fac"], language)
    console = f"/f/workshops/{s['workshop']['id']}"
    assert _close_confirm(api.client.get(console).text) == none
    for token in s["tokens"][:2]:
        api.vote(token, s["round_id"], [s["p"]])
    assert _close_confirm(api.client.get(console).text) == some
    api.vote(s["tokens"][2], s["round_id"], [s["p"]])
    assert _close_confirm(api.client.get(console).text).startswith(all_)


def test_the_close_question_of_a_round_without_proposals_says_nothing_can_be_funded(
    api: Api,
) -> None:
    fac = api.user("fac@odense.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"], budget_minor=1_000_00)["id"]
    for phase in ("proposing", "discussing", "voting"):
        api.phase(fac, round_id, phase)
    _as(api, fac)
    said = _close_confirm(api.client.get(f"/f/workshops/{workshop['id']}").text)
    assert said == "Runden har ingen forslag, så der kan ikke gives penge til noget. Luk alligevel?"


def test_a_new_round_needs_a_budget_and_the_form_says_what_the_pot_has(api: Api) -> None:
    fac = api.user("fac@odense.dk")
    workshop = api.workshop(fac, api.group(fac, amount_minor=60_000_00)["id"])
    _as(api, fac)
    page = api.client.get(f"/f/workshops/{workshop['id']}").text
    budget_field = page.split('id="r-budget"')[1].split(">")[0]
    assert "placeholder" not in budget_field
    assert 'value=""' in budget_field
    assert f"Puljen har {_kr(60_000_00)} til rådighed." in page
    path = f"/f/workshops/{workshop['id']}/rounds"
    empty = api.client.post(path, data={"title": "Runde 2", "budget": " "}, headers=HTMX)
    assert empty.status_code == 200
    assert 'id="r-budget-error"' in empty.text
    assert 'aria-invalid="true"' in empty.text
    assert f"Skriv rundens budget i kroner. Puljen har {_kr(60_000_00)} til rådighed." in empty.text
    assert 'value="Runde 2"' in empty.text  # what was typed is kept
    rounds = api.ok("GET", f"/api/v1/workshops/{workshop['id']}", fac)["rounds"]
    assert rounds == []  # nothing made, and never silently the whole pot
    made = api.client.post(path, data={"title": "Runde 2", "budget": "15.000"}, headers=HTMX)
    assert made.status_code == 200
    assert 'value="Runde 2"' not in made.text
    rounds = api.ok("GET", f"/api/v1/workshops/{workshop['id']}", fac)["rounds"]
    assert [r["budget_minor"] for r in rounds] == [15_000_00]


# --- 18: login lands by role --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"), [("facilitator", "/f"), ("approver", "/f/decisions"), ("admin", "/f")]
)
def test_login_lands_by_role(api: Api, role: str, home: str) -> None:
    api.user(f"{role}@odense.dk", role=role)
    api.client.cookies.set("puljen_csrf", CSRF)
    login = api.client.get("/f/login").text
    assert "Log ind for personale" in login
    assert "Log ind som facilitator" not in login
    landed = _form(api, "/f/login", email=f"{role}@odense.dk", password=PASSWORD)
    assert landed.status_code == 303
    assert landed.headers["location"] == home
    start = api.client.get("/f", headers=HTML, follow_redirects=False)  # the brand link
    assert start.status_code == (303 if home != "/f" else 200)


def test_the_login_page_is_for_all_staff_in_english_too(api: Api) -> None:
    api.client.cookies.set("puljen_lang", "en")
    page = api.client.get("/f/login").text
    assert "Staff login" in page
    assert "as facilitator" not in page


# --- 20: the caseworker's decision page -----------------------------------------------------


def test_a_refused_payment_keeps_what_was_typed_with_the_reason_at_the_field(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 15_000_00})
    decision = s["decisions"]["Kørekort"]["id"]
    path = f"/f/decisions/{decision}"
    _as(api, s["approver"])
    assert _form(api, f"{path}/approve", amount="").status_code == 303  # all: no question
    over = _form(api, f"{path}/pay", amount="15.000,01", paid_to="Køreskolen Vest", method="card")
    assert over.status_code == 409
    assert 'id="pay-amount-error"' in over.text
    assert _kr(15_000_00) in over.text
    assert 'value="15.000,01"' in over.text
    assert 'value="Køreskolen Vest"' in over.text
    assert '<option value="card" selected>' in over.text
    bad = _form(api, f"{path}/pay", amount="mange", paid_to="Køreskolen Vest", method="card")
    assert 'id="pay-amount-error"' in bad.text
    assert 'value="mange"' in bad.text
    nobody = _form(api, f"{path}/pay", amount="1.000", paid_to=" ", method="invoice")
    assert nobody.status_code == 422
    assert 'id="pay-to-error"' in nobody.text
    assert 'value="1.000"' in nobody.text
    assert "Skriv, hvem der blev betalt." in nobody.text  # in words, not "paid_to"
    page = api.client.get(path).text
    assert "decision-error" not in page
    assert "pay-amount-error" not in page


def test_the_decision_page_shows_who_proposed_why_and_the_vote_never_who_voted(
    api: Api,
) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    _as(api, s["approver"])
    page = api.client.get(f"/f/decisions/{s['decisions']['Kørekort']['id']}").text
    assert "Foreslået af</dt><dd>Asta" in page
    assert "Det hjælper mig tættere på et job." in page
    vote = translate("da", labels.REASONS["funded"], {"approvals": 1, "voters": 1})
    assert f"<dd>{vote}</dd>" in page  # the round's reason, never who voted how
    assert "Afstemningen i “Hvad skal vi bruge puljen på?”" in page


def test_a_partial_approval_asks_with_the_numbers_and_completion_asks_first(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 15_000_00})
    path = f"/f/decisions/{s['decisions']['Kørekort']['id']}"
    _as(api, s["approver"])
    asked = _form(api, f"{path}/approve", amount="10.000")
    question = f"Godkend {_kr(10_000_00)} af {_kr(15_000_00)}? Resten, {_kr(5_000_00)}, går"
    assert asked.status_code == 200
    assert question in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    page = api.client.get(path).text
    assert "Venter på godkendelse" in page  # nothing changed yet
    assert _form(api, f"{path}/approve", amount="10.000", confirmed="1").status_code == 303
    page = api.client.get(path).text
    assert (
        f'data-confirm="Afslut “Kørekort”? {_kr(10_000_00)}, der blev godkendt men ikke betalt'
        in page.replace("&#34;", '"')
    )
    assert f"godkendte {_kr(10_000_00)} til “Kørekort”" in page  # the timeline, in kroner


def test_no_amount_is_followed_by_a_second_full_stop() -> None:
    assert tidy("Tilbage til puljen: 1.850,00\xa0kr..") == "Tilbage til puljen: 1.850,00\xa0kr."
    assert tidy("Vent… kr...") == "Vent… kr..."  # an ellipsis is left alone
    assert tidy("DKK 12.00.") == "DKK 12.00."
    # Every printed value in a page goes through it, escaped text staying escaped.
    template = environment("da").from_string("{{ _('Left: %(left)s.', left=x) }} {{ y }}")
    assert template.render(x="5,00\xa0kr.", y="<b>kr..</b>") == (
        "Left: 5,00\xa0kr. &lt;b&gt;kr.&lt;/b&gt;"
    )


def test_the_decision_and_pot_pages_have_no_doubled_full_stop(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    decision = s["decisions"]["Kørekort"]["id"]
    base = f"/api/v1/decisions/{decision}"
    api.ok("POST", f"{base}/approve", s["approver"], json={"amount_minor": 11_000_00})
    payment = {"paid_to": "Køreskolen", "method": "invoice", "amount_minor": 9_150_00}
    api.ok("POST", f"{base}/payments", s["approver"], json=payment)
    _as(api, s["approver"])
    for path in (f"/f/decisions/{decision}", f"/f/groups/{s['group']['id']}/pot", "/f/audit"):
        page = api.client.get(path).text
        assert "kr.." not in page.replace("kr...", ""), path


# --- 21: the audit trail and the pot in words -----------------------------------------------


def test_the_audit_trail_speaks_sentences_with_amounts_and_names(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00, "Bærbar": 6_000_00})
    licence = f"/api/v1/decisions/{s['decisions']['Kørekort']['id']}"
    api.ok("POST", f"{licence}/approve", s["approver"], json={"amount_minor": 11_000_00})
    payment = {"paid_to": "Køreskolen Vest", "method": "invoice", "amount_minor": 9_150_00}
    api.ok("POST", f"{licence}/payments", s["approver"], json=payment)
    api.ok("POST", f"{licence}/complete", s["approver"], json={"note": "Bestået"})
    laptop = f"/api/v1/decisions/{s['decisions']['Bærbar']['id']}"
    api.ok("POST", f"{laptop}/reject", s["approver"], json={"reason": "Skolen låner én ud."})
    _as(api, s["fac"])
    page = api.client.get("/f/audit").text
    body = page[page.index("<tbody>") :]
    for said in (
        "fac@odense.dk satte runden “Hvad skal vi bruge puljen på?” til afstemning.",
        f"sagsbehandler@odense.dk godkendte {_kr(11_000_00)} til “Kørekort”.",
        f"sagsbehandler@odense.dk betalte {_kr(9_150_00)} til Køreskolen Vest for “Kørekort”.",
        f"afsluttede “Kørekort”. {_kr(1_850_00)} gik tilbage til puljen. Note: Bestået",
        "sagsbehandler@odense.dk afviste “Bærbar”: Skolen låner én ud.",
        f"Asta foreslog “Kørekort” til {_kr(12_000_00)}",
        "Asta kom med i workshoppen “Workshop 1”.",
        f"oprettede gruppen “Holdet” med en pulje på {_kr(50_000_00)}",
    ):
        assert said.replace("“", "&#8220;") in body or said in body, said
    assert "{" not in body
    assert '":' not in body
    assert "\\u00" not in body
    assert "_minor" not in body
    ids = {s["decisions"]["Kørekort"]["id"], s["decisions"]["Bærbar"]["id"], s["group"]["id"]}
    assert not any(i in body for i in ids)
    api.client.cookies.set("puljen_lang", "en")
    english = api.client.get("/f/audit").text
    assert f"sagsbehandler@odense.dk approved {_kr(11_000_00, 'en')} for “Kørekort”." in english
    # The CSV export is as it was: codes and JSON, for a spreadsheet.
    csv = api.client.get("/f/audit.csv").content.decode("utf-8-sig")
    assert "decision.approved" in csv
    assert '""approved_minor"": 1100000' in csv


def _audited_actions() -> set[str]:
    """Every action the code writes to the audit trail: the name of each event that is a
    change of its own (``uow.happened`` writes it to the trail under that name)."""
    return {name for cls, name in NAMES.items() if cls.subject}


def test_every_audited_action_has_a_sentence() -> None:
    actions = _audited_actions()
    assert {"round.phase", "decision.approved", "user.created"} <= actions
    sentences = {key.partition(":")[0] for key in labels.AUDIT_SENTENCES}
    assert actions <= sentences, actions - sentences


def test_ledger_lines_name_their_proposal_and_the_chart_has_axes(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Kørekort']['id']}"
    api.ok("POST", f"{base}/approve", s["approver"], json={"amount_minor": 11_000_00})
    _as(api, s["approver"])
    page = api.client.get(f"/f/groups/{s['group']['id']}/pot").text
    assert re.search(r"Reserveret af en runde: <a href=\"/f/decisions/[^\"]+\">Kørekort</a>", page)
    assert re.search(r"Frigivet: <a [^>]+>Kørekort</a>", page)
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert re.search(r">50\.000\s?kr\.<", chart)
    assert re.search(r">0\s?kr\.<", chart)
    assert re.search(r'class="tick"[^>]*>\d+\. \w+<', chart)  # dates below ("30. november")
    assert "Kroner" in chart
    assert 'class="axis"' in chart


# --- 23: the demo in a real room ------------------------------------------------------------


def test_the_lan_address_is_found_without_going_online() -> None:
    def routed(answers: dict[str, str]) -> Any:
        def probe(target: str) -> str:
            if target not in answers:
                raise OSError("network is unreachable")
            return answers[target]

        return probe

    assert network.lan_address(routed({"10.255.255.255": "192.168.1.23"}), list) == ("192.168.1.23")
    # No route: the host name's addresses, never loopback or link-local, private first.
    assert (
        network.lan_address(
            routed({"10.255.255.255": "127.0.1.1"}),
            lambda: ["127.0.1.1", "169.254.3.4", "85.191.1.2", "10.0.0.7"],
        )
        == "10.0.0.7"
    )
    assert network.lan_address(routed({}), lambda: ["127.0.0.1"]) is None

    def offline() -> list[str]:
        raise OSError("no such host")

    assert network.lan_address(routed({}), offline) is None
    found = network.lan_address()  # this machine, for real: an address or none
    assert found is None or network.usable(found)


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path, "demo"))
    monkeypatch.setenv("SECRET_KEY", "demo-test-secret-" + "z" * 32)
    monkeypatch.setenv("PULJEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PULJEN_PUBLIC_URL", "")  # restored after the test


def test_demo_lan_prints_urls_at_the_machines_address(
    demo_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    monkeypatch.setattr(network, "lan_address", lambda: "192.168.1.23")
    assert cli.main(["demo", "--no-serve", "--lan", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Join URL \(phones\):  http://192\.168\.1\.23:8123/j/\w+", out)
    assert "Shared screen:      http://192.168.1.23:8123/screen/" in out
    assert "Found this machine on the network at 192.168.1.23" in out
    assert "localhost" not in out
    # The server started next uses it for the join URL and the screen's QR code.
    assert os.environ["PULJEN_PUBLIC_URL"] == "http://192.168.1.23:8123"


def test_demo_without_lan_says_phones_cannot_open_localhost(
    demo_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "http://localhost:8000/j/" in out
    assert "Phones cannot open localhost" in out
    assert "scripts/demo --lan" in out
    monkeypatch.setattr(network, "lan_address", lambda: None)
    assert cli.main(["demo", "--no-serve", "--lan"]) == 0
    out = capsys.readouterr().out
    assert "Could not find this machine's address on the network" in out
    assert "PULJEN_PUBLIC_URL=http://<that address>:8000" in out
