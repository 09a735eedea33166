"""What each audience sees: the member's phone, the shared screen, the facilitator console.

Pages render in full once per request; live pushes render each affected block once per
(audience, language) and the same bytes go to every connection of that audience.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import segno

from app.deliberation.methods import Method
from app.usecases.live import Snapshot
from app.usecases.models import Member, User
from app.web.templating import environment, render_blocks, render_page


class Audience(enum.StrEnum):
    MEMBERS = "members"
    SCREEN = "screen"
    FACILITATORS = "facilitators"


@lru_cache(maxsize=64)
def qr_svg(url: str) -> str:
    """The join URL as an inline SVG QR code (segno, rendered on the server)."""
    # omitsize: a viewBox instead of a fixed size, so the screen's CSS can scale it.
    return str(segno.make(url, error="m").svg_inline(scale=10, border=2, title=url, omitsize=True))


def join_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/j/{code}"


def screen_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/screen/{token}"


@dataclass(frozen=True)
class Page:
    """What every page needs besides its own data."""

    csrf: str
    language: str


def member_page(
    page: Page,
    snap: Snapshot,
    me: Member,
    ballot: Mapping[str, object] | None,
) -> str:
    return render_page("member.html", page.language, _member_context(page, snap, me, ballot))


def _member_context(
    page: Page, snap: Snapshot, me: Member | None, ballot: Mapping[str, object] | None
) -> dict[str, Any]:
    return {
        "csrf": page.csrf,
        "snap": snap,
        "me": me,
        "ballot": ballot,
        "form": {},
        "errors": {},
        "notice": "",
        "error": "",
        "oob": False,
    }


def proposal_form(
    page: Page,
    snap: Snapshot,
    *,
    form: Mapping[str, str],
    errors: Mapping[str, str],
    notice: str = "",
) -> str:
    context = _member_context(page, snap, None, None)
    context.update(form=form, errors=errors, notice=notice)
    return render_blocks("member.html", ["proposal_form"], page.language, context)


def ballot_state(page: Page, ballot: Mapping[str, object] | None, error: str = "") -> str:
    """The member's ``#ballot-state`` after they cast: their own ballot (or why it was not
    taken) is all the block shows, so it is rendered without a snapshot of the room."""
    context = {"ballot": ballot, "error": error, "oob": False}
    return render_blocks("member.html", ["ballot_state"], page.language, context)


def own_ballot_state(language: str, snap: Snapshot, ballot: Mapping[str, object] | None) -> str:
    """One member's own ballot state (and picks, for their other pages to follow), as an
    out-of-band fragment for that member's connections only; "" when nobody votes."""
    if snap.round is None or snap.round.phase != "voting":
        return ""
    context = _member_context(Page(csrf="", language=language), snap, None, ballot)
    context["oob"] = True
    return render_blocks("member.html", ["ballot_state"], language, context)


def methods_page(page: Page, only: str = "") -> str:
    context = {"csrf": page.csrf, "methods": [m.value for m in Method], "only": only}
    return render_page("methods.html", page.language, context)


@dataclass(frozen=True)
class GridShape:
    """How the shared screen lays out ``n`` cards in an area: columns, rows, and how many
    lines of "how it helps" fit on one card."""

    columns: int
    rows: int

    @property
    def how_lines(self) -> int:
        """Lines of "how it helps" a card shows: fewer and larger when there are few cards,
        so the text is readable from the back of the room."""
        return {1: 4, 2: 3, 3: 2, 4: 2}.get(self.rows, 1)

    @property
    def reason_lines(self) -> int:
        """Lines for a result's reason (shorter than a proposal's text, and larger)."""
        return {1: 3, 2: 3, 3: 2, 4: 2}.get(self.rows, 1)


def grid_shape(n: int, *, wide: bool = True) -> GridShape:
    """The columns and rows that give ``n`` cards the largest size at a card's shape
    (about 1.7 : 1) in the screen's main area (``wide``: the whole width, else beside a
    side panel), so up to 40 cards fit 1920 by 1080 pixels without scrolling."""
    width, height, aspect = (18.5 if wide else 12.0), 7.0, 1.7
    best = GridShape(1, max(n, 1))
    best_size = 0.0
    for columns in range(1, max(n, 1) + 1):
        rows = math.ceil(max(n, 1) / columns)
        size = min(width / columns / aspect, height / rows)
        if size > best_size + 1e-9:
            best, best_size = GridShape(columns, rows), size
    return best


def screen_page(page: Page, snap: Snapshot, base_url: str) -> str:
    return render_page("screen.html", page.language, _screen_context(page, snap, base_url))


