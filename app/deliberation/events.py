"""Things that happened, in one vocabulary: each event class has one name (``NAMES``), and
the same event object is written to the workshop's outbox, sent on the wire under that name
and, when it is a change someone made, written to the audit trail with that name as its
action. Names are past tense ("proposal.created"); the contract's wire names are among them.

An event's ``payload`` (what the outbox stores and the wire carries) holds ids and counts
only: never a ballot's content, never a member's name. What the audit trail needs besides
(``before`` and ``after``: a title, an amount, a name) travels in audit-only fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import ClassVar

__all__ = [
    "BallotsChanged",
    "CommentAdded",
    "CommentHidden",
    "DecisionApproved",
    "DecisionCompleted",
    "DecisionHeld",
    "DecisionPaid",
    "DecisionRefunded",
    "DecisionRejected",
    "Event",
    "GroupCreated",
    "JoinCodeChanged",
    "LiveResultsChanged",
    "MemberJoined",
    "MemberLeft",
    "MemberRejoined",
    "MemberRemoved",
    "MemberResumed",
    "OrganisationCreated",
    "OrganisationSettingsChanged",
    "PhaseChanged",
    "PotAdjusted",
    "ProposalSubmitted",
    "ReceiptAdded",
    "ResultPublished",
    "RoundCreated",
    "ScreenRotated",
    "SpotlightChanged",
    "TimerChanged",
    "UserCreated",
    "UserPasswordChanged",
    "UserRoleChanged",
    "WorkshopStarted",
]

Side = Mapping[str, object] | None
_AUDIT_ONLY = {"audit_only": True}


@dataclass(frozen=True, slots=True)
class Audit:
    """An event as the audit trail records it: what it changed, from what, to what."""

    subject_type: str
    subject_id: str
    before: Side = None
    after: Side = None


@dataclass(frozen=True, slots=True)
class Event:
    type: ClassVar[str] = "event"  # the event's name, from NAMES (set below)
    # What the audit trail says it changed ("round", "member" …), whose id is the event's
    # field ``<subject>_id``; "": an event that is a consequence, never in the trail itself.
    subject: ClassVar[str] = ""
    before: Side = field(default=None, kw_only=True, compare=False, metadata=_AUDIT_ONLY)
    after: Side = field(default=None, kw_only=True, compare=False, metadata=_AUDIT_ONLY)

    @property
    def name(self) -> str:
        return type(self).type

    def payload(self) -> dict[str, object]:
        """What the outbox stores and the wire carries (never the audit-only fields)."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if not f.metadata.get("audit_only")
        }

    def audit(self) -> Audit:
        """This event as an audit entry; an event that is not a change of its own raises."""
        if not self.subject:
            raise TypeError(f"{type(self).__name__} is not written to the audit trail")
        return Audit(self.subject, self._subject_id(), self.before, self.after)

    def _subject_id(self) -> str:
        return str(getattr(self, f"{self.subject}_id"))


# --- in a workshop: outbox, wire and (where someone made the change) the audit trail ------


@dataclass(frozen=True, slots=True)
class RoundCreated(Event):
    subject: ClassVar[str] = "round"
    round_id: str


@dataclass(frozen=True, slots=True)
class PhaseChanged(Event):
    subject: ClassVar[str] = "round"
    round_id: str
    phase: str


@dataclass(frozen=True, slots=True)
class LiveResultsChanged(Event):
    """The facilitator chose to show (or stop showing) the result live while voting."""

    subject: ClassVar[str] = "round"
    round_id: str
    show_live: bool


@dataclass(frozen=True, slots=True)
class ResultPublished(Event):
    """A consequence of closing the round (the trail records the phase change)."""

    round_id: str


@dataclass(frozen=True, slots=True)
class ProposalSubmitted(Event):
    subject: ClassVar[str] = "proposal"
    round_id: str
    proposal_id: str


@dataclass(frozen=True, slots=True)
class CommentAdded(Event):
    subject: ClassVar[str] = "comment"
    round_id: str
    proposal_id: str
    comment_id: str


@dataclass(frozen=True, slots=True)
class CommentHidden(Event):
    """A facilitator hid a comment (``hidden``) or showed it again."""

    subject: ClassVar[str] = "comment"
    round_id: str
    proposal_id: str
    comment_id: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class BallotsChanged(Event):
    """Not in the trail: who voted is nobody's business but the count's."""

    round_id: str
    ballots: int
    members: int


@dataclass(frozen=True, slots=True)
class MemberJoined(Event):
    subject: ClassVar[str] = "member"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class MemberRejoined(MemberJoined):
    """A member who had left came back on the same phone."""


@dataclass(frozen=True, slots=True)
class MemberResumed(MemberJoined):
    """A member still in the workshop joined again on the same phone (a new login)."""


@dataclass(frozen=True, slots=True)
class MemberLeft(Event):
    """A member left by themselves (they may come back from the same phone)."""

    subject: ClassVar[str] = "member"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class MemberRemoved(Event):
    subject: ClassVar[str] = "member"
    member_id: str
    members: int


