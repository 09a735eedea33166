"""Issue 10, words and numbers a person understands: fields named in words (never
``how_it_helps``), amounts read by the page's language, join codes that say what is wrong,
the method's name for members, earlier rounds and the Equal Shares share on phones."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from hypothesis import example, given
from hypothesis import strategies as st

from app.deliberation.errors import InvalidInput
from app.usecases.live import load_snapshot
from app.web import labels
from app.web.forms import parse_kroner
from app.web.i18n import LANGUAGES, format_money, translate
from app.web.routes.errors import error_message
from app.web.views import Page, member_page
from tests.conftest import Api

APP = Path(__file__).parent.parent / "app"
CSRF = "the-token-is-long-enough-1234"
HX = {"X-CSRF-Token": CSRF, "HX-Request": "true"}


# 11. No internal field name reaches a person --------------------------------------------


def _fields_in_source() -> set[str]:
    """Every field name the app's code gives an error (``field="x"``, ``require_text("x"``)."""
    pattern = re.compile(
        r"""(?:field=|require_text\(|require_amount\(|require_choice\(|parse_day\([^,)]*,\s*|parse_kroner\([^,)]*,\s*)"""
        r"""f?["']([a-z_.{}]+)["']"""
    )
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        for name in pattern.findall(path.read_text()):
            found.add(name.replace("{name}", "points").replace("{unknown[0]}", "points"))
    return found | {"params.max_no", "params.threshold", "params.completion", "said"}


RAW = sorted(_fields_in_source() - {"said"})  # ``said`` is a tuple's name: reason/question/note


def test_every_field_the_app_names_has_words() -> None:
    assert {"title", "how_it_helps", "amount_minor", "name", "code", "budget_minor"} <= set(RAW)
    missing = [
        f for f in RAW if f not in labels.FIELDS and f.rpartition(".")[2] not in labels.FIELDS
    ]
    assert missing == []


