"""audit actions are event names

The audit trail's action is the name of the event that was recorded (one vocabulary: the
same name is on the wire and in the outbox): stored entries get the new names. Data only,
no schema change. The names are written out here, as they were at this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    "organisation.create": "organisation.created",
    "organisation.settings": "organisation.settings_changed",
    "user.create": "user.created",
    "user.role": "user.role_changed",
    "user.password": "user.password_changed",
    "group.create": "group.created",
    "pot.adjust": "pot.adjusted",
    "receipt.add": "receipt.added",
    "workshop.start": "workshop.started",
    "workshop.timer": "timer.changed",
    "workshop.spotlight": "spotlight.changed",
    "workshop.join_code": "join_code.changed",
    "workshop.screen_rotate": "screen.rotated",
    "member.join": "member.joined",
    "member.rejoin": "member.rejoined",
    "member.resume": "member.resumed",
    "member.leave": "member.left",
    "member.remove": "member.removed",
    "round.create": "round.created",
    "proposal.submit": "proposal.created",
    "comment.add": "comment.created",
    "comment.hide": "comment.hidden",  # after: {"hidden": true}
    "comment.show": "comment.hidden",  # after: {"hidden": false}
    "decision.approve": "decision.approved",
    "decision.reject": "decision.rejected",
    "decision.hold": "decision.held",
    "decision.pay": "decision.paid",
    "decision.complete": "decision.completed",
    "decision.refund": "decision.refunded",
}

audit = sa.table(
    "audit_entry",
    sa.column("id", sa.String),
    sa.column("action", sa.String),
    sa.column("after", sa.JSON),
)


def upgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(audit.update().where(audit.c.action == old).values(action=new))


def downgrade() -> None:
    hidden = sa.select(audit.c.id, audit.c.after).where(audit.c.action == "comment.hidden")
    shown = [row.id for row in op.get_bind().execute(hidden) if not (row.after or {}).get("hidden")]
    for old, new in RENAMED.items():
        if old != "comment.show":
            op.execute(audit.update().where(audit.c.action == new).values(action=old))
    if shown:
        op.execute(audit.update().where(audit.c.id.in_(shown)).values(action="comment.show"))
