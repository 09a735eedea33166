"""Every user-facing string has a Danish translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.web.i18n import LOCALE_DIR, format_money, negotiate, translate

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


def _source_msgids() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "app"), method_map, options, keywords=keywords
    ):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def _danish() -> dict[str, str]:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="da")
    danish: dict[str, str] = {}
    for m in catalog:
        if m.id and not m.fuzzy:
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            forms = [m.string] if isinstance(m.string, str) else list(m.string or [""])
            for index, key in enumerate(ids):  # a plural's forms translate its two msgids
                danish[str(key)] = str(forms[min(index, len(forms) - 1)])
    return danish


def test_every_string_in_the_source_has_a_danish_translation() -> None:
    msgids = _source_msgids()
    assert len(msgids) > 50  # the extraction itself works
    danish = _danish()
    missing = sorted(m for m in msgids if not danish.get(m))
    assert missing == [], f"run scripts/i18n and translate: {missing}"


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in _danish().items():
        if msgstr:
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid
    assert any("%(" in msgid for msgid in _danish())  # template placeholders are checked too


def test_no_danish_sentence_ends_in_a_doubled_full_stop_after_an_amount() -> None:
    # "12,00 kr." already ends with a full stop: an amount must not close a Danish sentence.
    for msgstr in _danish().values():
        assert not re.search(
            r"\{(amount|left|budget|maximum|available|total|share)\}\.$", msgstr
        ), msgstr


def test_a_reason_reads_in_both_languages() -> None:
    params: dict[str, object] = {"approvals": 7, "voters": 9}
    assert translate("en", "Funded: {approvals} of {voters} approved it.", params) == (
        "Funded: 7 of 9 approved it."
    )
    assert translate("da", "Funded: {approvals} of {voters} approved it.", params) == (
        "Får penge: 7 af 9 stemte for."
    )


def test_amounts_are_formatted_the_danish_and_the_english_way() -> None:
    assert format_money(12_000_00, "DKK", "da") == "12.000,00\xa0kr."
    assert format_money(12_000_00, "DKK", "en").replace("\xa0", " ") == "DKK 12,000.00"
    assert format_money(1, "DKK", "da") == "0,01\xa0kr."


def test_the_language_is_negotiated_with_danish_as_the_default() -> None:
    assert negotiate(None) == "da"
    assert negotiate("de-DE,de;q=0.9") == "da"
    assert negotiate("en-GB,en;q=0.9,da;q=0.8") == "en"
    assert negotiate("da,en;q=0.5") == "da"
    assert negotiate("en;q=garbage") in ("da", "en")


def test_a_reason_about_one_reads_as_one() -> None:
    from app.web.templating import reason_text

    assert reason_text({"code": "funded_points", "points": 1}, "DKK", "en") == (
        "Funded: it got 1 point."
    )
    assert reason_text({"code": "funded_points", "points": 2}, "DKK", "en") == (
        "Funded: it got 2 points."
    )
    one = {"code": "funded_shares", "supporters": 1, "share_minor": 150_000}
    assert reason_text(one, "DKK", "da") == (
        "Får penge: den ene, der støttede det, kunne betale 1.500,00\u00a0kr. af sin andel."
    )
