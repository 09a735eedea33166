"""Plain words for the domain's codes, as people read them on the page."""

from __future__ import annotations

from app.deliberation.text import N_

PHASES = {
    "draft": N_("Getting ready"),
    "proposing": N_("Proposals"),
    "discussing": N_("Talk it over"),
    "voting": N_("Voting"),
    "closed": N_("Result"),
}

PHASE_HINTS = {
    "draft": N_("The facilitator is getting the round ready. Hang on."),
    "proposing": N_("What could bring you closer to education or a job? Suggest it here."),
    "discussing": N_("Read the proposals and say what you think."),
    "voting": N_("Cast your vote below. You can change it until voting ends."),
    "closed": N_("The round is over. Here is what the pot pays for."),
}

METHODS = {
    "approval": N_("Ticks"),
    "equal_shares": N_("Equal Shares"),
    "knapsack": N_("Knapsack"),
    "cumulative": N_("Points"),
    "consent": N_("Consent"),
}

# How each method works, in plain words, a paragraph each. {points}, {percent} and {max_no}
# come from the round's parameters.
METHOD_HOW = {
    "approval": (
        N_("Tick every proposal you support, as many as you like."),
        N_(
            "The proposals with the most ticks get money first, one by one, as long as the "
            "money lasts. A proposal that costs more than what is left is skipped, and the "
            "next one gets its turn."
        ),
    ),
    "knapsack": (
        N_(
            "Pick the proposals you would buy if the whole budget were yours. Together your "
            "picks may not cost more than the budget."
        ),
        N_("The proposals picked by most people get money first, as long as the money lasts."),
    ),
    "cumulative": (
        N_(
            "You have {points} points. Give most points to what matters most to you. You do "
            "not have to use them all."
        ),
        N_("The proposals with the most points get money first, as long as the money lasts."),
    ),
    "consent": (
        N_("Say yes, no or pass to each proposal."),
        N_("A proposal goes through when at least {percent} of those who said yes or no said yes."),
        N_(
            "Proposals that go through get money, those with the most yes first, as long as "
            "the money lasts."
        ),
    ),
    "equal_shares": (
        N_("Everyone gets an equal share of the budget."),
        N_(
            "Tick every proposal you support. A proposal is paid for by the people who want "
            "it, out of their shares. It gets money when its supporters can pay for it "
            "together."
        ),
        N_(
            "What costs least per supporter goes first. So a smaller group can get its "
            "proposal too, not only the biggest group."
        ),
        N_(
            "If money is left, everyone's share grows a little at a time, as long as the "
            "result still fits the budget."
        ),
    ),
}
MAX_NO = N_("No more than {max_no} may say no.")
RESULT_EXPLAINED = N_("When voting ends, the result shows why each proposal got money or not.")

CATEGORIES = {
    "course": N_("Course"),
    "licence": N_("Licence"),
    "equipment": N_("Equipment"),
    "transport": N_("Transport"),
    "experience": N_("Experience"),
    "health": N_("Health"),
    "housing": N_("Housing"),
    "other": N_("Other"),
}

REASONS = {
    "funded": N_("Funded: {approvals} of {voters} approved it."),
    "funded_points": N_("Funded: it got {points} points."),
    "funded_consent": N_("Funded: {yes} said yes and {no} said no."),
    "funded_shares": N_(
        "Funded: its {supporters} supporters could pay {share} each from their shares."
    ),
    "funded_leftover": N_("Funded with what was left: {approvals} of {voters} approved it."),
    "not_enough_left": N_("Not funded: only {left} was left and it costs {amount}."),
    "no_support": N_("Not funded: nobody approved it."),
    "shares_spent": N_("Not funded: its supporters had spent their shares on {spent}."),
    "shares_short": N_("Not funded: its {supporters} supporters could not pay for it together."),
    "not_consented": N_("Not funded: {yes} said yes and {no} said no, not enough agreed."),
    "too_many_no": N_("Not funded: {no} said no, and at most {max_no} may."),
}

# Where the count in a reason is one, the words change ("1 point", "its one supporter").
REASONS_ONE = {
    ("funded_points", "points"): N_("Funded: it got 1 point."),
    ("funded_shares", "supporters"): N_(
        "Funded: its one supporter could pay {share} from their share."
    ),
    ("shares_short", "supporters"): N_("Not funded: its one supporter could not pay for it."),
}