def _messages() -> list[tuple[str, str]]:
    """(msgid, Danish) for every message the app can show."""
    with (APP / "web/locale/da/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="da")
    return [(str(m.id), str(m.string)) for m in catalog if m.id and isinstance(m.id, str)]


def _identifiers(text: str) -> list[str]:
    """snake_case or dotted machine names in ``text``, placeholders left out."""
    bare = re.sub(r"\{[^}]*\}|%\([^)]*\)s", "", text)
    return re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b", bare)


def test_no_message_in_either_language_names_a_field_by_its_machine_name() -> None:
    leaks = [
        (msgid, danish)
        for msgid, danish in _messages()
        if _identifiers(msgid) or _identifiers(danish)
    ]
    assert leaks == []
    # And no message opens with a raw field name ("points must ...", "threshold skal ...").
    starts = tuple(f"{f} " for f in RAW)
    assert [m for m, d in _messages() if m.startswith(starts) or d.startswith(starts)] == []


def _every_error_with_a_field() -> list[InvalidInput]:
    """Every message the core and the forms can raise, once for every field it could name:
    the messages with ``{field}`` with each field, and each field left empty."""
    templates = [m for m, _ in _messages() if "{field}" in m]
    errors = [
        InvalidInput(t, field=f, params={**dict.fromkeys(re.findall(r"\{(\w+)", t), 7), "field": f})
        for t in templates
        for f in RAW
    ]
    errors += [InvalidInput.empty("Please fill in {field}.", f, {"field": f}) for f in RAW]
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_a_field_can_get_names_it_in_words(language: str) -> None:
    for error in _every_error_with_a_field():
        shown = error_message(error, language)
        assert not _identifiers(shown), shown
        assert "{" not in shown, shown
        if language == "da":  # no English machine name at all in the Danish text
            words = set(re.findall(r"\w+", shown.lower()))
            assert not words & {f.rpartition(".")[2] for f in RAW} - {"kode"}, shown


def test_an_empty_field_is_asked_for_in_its_own_words() -> None:
    empty = InvalidInput.empty("Please fill in {field}.", "how_it_helps", {"field": "how_it_helps"})
    assert error_message(empty, "da") == (
        "Skriv, hvordan det bringer dig tættere på uddannelse eller job."
    )
    assert error_message(empty, "en") == "Write how it brings you closer to education or a job."
    long = InvalidInput(
        "{field} can be at most {maximum} characters. You wrote {length}.",
        field="title",
        params={"field": "title", "maximum": 120, "length": 130},
    )
    assert error_message(long, "da") == "Titlen må højst være 120 tegn. Du skrev 130."


def _proposing(api: Api) -> dict[str, Any]:
    facilitator = api.user("f@example.dk")
    group = api.group(facilitator)
    workshop = api.workshop(facilitator, group["id"])
    round_ = api.round(facilitator, workshop["id"], budget_minor=5_000_00)
    api.phase(facilitator, round_["id"], "proposing")
    member = api.join(workshop["code"], "Sara")
    return {"round": round_, "member": member, "facilitator": facilitator, "workshop": workshop}


def _error_texts(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="p-(\w+)-error">([^<]*)</p>', html))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_proposal_form_names_every_wrong_field_at_once_in_words(
    api: Api, language: str
) -> None:
    s = _proposing(api)
    api.client.cookies.set("puljen_member", s["member"])
    api.client.cookies.set("puljen_csrf", CSRF)
    api.client.cookies.set("puljen_lang", language)
    path = f"/m/rounds/{s['round']['id']}/proposals"
    empty = api.client.post(path, data={"description": "Keep me"}, headers=HX)
    assert empty.status_code == 200
    errors = _error_texts(empty.text)
    assert set(errors) == {"title", "amount", "how", "category"}
    expected = {
        "da": "Skriv, hvordan det bringer dig tættere på uddannelse eller job.",
        "en": "Write how it brings you closer to education or a job.",
    }
    assert errors["how"] == expected[language]
    for field in ("title", "amount", "how", "category"):
        assert f'aria-describedby="p-{field}-error"' in empty.text
    assert "Keep me" in empty.text  # what was typed stays
    for shown in errors.values():
        assert not _identifiers(shown)
        assert not {"title", "how_it_helps", "amount_minor", "category"} & set(shown.split())
    too_long = api.client.post(
        path,
        data={"title": "t" * 130, "amount": "abc", "how_it_helps": "Job", "category": "course"},
        headers=HX,
    )
    errors = _error_texts(too_long.text)
    assert set(errors) == {"title", "amount"}
    assert errors["title"].startswith({"da": "Titlen", "en": "The title"}[language])
    assert load_snapshot(api.services, s["workshop"]["id"]).proposals == []  # nothing saved


def test_the_category_has_no_silent_default(api: Api) -> None:
    s = _proposing(api)
    snap = load_snapshot(api.services, s["workshop"]["id"])
    me = snap.members[0]
    html = member_page(Page(csrf=CSRF, language="da"), snap, me, None)
    select = html[html.index('<select id="p-category"') : html.index("</select>")]
    assert re.search(r'<option value=""\s+selected>Vælg en kategori</option>', select)
    assert select.count("selected") == 1


def test_the_json_api_keeps_the_machine_field_and_speaks_words(api: Api) -> None:
    s = _proposing(api)
    body = {"title": "Kørekort", "description": "", "amount_minor": 100, "how_it_helps": ""}
    body["category"] = "licence"
    response = api.call(
        "POST", f"/api/v1/rounds/{s['round']['id']}/proposals", s["member"], json=body
    )
    error = response.json()["error"]
    assert error["field"] == "how_it_helps"
    assert error["message"] == "Skriv, hvordan det bringer dig tættere på uddannelse eller job."
    wrong_type = api.call(
        "POST",
        f"/api/v1/rounds/{s['round']['id']}/proposals",
        s["member"],
        json={**body, "amount_minor": "many"},
        headers={"Accept-Language": "en"},
    )
    error = wrong_type.json()["error"]
    assert error["field"] == "amount_minor"
    assert "amount_minor" not in error["message"]
    assert "The amount" in error["message"]


# 12. Amounts by locale -------------------------------------------------------------------

GROUP = {"da": ".", "en": ","}
BABEL = {"da": "da_DK", "en": "en"}
DECIMAL = {"da": ",", "en": "."}


def written(ore: int, language: str, style: int) -> str:
    """``ore`` the way people write it in ``language``: with or without thousands, øre,
    spaces and a currency mark before or after."""
    kroner, rest = divmod(ore, 100)
    grouped = f"{kroner:,}".replace(",", GROUP[language])
    spaced = f"{kroner:,}".replace(",", " ")
    decimals = f"{DECIMAL[language]}{rest:02d}"
    exact = Decimal(ore) / 100
    forms = [
        format_money(ore, "DKK", language),  # as the app itself shows it
        format_decimal(exact, format="#,##0.00", locale=BABEL[language]),
        format_decimal(exact, format="0.##", locale=BABEL[language]),
        f"{kroner}{decimals}",
        f"{grouped}{decimals}",
        f"{spaced}{decimals}",
        f"kr. {grouped}{decimals}",
        f"DKK {grouped}{decimals}",
        f"{grouped}{decimals} kr.",
        f"{grouped}{decimals} DKK",
    ]
    if rest == 0:  # whole kroner: no øre written, thousands the language's own way
        forms += [str(kroner), spaced, f"{spaced} kr.", grouped, f"kr. {grouped}"]
        forms += [f"DKK {grouped}", f"{grouped} kr."]
        if language == "da":
            forms.append(f"{grouped},-")
    return forms[style % len(forms)]


amounts = st.integers(min_value=1, max_value=999_999_999_99)


@given(
    ore=amounts, style=st.integers(min_value=0, max_value=20), language=st.sampled_from(LANGUAGES)
)
@example(ore=2_500_00, style=0, language="en")
@example(ore=2_500_00, style=10, language="en")
@example(ore=2_500_00, style=10, language="da")
@example(ore=2_50, style=0, language="da")
def test_an_amount_written_as_people_write_it_is_read_back_exactly(
    ore: int, style: int, language: str
) -> None:
    text = written(ore, language, style)
    assert parse_kroner(text, language=language) == ore, text


@given(
    kroner=st.integers(min_value=1, max_value=999),
    thousands=st.integers(min_value=0, max_value=999),
    language=st.sampled_from(LANGUAGES),
)
def test_a_decimal_sign_before_three_digits_is_asked_about_never_guessed(
    kroner: int, thousands: int, language: str
) -> None:
    text = f"{kroner}{DECIMAL[language]}{thousands:03d}"  # Danish 2,500 / English 2.500
    with pytest.raises(InvalidInput) as asked:
        parse_kroner(text, language=language)
    shown = error_message(asked.value, language)
    assert text in shown
    assert str(kroner * 1000 + thousands) in shown


@given(text=st.text(alphabet="0123456789.,  ", min_size=1, max_size=12))
def test_where_both_languages_read_an_amount_they_read_the_same(text: str) -> None:
    """The language only settles what is otherwise unclear; it never changes a reading."""
    read = {}
    for language in LANGUAGES:
        with contextlib.suppress(InvalidInput):
            read[language] = parse_kroner(text, language=language)
    assert len(set(read.values())) <= 1, (text, read)


@pytest.mark.parametrize(
    ("language", "typed", "ore"),
    [
        ("en", "2,500", 2_500_00),
        ("en", "2,500.50", 2_500_50),
        ("en", "DKK 2,500", 2_500_00),
        ("en", "2 500", 2_500_00),
        ("en", "2500", 2_500_00),
        ("en", "2.50", 2_50),
        ("da", "2.500", 2_500_00),
        ("da", "2,50", 2_50),
        ("da", "kr. 2.500", 2_500_00),
        ("da", "2.500 kr.", 2_500_00),
        ("da", "2.500,-", 2_500_00),
        ("da", "2,500.50", 2_500_50),
        ("da", "2 500", 2_500_00),
    ],
)
def test_the_forms_people_type(language: str, typed: str, ore: int) -> None:
    assert parse_kroner(typed, language=language) == ore


def test_an_unclear_amount_says_what_is_unclear_in_each_language() -> None:
    with pytest.raises(InvalidInput) as danish:
        parse_kroner("2,500", language="da")
    assert error_message(danish.value, "da") == (
        "Mener du 2.500,00\xa0kr., når du skriver 2,500? Det kan vi ikke se. Skriv det uden "
        "punktum og komma, fx 2500, eller med øre, fx 2.500,00."
    )
    with pytest.raises(InvalidInput) as english:
        parse_kroner("2.500", language="en")
    assert "2,500.00" in error_message(english.value, "en")


def test_the_english_proposal_form_reads_2500_as_two_thousand_five_hundred(api: Api) -> None:
    s = _proposing(api)
    api.client.cookies.set("puljen_member", s["member"])
    api.client.cookies.set("puljen_csrf", CSRF)
    api.client.cookies.set("puljen_lang", "en")
    form = {"title": "Laptop", "amount": "2,500", "how_it_helps": "School", "category": "equipment"}
    sent = api.client.post(f"/m/rounds/{s['round']['id']}/proposals", data=form, headers=HX)
    assert sent.status_code == 200
    assert "p-amount-error" not in sent.text
    cards = load_snapshot(api.services, s["workshop"]["id"]).proposals
    assert [c.amount_minor for c in cards] == [2_500_00]


# 13. Join codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [
        ("da", "4KX0R1", "Koder bruger aldrig 0, 1. Kig på koden på skærmen igen."),
        ("en", "4KX0R1", "Codes never use 0, 1. Look again at the code on the screen."),
        ("da", "B8KXR7", "Koder bruger aldrig B, 8. Kig på koden på skærmen igen."),
        ("da", "4KXR7", "En kode har 6 tegn. Du skrev 5."),
        ("en", "4KXR7MM", "A code has 6 characters. You typed 7."),
        ("da", "", "Skriv koden fra skærmen."),
    ],
)
def test_a_wrong_join_code_says_what_is_wrong(
    api: Api, language: str, typed: str, shown: str
) -> None:
    api.client.cookies.set("puljen_csrf", CSRF)
    api.client.cookies.set("puljen_lang", language)
    answer = api.client.post("/j", data={"code": typed, "name": "Emil"}, headers=HX)
    assert re.search(r'<p class="error"[^>]*>([^<]*)</p>', answer.text).group(1) == shown  # type: ignore[union-attr]


