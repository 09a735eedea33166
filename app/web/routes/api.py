"""The JSON API, v1 (see ../shared/api-contract.md and /docs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response
from fastapi.responses import PlainTextResponse

from app.deliberation.errors import NotFound
from app.usecases import accounts, groups, rounds, workshops
from app.usecases.models import Comment, Proposal, Round, User
from app.usecases.queries import CommentView
from app.web.limits import AttemptLimiter
from app.web.templating import reason_text
from app.web.views import join_url, screen_url

from . import schemas
from .deps import ActorDep, ServicesDep, TokenDep, base_url, language_of
from .public import (
    ERRORS,
    TOO_MANY,
    BallotPublic,
    CommentPublic,
    GroupPublic,
    JoinedPublic,
    LoginPublic,
    PotPublic,
    ProposalPublic,
    ProposalWithCommentsPublic,
    ReasonPublic,
    ResultPublic,
    RoundDetailPublic,
    RoundPublic,
    ScreenUrlPublic,
    UserPublic,
    WorkshopDetailPublic,
    WorkshopPublic,
    file_answer,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)

login_failures = AttemptLimiter(limit=10, window=300)
join_failures = AttemptLimiter(limit=20, window=60)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- auth -------------------------------------------------------------------------------


@router.post("/auth/login", responses=TOO_MANY)
def login(body: schemas.LoginBody, request: Request, services: ServicesDep) -> LoginPublic:
    keys = (f"ip:{_client(request)}", f"email:{body.email.strip().lower()}")
    for key in keys:
        login_failures.check(key)
    try:
        token, user = accounts.login(services, email=body.email, password=body.password)
    except Exception:
        for key in keys:
            login_failures.fail(key)
        raise
    return LoginPublic(token=token, user=_user(user))


@router.post("/auth/logout", status_code=204)
def logout(services: ServicesDep, actor: ActorDep, token: TokenDep) -> Response:
    accounts.logout(services, token)
    return Response(status_code=204)


def _user(user: User) -> UserPublic:
    return UserPublic(id=user.id, email=user.email, role=user.role)


# --- groups and pots --------------------------------------------------------------------


def _group(view: groups.GroupView) -> GroupPublic:
    b = view.balance
    return GroupPublic(
        id=view.group.id,
        name=view.group.name,
        pot=PotPublic(
            currency=view.group.currency,
            amount_minor=b.total_minor,
            total_minor=b.total_minor,
            reserved_minor=b.reserved_minor,
            approved_minor=b.approved_minor,
            spent_minor=b.spent_minor,
            available_minor=b.available_minor,
        ),
    )


@router.post("/groups", status_code=201)
def create_group(body: schemas.GroupBody, services: ServicesDep, actor: ActorDep) -> GroupPublic:
    view = groups.create_group(
        services,
        actor,
        name=body.name,
        amount_minor=body.pot.amount_minor,
        currency=body.pot.currency,
    )
    return _group(view)


@router.get("/groups")
def list_groups(services: ServicesDep, actor: ActorDep) -> list[GroupPublic]:
    return [_group(view) for view in groups.list_groups(services, actor)]


@router.get("/groups/{group_id}")
def get_group(group_id: str, services: ServicesDep, actor: ActorDep) -> GroupPublic:
    return _group(groups.get_group(services, actor, group_id))


# --- workshops --------------------------------------------------------------------------


@router.post("/groups/{group_id}/workshops", status_code=201)
def start_workshop(
    group_id: str,
    body: schemas.WorkshopBody,
    request: Request,
    services: ServicesDep,
    actor: ActorDep,
) -> WorkshopPublic:
    workshop = workshops.start_workshop(
        services, actor, group_id=group_id, title=body.title, language=body.language
    )
    base = base_url(request, services)
    return WorkshopPublic(
        id=workshop.id,
        title=workshop.title,
        group_id=workshop.group_id,
        language=workshop.language,
        code=workshop.code,
        join_url=join_url(base, workshop.code),
        screen_url=screen_url(base, workshop.screen_token),
    )


@router.get("/workshops/{workshop_id}")
def get_workshop(
    workshop_id: str, request: Request, services: ServicesDep, actor: ActorDep
) -> WorkshopDetailPublic:
    view = workshops.get_workshop(services, actor, workshop_id)
    base = base_url(request, services)
    return WorkshopDetailPublic(
        id=view.workshop.id,
        title=view.workshop.title,
        group_id=view.workshop.group_id,
        language=view.workshop.language,
        code=view.workshop.code,
        join_url=join_url(base, view.workshop.code),
        members=view.members,
        event_seq=view.workshop.event_seq,
        rounds=[_round_summary(r) for r in view.rounds],
        screen_url=screen_url(base, view.workshop.screen_token) if actor.is_user else None,
    )


@router.post("/workshops/{workshop_id}/screen-token")
def rotate_screen_token(
    workshop_id: str, request: Request, services: ServicesDep, actor: ActorDep
) -> ScreenUrlPublic:
    workshop = workshops.rotate_screen_token(services, actor, workshop_id)
    return ScreenUrlPublic(
        screen_url=screen_url(base_url(request, services), workshop.screen_token)
    )


@router.post("/join", status_code=201, responses=TOO_MANY)
def join(body: schemas.JoinBody, request: Request, services: ServicesDep) -> JoinedPublic:
    key = f"ip:{_client(request)}"
    join_failures.check(key)
    try:
        joined = workshops.join_workshop(services, code=body.code, name=body.name)
    except NotFound:
        join_failures.fail(key)
        raise
    return JoinedPublic(
        member_id=joined.member.id,
        token=joined.token,
        workshop_id=joined.workshop.id,
        name=joined.member.name,
    )


# --- rounds -----------------------------------------------------------------------------


def _round_summary(round_: Round) -> RoundPublic:
    return RoundPublic(
        id=round_.id,
        workshop_id=round_.workshop_id,
        title=round_.title,
        phase=round_.phase,
        method=round_.method,
        params=round_.params,
        budget_minor=round_.budget_minor,
        show_live=round_.show_live,
    )


def _proposal(proposal: Proposal, author: str = "") -> ProposalPublic:
    return ProposalPublic(
        id=proposal.id,
        round_id=proposal.round_id,
        title=proposal.title,
        description=proposal.description,
        amount_minor=proposal.amount_minor,
        how_it_helps=proposal.how_it_helps,
        category=proposal.category,
        author=author,
        position=proposal.position,
        created_at=proposal.created_at.isoformat(),
    )


def _comment(comment: Comment | CommentView, author: str = "") -> CommentPublic:
    return CommentPublic(
        id=comment.id,
        proposal_id=comment.proposal_id,
        text=comment.text,
        author=author,
        created_at=comment.created_at.isoformat(),
    )


@router.post("/workshops/{workshop_id}/rounds", status_code=201)
def create_round(
    workshop_id: str, body: schemas.RoundBody, services: ServicesDep, actor: ActorDep
) -> RoundPublic:
    round_ = rounds.create_round(
        services,
        actor,
        workshop_id=workshop_id,
        title=body.title,
        method=body.method,
        params=body.params,
        budget_minor=body.budget_minor,
        show_live=body.show_live,
    )
    return _round_summary(round_)


@router.post("/rounds/{round_id}/show-live")
@router.post("/rounds/{round_id}/show_live", include_in_schema=False)  # the first spelling
def set_show_live(
    round_id: str, body: schemas.ShowLiveBody, services: ServicesDep, actor: ActorDep
) -> RoundPublic:
    """Show the result as it stands while voting (or stop); until the round closes."""
    return _round_summary(rounds.set_show_live(services, actor, round_id, show_live=body.show_live))


@router.post("/rounds/{round_id}/phase")
def move_phase(
    round_id: str, body: schemas.PhaseBody, services: ServicesDep, actor: ActorDep
) -> RoundPublic:
    return _round_summary(rounds.move_phase(services, actor, round_id, phase=body.phase))


@router.get("/rounds/{round_id}")
def get_round(round_id: str, services: ServicesDep, actor: ActorDep) -> RoundDetailPublic:
    view = rounds.get_round(services, actor, round_id)
    return RoundDetailPublic(
        **_round_summary(view.round).model_dump(),
        proposals=[
            ProposalWithCommentsPublic(
                **_proposal(p.proposal, p.author).model_dump(),
                comments=[_comment(c, c.author) for c in p.comments],
            )
            for p in view.proposals
        ],
        members=view.members,
        ballots=view.ballots,
        my_ballot=view.own_ballot,
    )


@router.post("/rounds/{round_id}/proposals", status_code=201)
def submit_proposal(
    round_id: str,
    body: schemas.ProposalBody,
    services: ServicesDep,
    actor: ActorDep,
    idempotency_key: Annotated[str, Header()] = "",
) -> ProposalPublic:
    """With an ``Idempotency-Key`` header, sending it again answers the stored proposal."""
    proposal = rounds.submit_proposal(
        services,
        actor,
        round_id,
        title=body.title,
        description=body.description,
        amount_minor=body.amount_minor,
        how_it_helps=body.how_it_helps,
        category=body.category,
        idempotency_key=idempotency_key,
    )
    return _proposal(proposal)


@router.post("/proposals/{proposal_id}/comments", status_code=201)
def add_comment(
    proposal_id: str,
    body: schemas.CommentBody,
    services: ServicesDep,
    actor: ActorDep,
    idempotency_key: Annotated[str, Header()] = "",
) -> CommentPublic:
    comment = rounds.add_comment(
        services, actor, proposal_id, text=body.text, idempotency_key=idempotency_key
    )
    return _comment(comment)


@router.put("/rounds/{round_id}/ballot")
def cast_ballot(
    round_id: str,
    services: ServicesDep,
    actor: ActorDep,
    body: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's way to take a free-form object
) -> BallotPublic:
    row = rounds.cast_ballot(services, actor, round_id, body)
    return BallotPublic(round_id=row.round_id, ballot=row.body, cast_at=row.cast_at.isoformat())


@router.get("/rounds/{round_id}/result")
def get_result(
    round_id: str, request: Request, services: ServicesDep, actor: ActorDep
) -> ResultPublic:
    view = rounds.get_result(services, actor, round_id)
    result, currency = view.result, view.currency
    language = language_of(request)
    return ResultPublic(
        round_id=result.round_id,
        method=result.method,
        budget_minor=result.budget_minor,
        currency=currency,
        funded=result.funded,
        scores=result.scores,
        spent_minor=result.spent_minor,
        leftover_minor=result.leftover_minor,
        voters=result.voters,
        provisional=view.provisional,
        reasons={
            pid: ReasonPublic(
                **{**reason, "text": reason_text(reason, currency, language, view.titles)}
            )
            for pid, reason in result.reasons.items()
        },
    )


@router.get(
    "/rounds/{round_id}/pabulib",
    response_class=Response,
    responses=file_answer("A pabulib .pb file (UTF-8 text).", "text/plain"),
)
def export_pabulib(round_id: str, services: ServicesDep, actor: ActorDep) -> PlainTextResponse:
    """A closed round as a pabulib .pb file (voters numbered, never named)."""
    text = rounds.export_pabulib(services, actor, round_id)
    return PlainTextResponse(
        text,
        headers={"Content-Disposition": f'attachment; filename="puljen-round-{round_id}.pb"'},
    )
