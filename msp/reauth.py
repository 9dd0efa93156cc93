"""Recent re-authentication for account-changing actions (tokens, members; allauth guards email and MFA).

A stolen session cookie, or a session left open on a shared tablet, should not be enough to mint an API
token or invite a new owner: these actions ask for the password again when the person has not confirmed
it in the last few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT). Reading the pages stays allowed; the
refused POST is replayed by allauth once the password is confirmed.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required

# An empty `app` makes allauth's adapter answer "required" whatever the app settings say.
recent_login_required = reauthentication_required(app="", allow_get=True)

__all__ = ["recent_login_required"]