AND = N_("{first} and {second}")

POT_CHART = N_("The pot over time: spent, held for decisions, and available")
POT_SPENT = N_("Spent")
POT_HELD = N_("Held for decisions")
POT_AVAILABLE = N_("Available")
POT_AXIS_DAYS = N_("Each step is a change in the ledger, by date")
POT_AXIS_MONEY = N_("Kroner")

DECISION_STATUSES = {
    "funded": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "on_hold": N_("On hold"),
    "paid": N_("Being paid"),
    "completed": N_("Done"),
}

# What became of a funded proposal, in plain words for the group's phones.
FATES = {
    "funded": N_("Waiting for the municipality to approve it."),
    "on_hold": N_("On hold. The caseworker asks: {question}"),
    "approved": N_("Approved {day}."),
    "rejected": N_("Not approved: {reason}"),
    "paid": N_("Being paid: {paid} of {approved} so far."),
    "completed": N_("Done."),
    "completed_left": N_("Done. {left} went back to the pot."),
}

LEDGER_KINDS = {
    "grant": N_("Money into the pot"),
    "reserve": N_("Reserved by a round"),
    "release": N_("Released"),
    "approve": N_("Approved"),
    "pay": N_("Paid"),
    "return": N_("Back in the pot"),
    "refund": N_("Refunded"),
    "adjust": N_("Correction"),
}

PAYMENT_METHODS = {
    "invoice": N_("Invoice to the supplier"),
    "reimbursement": N_("Money back to a member"),
    "card": N_("Card"),
}

# The audit trail in sentences, one per event name (the entry's action; and its variants,
# "name:variant", the names as in app.deliberation.events.NAMES); the
# decision timeline uses the same. {actor} is who did it; titles come in quotes.
AUDIT_SENTENCES = {
    "organisation.created": N_("{actor} created the organisation “{name}”."),
    "user.created": N_("{actor} added {email} as {role}."),
    "user.role_changed": N_("{actor} changed the role of {email} from {before} to {role}."),
    "user.password_changed": N_("{actor} set a new password for {email}."),
    "group.created": N_("{actor} created the group “{group}” with a pot of {amount}."),
    "pot.adjusted": N_("{actor} corrected the pot of “{group}” from {before} to {after}: {reason}"),
    "organisation.settings_changed": N_(
        "{actor} set that amounts above {amount} need two approvers."
    ),
    "organisation.settings_changed:one": N_("{actor} set that one approver is always enough."),
    "workshop.started": N_("{actor} started the workshop “{workshop}”."),
    "timer.changed": N_("{actor} started a timer of {minutes} min."),
    "timer.changed:stop": N_("{actor} stopped the timer."),
    "spotlight.changed": N_("{actor} put “{proposal}” in the spotlight."),
    "spotlight.changed:end": N_("{actor} ended the spotlight."),
    "screen.rotated": N_("{actor} made a new link for the shared screen."),
    "member.joined": N_("{actor} joined the workshop “{workshop}”."),
    "member.removed": N_("{actor} removed {name} from the workshop."),
    "member.left": N_("{name} left the workshop."),
    "member.rejoined": N_("{name} came back to the workshop on the same phone."),
    "member.resumed": N_("{name} continued on the same phone."),
    "join_code.changed": N_("{actor} showed the join code on the shared screen."),
    "join_code.changed:off": N_("{actor} took the join code off the shared screen."),
    "round.created": N_("{actor} created the round “{round}” with a budget of {amount}."),
    "round.show_live": N_("{actor} turned on the live result for the round “{round}”."),
    "round.show_live:off": N_("{actor} turned off the live result for the round “{round}”."),
    "round.phase:proposing": N_("{actor} opened the round “{round}” for proposals."),
    "round.phase:discussing": N_("{actor} moved the round “{round}” on to talking it over."),
    "round.phase:voting": N_("{actor} set the round “{round}” to voting."),
    "round.phase:closed": N_("{actor} closed the round “{round}” and published its result."),
    "proposal.created": N_("{actor} proposed “{proposal}” for {amount}."),
    "comment.created": N_("{actor} commented on “{proposal}”."),
    "comment.hidden": N_("{actor} hid a comment on “{proposal}”."),
    "comment.hidden:off": N_("{actor} showed a comment on “{proposal}” again."),
    "decision.approved": N_("{actor} approved {amount} for “{proposal}”."),
    "decision.approved:first": N_(
        "{actor} approved {amount} for “{proposal}”, as the first of two approvers."
    ),
    "decision.rejected": N_("{actor} rejected “{proposal}”: {note}"),
    "decision.held": N_("{actor} put “{proposal}” on hold and asked: {note}"),
    "decision.paid": N_("{actor} paid {amount} to {note} for “{proposal}”."),
    "decision.completed": N_("{actor} completed “{proposal}”."),
    "decision.completed:left": N_("{actor} completed “{proposal}”. {amount} went back to the pot."),
    "decision.refunded": N_("{actor} recorded that {amount} came back for “{proposal}”."),
    "receipt.added": N_("{actor} added a receipt for “{proposal}”."),
}
AUDIT_OTHER = N_("{actor} made a change ({action}).")
AUDIT_NOTE = N_("Note: {note}")
AUDIT_SYSTEM = N_("Puljen")
AUDIT_SOMEONE = N_("Someone")
# The console asks before a round closes, with what the room has not done yet.
CLOSE_QUESTIONS = {
    "missing": N_("{ballots} of {members} have voted. Close anyway?"),
    "all": N_("All {members} have voted. Close the round and show the result?"),
    "no_proposals": N_("The round has no proposals, so nothing can be funded. Close anyway?"),
    "other": N_("Close the round “{round}” and publish its result? It cannot be undone."),
}
ROLES = {
    "facilitator": N_("facilitator"),
    "approver": N_("caseworker"),
    "admin": N_("administrator"),
}