def _screen_context(page: Page, snap: Snapshot, base_url: str) -> dict[str, Any]:
    url = join_url(base_url, snap.workshop.code)
    return {
        "csrf": page.csrf,
        "snap": snap,
        "join_url": url,
        "qr_svg": qr_svg(url),
        "grid_shape": grid_shape,
        "short": True,  # money in whole kroner where it is whole: read from across the room
    }


def console_page(
    page: Page, snap: Snapshot, user: User, base_url: str, connected: Collection[str]
) -> str:
    return render_page(
        "console.html", page.language, _console_context(page, snap, user, base_url, connected)
    )


def _console_context(
    page: Page,
    snap: Snapshot,
    user: User | None,
    base_url: str,
    connected: Collection[str],
) -> dict[str, Any]:
    return {
        "csrf": page.csrf,
        "snap": snap,
        "user": user,
        "connected": set(connected),
        "screen_url": screen_url(base_url, snap.workshop.screen_token),
        "form": {},
        "errors": {},
        "oob_hint": False,
    }


def round_form(
    page: Page,
    snap: Snapshot,
    *,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> str:
    """The console's new-round form again, with what was typed and why it was not taken."""
    context = _console_context(page, snap, None, "", ())
    context.update(form=form or {}, errors=errors or {})
    return render_blocks("console.html", ["round_form"], page.language, context)


def stage_key(snap: Snapshot) -> tuple[str, str]:
    """Which stage a member sees; their stage (with its forms) is re-rendered only when it
    changes, so a half-typed proposal or an unsent ballot is never overwritten."""
    return (snap.round.id, snap.round.phase) if snap.round else ("", "")


def _member_live_blocks(snap: Snapshot, stage_changed: bool, decided: bool) -> list[str]:
    """The blocks a member's page is sent; earlier rounds only with a new stage or when a
    caseworker's decision changed what became of them (not with every ballot or comment:
    a redraw would cost every phone the work and take the focus off an open round)."""
    if stage_changed:
        return ["status", "stage", "earlier"]
    phase = snap.round.phase if snap.round else ""
    blocks = ["status"]
    if phase == "proposing":
        blocks.append("proposal_list")
    elif phase == "voting":
        blocks += ["voted", "live_result"]
        if snap.round is not None and snap.round.method == "equal_shares":
            blocks.append("share")
    elif phase == "closed":
        blocks.append("fates")
    return [*blocks, "earlier"] if decided else blocks


def comment_lists(snap: Snapshot, language: str) -> str:
    """Each proposal's comment list (hidden comments left out), as out-of-band fragments."""
    template = environment(language).get_template("_comments.html")
    return "".join(template.render(p=p) for p in snap.proposals)


def push(
    audience: Audience,
    language: str,
    snap: Snapshot,
    *,
    stage_changed: bool,
    base_url: str,
    connected: Collection[str],
    decided: bool = False,
) -> str:
    """The HTML sent to every connection of ``audience`` in ``language`` after a change
    (``decided``: a decision changed since the last push)."""
    page = Page(csrf="", language=language)
    if audience is Audience.SCREEN:
        context = _screen_context(page, snap, base_url)
        return render_blocks("screen.html", ["screen"], language, context)
    if audience is Audience.FACILITATORS:
        context = _console_context(page, snap, None, base_url, connected)
        context["oob_hint"] = True  # the new-round form's "the pot has … available"
        return render_blocks("console.html", ["console_live", "budget_hint"], language, context)
    blocks = _member_live_blocks(snap, stage_changed, decided)
    html = render_blocks("member.html", blocks, language, _member_context(page, snap, None, None))
    if not stage_changed and snap.round is not None and snap.round.phase == "discussing":
        html += comment_lists(snap, language)
    return html


def initial(
    audience: Audience,
    language: str,
    snap: Snapshot,
    *,
    base_url: str,
    connected: Collection[str],
    me: Member | None = None,
    ballot: Mapping[str, object] | None = None,
    with_stage: bool = True,
) -> str:
    """The full live state for one connection that has just (re)connected; a member's stage
    only ``with_stage`` (a page that already shows it keeps its forms and focus)."""
    page = Page(csrf="", language=language)
    if audience is Audience.MEMBERS:
        context = _member_context(page, snap, me, ballot)
        blocks = _member_live_blocks(snap, stage_changed=with_stage, decided=True)
        html = render_blocks("member.html", blocks, language, context)
        if not with_stage and snap.round is not None and snap.round.phase == "discussing":
            html += comment_lists(snap, language)
        return html
    return push(
        audience, language, snap, stage_changed=True, base_url=base_url, connected=connected
    )
