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
    "voting": N_("Tap the proposals you support. You can change your mind until voting ends."),
    "closed": N_("The round is over. Here is what the pot pays for."),
}

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

AND = N_("{first} and {second}")
