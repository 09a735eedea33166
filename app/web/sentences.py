"""Sentences for the staff's pages: the audit trail and a decision's timeline read as what
happened ("Sara set the round “Runde 1” to voting"), and the console asks before a round
closes with what the room has not done yet ("0 of 6 have voted. Close anyway?")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.usecases.audit import AuditView
from app.usecases.live import Snapshot
from app.web import labels
from app.web.i18n import format_money, tidy, translate


def _actor(view: AuditView, language: str) -> str:
    if view.known_actor:
        return view.actor_name
    if view.entry.actor_id == "system":
        return translate(language, labels.AUDIT_SYSTEM)
    return translate(language, labels.AUDIT_SOMEONE)


def _side(view: AuditView, name: str) -> Mapping[str, Any]:
    return getattr(view.entry, name) or {}


def _minor(side: Mapping[str, Any], key: str) -> int:
    value = side.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _variant_and_values(
    view: AuditView, money: Callable[[int], str]
) -> tuple[str, dict[str, object]]:
    """Which sentence of the action fits this entry, and the words to fill it with."""
    entry = view.entry
    before, after = _side(view, "before"), _side(view, "after")
    action = entry.action
    values: dict[str, object] = {
        "note": after.get("note", ""),
        "name": after.get("name") or before.get("name") or view.name("subject"),
        "email": after.get("email") or before.get("email", ""),
        "proposal": view.name("proposal_id") or view.name("subject"),
        "round": after.get("title") or view.name("subject"),
        "workshop": after.get("title") or view.name("workshop_id") or view.name("subject"),
        "group": after.get("name") or view.name("subject"),
    }
    variant = action
    if action == "round.phase":
        variant = f"round.phase:{after.get('phase')}"
    elif action == "round.show_live" and not after.get("show_live"):
        variant = "round.show_live:off"
    elif action == "round.created":
        values["amount"] = money(_minor(after, "budget_minor"))
    elif action == "group.created":
        values["amount"] = money(_minor(after, "pot_minor"))
    elif action == "proposal.created":
        values["proposal"] = after.get("title") or view.name("subject")
        values["amount"] = money(_minor(after, "amount_minor"))
    elif action == "timer.changed":
        seconds = _minor(after, "seconds")
        variant = "timer.changed" if seconds else "timer.changed:stop"
        values["minutes"] = round(seconds / 60, 1) if seconds % 60 else seconds // 60
    elif action == "join_code.changed" and not after.get("shown"):
        variant = "join_code.changed:off"
    elif action == "comment.hidden" and not after.get("hidden"):
        variant = "comment.hidden:off"
    elif action == "spotlight.changed" and not after.get("proposal_id"):
        variant = "spotlight.changed:end"
    elif action == "decision.approved":
        if after.get("status") in ("funded", "on_hold"):  # the first of two approvers
            variant = "decision.approved:first"
            values["amount"] = money(_minor(after, "pending_minor"))
        else:
            values["amount"] = money(_minor(after, "approved_minor"))
    elif action == "decision.paid":
        values["amount"] = money(_minor(after, "paid_minor") - _minor(before, "paid_minor"))
    elif action == "decision.refunded":
        values["amount"] = money(_minor(before, "paid_minor") - _minor(after, "paid_minor"))
    elif action == "decision.completed":
        left = _minor(after, "approved_minor") - _minor(after, "paid_minor")
        if left > 0:
            variant = "decision.completed:left"
            values["amount"] = money(left)
    elif action == "pot.adjusted":
        values["before"] = money(_minor(before, "total_minor"))
        values["after"] = money(_minor(after, "total_minor"))
        values["reason"] = after.get("reason", "")
    elif action == "organisation.settings_changed":
        above = after.get("second_approver_above_minor")
        if above is None:
            variant = "organisation.settings_changed:one"
        else:
            values["amount"] = money(int(above))
    elif action in ("user.created", "user.role_changed"):
        values["role"] = after.get("role", "")
        values["before"] = before.get("role", "")
    return variant, values


def audit_sentence(view: AuditView, language: str) -> str:
    """What an audit entry says happened, as one sentence in ``language``."""
    variant, values = _variant_and_values(
        view, lambda minor: format_money(minor, view.currency, language)
    )
    for key in ("role", "before"):
        if values.get(key) in labels.ROLES:
            values[key] = translate(language, labels.ROLES[str(values[key])])
    values["actor"] = _actor(view, language)
    if view.entry.action == "member.joined" and values["name"]:
        values["actor"] = values["name"]  # a member joins by themself, with this name
    template = labels.AUDIT_SENTENCES.get(variant) or labels.AUDIT_SENTENCES.get(view.entry.action)
    if template is None:
        return translate(
            language, labels.AUDIT_OTHER, {"actor": values["actor"], "action": view.entry.action}
        )
    said = translate(language, template, values)
    if view.entry.action == "decision.completed" and values["note"]:
        said += " " + translate(language, labels.AUDIT_NOTE, {"note": values["note"]})
    return tidy(said)


def close_question(snap: Snapshot, round_: Any, language: str) -> str:
    """The console's confirmation before ``round_`` closes: how many of the room have voted
    (with the live counts: the console's rows are pushed on every ballot), or that there is
    nothing to fund. Only the current round has live counts."""
    if snap.round is None or round_.id != snap.round.id:
        case = "other"
    elif not snap.proposals:
        case = "no_proposals"
    elif snap.ballots == 0 or snap.ballots < snap.eligible:
        case = "missing"
    else:
        case = "all"
    values = {"ballots": snap.ballots, "members": snap.eligible, "round": round_.title}
    return translate(language, labels.CLOSE_QUESTIONS[case], values)