@dataclass(frozen=True, slots=True)
class DecisionEvent(Event):
    """A caseworker took a step on a funded proposal of this workshop's round."""

    subject: ClassVar[str] = "decision"
    round_id: str
    decision_id: str
    status: str


@dataclass(frozen=True, slots=True)
class DecisionApproved(DecisionEvent):
    """Approved, or, where two approvers are needed, approved by the first of them."""


@dataclass(frozen=True, slots=True)
class DecisionRejected(DecisionEvent):
    pass


@dataclass(frozen=True, slots=True)
class DecisionHeld(DecisionEvent):
    pass


@dataclass(frozen=True, slots=True)
class DecisionPaid(DecisionEvent):
    pass


@dataclass(frozen=True, slots=True)
class DecisionCompleted(DecisionEvent):
    pass


@dataclass(frozen=True, slots=True)
class DecisionRefunded(DecisionEvent):
    pass


@dataclass(frozen=True, slots=True)
class TimerChanged(Event):
    """The facilitator started (``ends_at`` as ISO time) or stopped (``None``) the timer."""

    subject: ClassVar[str] = "workshop"
    ends_at: str | None
    workshop_id: str = field(default="", kw_only=True, metadata=_AUDIT_ONLY)


@dataclass(frozen=True, slots=True)
class SpotlightChanged(Event):
    subject: ClassVar[str] = "workshop"
    proposal_id: str | None
    workshop_id: str = field(default="", kw_only=True, metadata=_AUDIT_ONLY)


@dataclass(frozen=True, slots=True)
class JoinCodeChanged(SpotlightChanged):
    """The join code was put on the shared screen in the spotlight's place, or taken off."""


@dataclass(frozen=True, slots=True)
class ScreenRotated(Event):
    """The screen URL changed: screens open with the old one are closed."""

    subject: ClassVar[str] = "workshop"
    workshop_id: str = field(default="", kw_only=True, metadata=_AUDIT_ONLY)


# --- outside a workshop: the audit trail only --------------------------------------------


@dataclass(frozen=True, slots=True)
class Changed(Event):
    """A change outside any workshop's stream: it goes to the audit trail only."""

    subject_id: str

    def _subject_id(self) -> str:
        return self.subject_id


@dataclass(frozen=True, slots=True)
class OrganisationCreated(Changed):
    subject: ClassVar[str] = "organisation"


@dataclass(frozen=True, slots=True)
class OrganisationSettingsChanged(Changed):
    subject: ClassVar[str] = "organisation"


@dataclass(frozen=True, slots=True)
class UserCreated(Changed):
    subject: ClassVar[str] = "user"


@dataclass(frozen=True, slots=True)
class UserRoleChanged(Changed):
    subject: ClassVar[str] = "user"


@dataclass(frozen=True, slots=True)
class UserPasswordChanged(Changed):
    subject: ClassVar[str] = "user"


@dataclass(frozen=True, slots=True)
class GroupCreated(Changed):
    subject: ClassVar[str] = "group"


@dataclass(frozen=True, slots=True)
class PotAdjusted(Changed):
    subject: ClassVar[str] = "group"


@dataclass(frozen=True, slots=True)
class ReceiptAdded(Changed):
    subject: ClassVar[str] = "payment"


@dataclass(frozen=True, slots=True)
class WorkshopStarted(Changed):
    subject: ClassVar[str] = "workshop"


# The one name of each event: its type on the wire and in the outbox, and its action in the
# audit trail. The contract's wire names (round.phase, proposal.created, comment.created,
# ballots.changed, result.published) never change.
NAMES: Mapping[type[Event], str] = {
    RoundCreated: "round.created",
    PhaseChanged: "round.phase",
    LiveResultsChanged: "round.show_live",
    ResultPublished: "result.published",
    ProposalSubmitted: "proposal.created",
    CommentAdded: "comment.created",
    CommentHidden: "comment.hidden",
    BallotsChanged: "ballots.changed",
    MemberJoined: "member.joined",
    MemberRejoined: "member.rejoined",
    MemberResumed: "member.resumed",
    MemberLeft: "member.left",
    MemberRemoved: "member.removed",
    DecisionApproved: "decision.approved",
    DecisionRejected: "decision.rejected",
    DecisionHeld: "decision.held",
    DecisionPaid: "decision.paid",
    DecisionCompleted: "decision.completed",
    DecisionRefunded: "decision.refunded",
    TimerChanged: "timer.changed",
    SpotlightChanged: "spotlight.changed",
    JoinCodeChanged: "join_code.changed",
    ScreenRotated: "screen.rotated",
    OrganisationCreated: "organisation.created",
    OrganisationSettingsChanged: "organisation.settings_changed",
    UserCreated: "user.created",
    UserRoleChanged: "user.role_changed",
    UserPasswordChanged: "user.password_changed",
    GroupCreated: "group.created",
    PotAdjusted: "pot.adjusted",
    ReceiptAdded: "receipt.added",
    WorkshopStarted: "workshop.started",
}
for _cls, _name in NAMES.items():
    _cls.type = _name
del _cls, _name