# Fields in words. An error names a field by its machine name (``title``, ``amount_minor``);
# a person never sees that name: messages with ``{field}`` get these words (at the start of a
# sentence), and an empty field is asked for with its own sentence from FIELD_MISSING.
FIELDS = {
    "title": N_("The title"),
    "description": N_("The description"),
    "how_it_helps": N_("What you wrote about how it helps"),
    "amount_minor": N_("The amount"),
    "pot.amount_minor": N_("The amount"),
    "budget_minor": N_("The budget"),
    "category": N_("The category"),
    "name": N_("The name"),
    "code": N_("The code"),
    "text": N_("The comment"),
    "email": N_("The e-mail"),
    "password": N_("The password"),
    "role": N_("The role"),
    "organisation": N_("The organisation"),
    "file": N_("The file"),
    "seconds": N_("The time"),
    "language": N_("The language"),
    "phase": N_("The phase"),
    "method": N_("The method"),
    "paid_to": N_("Who was paid"),
    "paid_on": N_("The payment date"),
    "note": N_("The note"),
    "reason": N_("The reason"),
    "question": N_("The question"),
    "kind": N_("The kind of entry"),
    "approvals": N_("Your vote"),
    "points": N_("Your points"),
    "choices": N_("Your answers"),
    "pot.currency": N_("The currency"),
    "second_approver_above_minor": N_("The amount that needs a second approver"),
    "params.points": N_("The number of points"),
    "params.max_no": N_("The most who may say no"),
    "params.threshold": N_("The share that must say yes"),
    "params.completion": N_("How money left over is used"),
}
FIELD_UNKNOWN = N_("This field")
FIELD_MISSING = {
    "title": N_("Write what it is called."),
    "description": N_("Write a description."),
    "how_it_helps": N_("Write how it brings you closer to education or a job."),
    "amount_minor": N_("Write what it costs, in kroner."),
    "pot.amount_minor": N_("Write the amount, in kroner."),
    "budget_minor": N_("Write the budget, in kroner."),
    "category": N_("Choose a category."),
    "name": N_("Write a name."),
    "code": N_("Write the code from the screen."),
    "text": N_("Write your comment."),
    "paid_to": N_("Write who was paid."),
    "reason": N_("Write a reason."),
    "question": N_("Write your question."),
    "method": N_("Choose a method."),
}
FIELD_MISSING_ANY = N_("Please fill in this field.")
