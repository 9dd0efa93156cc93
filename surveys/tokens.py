"""The survey link's token: a signature over the invitation's id and its MSP's id, nothing else.

Signed with the project's SECRET_KEY (django.core.signing) under a salt of its own, so it cannot be
forged or altered, and it is the same every time it is made for an invitation (staff can show it again
to resend by hand). Whether it still works (answered, expired) is read from the invitation, never from
the token. The MSP id lets the link be looked up inside that tenant's scope only: a token naming
another MSP finds nothing there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "surveys.invitation"


@dataclass(frozen=True)
class TokenClaim:
    invitation_id: uuid.UUID
    msp_id: uuid.UUID


def survey_token_make(*, invitation_id: uuid.UUID, msp_id: uuid.UUID) -> str:
    return signing.Signer(salt=SALT).sign_object({"i": uuid.UUID(str(invitation_id)).hex,
                                                  "m": uuid.UUID(str(msp_id)).hex})


def survey_token_read(token: str) -> TokenClaim | None:
    """The claim of a genuine token; None for anything altered, truncated or made up."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        return TokenClaim(invitation_id=uuid.UUID(data["i"]), msp_id=uuid.UUID(data["m"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


def survey_link(invitation, *, score: int | None = None) -> str:
    """The full link a decision maker is sent (with `score`, the first question filled in)."""
    path = reverse("survey_answer", args=[survey_token_make(invitation_id=invitation.pk, msp_id=invitation.msp_id)])
    return settings.SITE_URL + path + (f"?score={score}" if score is not None else "")
