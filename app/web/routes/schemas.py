"""Request bodies of the JSON API. Strict types: ``"100"`` is not a number and ``1.5`` is not
a whole number of øre; the core checks lengths and ranges and says which field is wrong."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr, field_validator


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """NUL is never text a person typed, and PostgreSQL cannot store it."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class LoginBody(Body):
    email: StrictStr
    password: StrictStr


class PotBody(Body):
    amount_minor: StrictInt
    currency: StrictStr = "DKK"


class GroupBody(Body):
    name: StrictStr
    pot: PotBody


class WorkshopBody(Body):
    title: StrictStr
    language: StrictStr = "da"


class JoinBody(Body):
    code: StrictStr
    name: StrictStr


class RoundBody(Body):
    title: StrictStr
    method: StrictStr = "approval"
    params: dict[str, Any] | None = None
    budget_minor: StrictInt | None = None
    show_live: StrictBool = False


class PhaseBody(Body):
    phase: StrictStr


class ShowLiveBody(Body):
    show_live: StrictBool


class ProposalBody(Body):
    title: StrictStr
    description: StrictStr = ""
    amount_minor: StrictInt
    how_it_helps: StrictStr
    category: StrictStr


class CommentBody(Body):
    text: StrictStr


class ApproveBody(Body):
    amount_minor: StrictInt | None = None


class RejectBody(Body):
    reason: StrictStr


class HoldBody(Body):
    question: StrictStr


class PaymentBody(Body):
    amount_minor: StrictInt
    paid_to: StrictStr
    method: StrictStr
    paid_on: StrictStr | None = None  # YYYY-MM-DD; today if left out


class CompleteBody(Body):
    note: StrictStr = ""


class AdjustmentBody(Body):
    amount_minor: StrictInt
    reason: StrictStr


class OrganisationSettingsBody(Body):
    second_approver_above_minor: StrictInt | None = None


class RefundBody(Body):
    amount_minor: StrictInt
    note: StrictStr = ""