# 14. The method's name for members ----------------------------------------------------------


def test_the_approval_method_is_not_called_approval_in_danish() -> None:
    assert translate("da", labels.METHODS["approval"]) == "Flueben"
    assert translate("en", labels.METHODS["approval"]) == "Ticks"
    for code in ("approval",):
        for language in LANGUAGES:
            assert "odkend" not in translate(language, labels.METHODS[code])


def test_methods_page_and_console_name_it_flueben(api: Api) -> None:
    api.client.cookies.set("puljen_lang", "da")
    page = api.client.get("/methods").text
    assert "Flueben" in page
    assert "Godkendelse" not in page


# 15 and 17 are proved on the phone in tests/browser/test_room_words.py; the snapshot here.


def test_the_snapshot_keeps_earlier_rounds_with_result_and_fates(api: Api) -> None:
    s = _proposing(api)
    fac, round_id = s["facilitator"], s["round"]["id"]
    pid = api.propose(s["member"], round_id, "Kørekort", 1_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(s["member"], round_id, [pid])
    api.phase(fac, round_id, "closed")
    second = api.round(fac, s["workshop"]["id"], budget_minor=1_000_00, title="Runde 2")
    api.phase(fac, second["id"], "proposing")
    snap = load_snapshot(api.services, s["workshop"]["id"])
    assert snap.round is not None
    assert snap.round.id == second["id"]
    assert [e.round.id for e in snap.earlier] == [round_id]
    assert [p.title for p in snap.earlier[0].funded] == ["Kørekort"]
    assert snap.earlier[0].fates[pid].status == "funded"


def test_equal_shares_share_is_the_budget_over_the_voters(api: Api) -> None:
    facilitator = api.user("f@example.dk")
    group = api.group(facilitator)
    workshop = api.workshop(facilitator, group["id"])
    round_ = api.round(facilitator, workshop["id"], budget_minor=30_000_00, method="equal_shares")
    tokens = [api.join(workshop["code"], name) for name in ("A", "B", "C", "D", "E")]
    api.phase(facilitator, round_["id"], "proposing")
    pid = api.propose(tokens[0], round_["id"], "Kursus", 1_000_00)
    api.phase(facilitator, round_["id"], "discussing")
    api.phase(facilitator, round_["id"], "voting")
    snap = load_snapshot(api.services, workshop["id"])
    assert snap.equal_share_minor == 6_000_00
    api.vote(tokens[0], round_["id"], [pid])
    me = snap.members[0]
    html = member_page(Page(csrf=CSRF, language="da"), snap, me, None)
    assert "Din andel: ca. 6.000,00\xa0kr." in html
    english = member_page(Page(csrf=CSRF, language="en"), snap, me, None)
    assert "Your share: about DKK 6,000.00" in english


def test_a_phase_move_names_the_phases_in_words() -> None:
    from app.deliberation.errors import PhaseConflict

    error = PhaseConflict(
        "A round moves one step at a time: from {current} the next phase is {next}.",
        params={"current": "proposing", "next": "discussing"},
    )
    shown = error_message(error, "da")
    assert "proposing" not in shown
    assert "discussing" not in shown
    assert "Forslag" in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_facilitators_forms_name_fields_in_words(api: Api, language: str) -> None:
    s = _proposing(api)
    api.client.cookies.set("puljen_user", s["facilitator"])
    api.client.cookies.set("puljen_csrf", CSRF)
    api.client.cookies.set("puljen_lang", language)
    shown = []
    group = api.client.post("/f/groups", data={"name": "", "amount": "100"}, headers=HX)
    shown += re.findall(r'class="error"[^>]*>([^<]*)<', group.text)
    pot = api.client.post("/f/groups", data={"name": "Holdet", "amount": "1.2.3"}, headers=HX)
    shown += re.findall(r'class="error"[^>]*>([^<]*)<', pot.text)
    rounds_path = f"/f/workshops/{s['workshop']['id']}/rounds"
    for form in (
        {"title": "", "budget": "100"},
        {"title": "R", "method": "cumulative", "points": "0", "budget": "100"},
    ):
        # The new-round form answers with itself, each reason at its field (issue 10, 16).
        answer = api.client.post(rounds_path, data=form, headers=HX)
        said = re.findall(r'class="error"[^>]*>([^<]*)<', answer.text)
        assert len(said) == 1, answer.text
        shown += said
    assert len(shown) == 4
    for message in shown:
        assert not _identifiers(message), message
        if language == "da":
            assert not {"name", "title", "points"} & set(re.findall(r"\w+", message)), message
    assert shown[0] == translate(language, "Write a name.")
