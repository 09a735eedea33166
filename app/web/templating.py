"""Jinja2 templates: one environment per language, pages and their named blocks.

A page is one template file; each region that changes live is a named block with a stable
id, so the same block renders inside the full page, as an htmx response, and as a websocket
push (the "template fragments" pattern).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.deliberation.ballots import points_allowed, points_left
from app.deliberation.decisions import left_to_pay, released_by_approving
from app.deliberation.errors import with_amounts
from app.deliberation.pots import share_percent
from app.deliberation.rounds import next_phase
from app.web import labels, sentences
from app.web.i18n import (
    LANGUAGES,
    format_day,
    format_money,
    format_money_short,
    tidy,
    translate,
    translations,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_tidy,  # every printed value: no "kr.." after an amount ending a sentence
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        lang=language, languages=LANGUAGES, msg=lambda m, p=None: translate(language, m, p)
    )
    env.globals.update(
        phase_text=lambda code: _label(language, labels.PHASES, code),
        next_phase=next_phase,  # the round's one next-phase map, in the core
        # Money worked out by the core, never in a template:
        left_to_pay=lambda d: left_to_pay(d.approved_minor, d.paid_minor),
        released_by_approving=released_by_approving,
        share_percent=share_percent,
        points_allowed=points_allowed,  # a cumulative ballot's points, from the core too
        points_left=points_left,
        phase_hint=lambda code: _label(language, labels.PHASE_HINTS, code),
        category_text=lambda code: _label(language, labels.CATEGORIES, code),
        method_text=lambda code: _label(language, labels.METHODS, code),
        status_text=lambda code: _label(language, labels.DECISION_STATUSES, code),
        payment_method_text=lambda code: _label(language, labels.PAYMENT_METHODS, code),
        kind_text=lambda code: _label(language, labels.LEDGER_KINDS, code),
        fate_text=lambda decision, currency="DKK": fate_text(decision, currency, language),
        method_how=lambda method, params=None: method_how(method, params or {}, language),
        reason_text=lambda reason, currency="DKK", titles=None, short=False: reason_text(
            reason, currency, language, titles, short=short
        ),
    )
    env.filters["money"] = lambda minor, currency="DKK", short=False: (
        format_money_short if short else format_money
    )(int(minor), currency, language)
    env.filters["day"] = lambda value: format_day(value, language)
    env.globals.update(
        audit_text=lambda view: sentences.audit_sentence(view, language),
        close_question=lambda snap, r: sentences.close_question(snap, r, language),
    )
    env.filters["iso"] = lambda value: value.isoformat() if isinstance(value, datetime) else ""
    return env


def _tidy(value: Any) -> Any:
    return tidy(value) if isinstance(value, str) else value


def fate_text(decision: Any, currency: str, language: str) -> str:
    """What became of a funded proposal (a decision row), in one line for the group."""
    status = str(decision.status)
    left = decision.approved_minor - decision.paid_minor
    if status == "completed" and left > 0:
        status = "completed_left"
    values = {
        "question": decision.question,
        "reason": decision.reason,
        "day": format_day(decision.updated_at.date(), language),
        "paid": format_money(decision.paid_minor, currency, language),
        "approved": format_money(decision.approved_minor, currency, language),
        "left": format_money(left, currency, language),
    }
    return translate(language, labels.FATES[status], values)


def method_how(method: str, params: Mapping[str, object], language: str) -> list[str]:
    """How ``method`` works, in plain words, with the round's parameters filled in."""
    threshold = Fraction(str(params.get("threshold", "0.5")))
    values = {
        "points": params.get("points", 10),
        "percent": f"{round(threshold * 100)} %",
        "max_no": params.get("max_no"),
    }
    paragraphs = [translate(language, text, values) for text in labels.METHOD_HOW.get(method, ())]
    if method == "consent" and params.get("max_no") is not None:
        paragraphs.insert(2, translate(language, labels.MAX_NO, values))
    return [*paragraphs, translate(language, labels.RESULT_EXPLAINED)]


def _label(language: str, table: Mapping[str, str], code: str) -> str:
    return translate(language, table[code]) if code in table else code


def render_page(name: str, language: str, context: Mapping[str, Any]) -> str:
    return environment(language).get_template(name).render(context)


def render_blocks(name: str, blocks: list[str], language: str, context: Mapping[str, Any]) -> str:
    """Render named blocks of a page template, concatenated (for htmx and websocket pushes)."""
    template = environment(language).get_template(name)
    ctx = template.new_context(dict(context))
    return "".join("".join(template.blocks[block](ctx)) for block in blocks)


def reason_text(
    reason: Mapping[str, Any],
    currency: str,
    language: str,
    titles: Mapping[str, str] | None = None,
    *,
    short: bool = False,
) -> str:
    """One line, for a person, on why a proposal was or was not funded (``short``: whole
    kroner without øre where exact, as the projector writes every amount)."""
    code = str(reason["code"])
    params = {k: v for k, v in reason.items() if k != "code"}
    money = format_money_short if short else format_money
    filled = with_amounts(params, lambda minor: money(minor, currency, language))
    if code == "shares_spent":
        names = [(titles or {}).get(str(pid), "?") for pid in reason.get("spent_on", [])]
        if not names:
            code = "shares_short"
        elif len(names) == 1:
            filled["spent"] = names[0]
        else:
            filled["spent"] = translate(
                language, labels.AND, {"first": ", ".join(names[:-1]), "second": names[-1]}
            )
    for (one_code, count), message in labels.REASONS_ONE.items():
        if code == one_code and reason.get(count) == 1:
            return translate(language, message, filled)
    return translate(language, labels.REASONS[code], filled)
