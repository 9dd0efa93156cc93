"""allauth adapters: where people land after signing in, how failed passwords are counted (msp.signin),
and who may use "Sign in with Microsoft" (docs/security.md)."""

from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse

from .models import Membership, Msp, User
from .services import invitation_accept, invitation_from_token
from .signin import ACCOUNT_HELD, IP_BLOCKED, account_held, clear_account, ip_blocked, record_failure
from .tenancy import SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        next_url = super().get_login_redirect_url(request)
        if next_url and next_url != reverse("home"):
            return next_url
        return reverse("home")

    def pre_authenticate(self, request, **credentials) -> None:
        """Failed passwords are counted per IP and per account by msp.signin, not locked by allauth."""
        if ip_blocked(request):
            raise forms.ValidationError(IP_BLOCKED, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        email = str(credentials.get("email") or "")
        held = bool(email) and account_held(email)
        user = super().authenticate(request, **credentials)
        # A held account signs in with a second factor (the next step asks for it) or a reset link only;
        # without one the answer is the same for a right and a wrong password.
        if held and (user is None or not is_mfa_enabled(user)):
            raise forms.ValidationError(ACCOUNT_HELD, code="account_held")
        return user

    def authentication_failed(self, request, **credentials) -> None:
        record_failure(request, str(credentials.get("email") or ""))

    def set_password(self, user, password) -> None:
        """A new password (reset or change) makes earlier failed guesses irrelevant."""
        super().set_password(user, password)
        clear_account(user.email)

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        clear_account(str(credentials.get("email") or ""))


# Why a Microsoft sign-in was refused, as the person sees it.
NOT_REGISTERED = ("Your Microsoft organisation is not set up for this service. Ask your MSP's owner to enter "
                  "its Entra tenant ID under Settings, or sign in with your email and password.")
NOT_LINKED = ("This Microsoft account is not linked to a member of the workspace. Sign in with your email "
              "and password, then connect Microsoft from your account's “Connected accounts” page.")
NOT_MEMBER = "Your account is not a member of the workspace that uses this Microsoft organisation."
INVITED_ELSEWHERE = ("This invitation was sent to {invited}, but you signed in to Microsoft as {email}. Sign in "
                     "to Microsoft as {invited}, or accept the invitation with a password.")
INVITATION_GONE = "This invitation is no longer valid. Ask the person who invited you for a new one."

# The session remembers which invitation a "Accept with Microsoft" sign-in is for (msp.views).
INVITATION_SESSION_KEY = "vcio_microsoft_invitation"


def entra_tenant(sociallogin) -> uuid.UUID | None:
    """The Entra tenant (`tid`) the Microsoft account signed in from, or None when absent or malformed."""
    try:
        return uuid.UUID(str((sociallogin.account.extra_data or {}).get("tid", "")))
    except ValueError:
        return None


def microsoft_email(sociallogin) -> str:
    """The Microsoft account's address: its mail, else its sign-in name (user principal name)."""
    data = sociallogin.account.extra_data or {}
    return str(data.get("mail") or data.get("userPrincipalName") or "").strip().lower()


def accept_invitation_with_microsoft(request, sociallogin, msp: Msp) -> User | None:
    """The person opened a staff invitation of `msp` and chose "Accept with Microsoft": the invitation link
    (proof of the address) and a Microsoft account of the MSP's own Entra tenant with that same address
    make their account, join the MSP and link the Microsoft account, all or nothing. None when no pending
    invitation of this MSP is in the session (or the address already has an account, which signs in with
    its password and connects Microsoft itself)."""
    token = request.session.get(INVITATION_SESSION_KEY)
    invitation = invitation_from_token(token) if token else None
    if invitation is None or invitation.msp_id != msp.pk:
        return None
    email = microsoft_email(sociallogin)
    if email != invitation.email.lower():
        _refuse(request, INVITED_ELSEWHERE.format(invited=invitation.email,
                                                  email=email or "an account without an address"))
    if User.objects.filter(email__iexact=invitation.email).exists():
        return None
    data = sociallogin.account.extra_data or {}
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=invitation.email, password=None,
                                            full_name=str(data.get("displayName") or "")[:150])
            invitation_accept(invitation=invitation, user=user)
            # The invitation's link proved the address.
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            sociallogin.user = user
            sociallogin.save(request, connect=True)
    except ValidationError:
        _refuse(request, INVITATION_GONE)
    request.session.pop(INVITATION_SESSION_KEY, None)
    request.session[SESSION_KEY] = str(msp.pk)
    return user


def _refuse(request, message: str):
    raise ImmediateHttpResponse(render(request, "socialaccount/refused.html", {"message": message}, status=403))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft sign-in for members only: the account's tenant must be an MSP's registered Entra tenant, and
    the Microsoft account (by its id, never its email) must already be linked to a member of that MSP. The
    first link is made by the member themselves while signed in ("connect"), or by accepting an emailed
    invitation of that MSP with a Microsoft account of its tenant and the invited address."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        tenant = entra_tenant(sociallogin)
        msp = Msp.objects.filter(entra_tenant_id=tenant).first() if tenant else None
        if msp is None:
            _refuse(request, NOT_REGISTERED)
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if sociallogin.is_existing:
            user = sociallogin.user
        elif connecting and request.user.is_authenticated:
            user = request.user
        elif not connecting and (invited := accept_invitation_with_microsoft(request, sociallogin, msp)):
            user = invited
        else:
            _refuse(request, NOT_LINKED)
        if connecting and sociallogin.is_existing and sociallogin.user != request.user:
            _refuse(request, NOT_LINKED)  # linked to someone else already
        if not Membership.objects.filter(msp=msp, user=user, removed_at__isnull=True).exists():
            _refuse(request, NOT_MEMBER)


__all__ = ["INVITATION_SESSION_KEY", "AccountAdapter", "SocialAccountAdapter", "accept_invitation_with_microsoft",
           "entra_tenant", "microsoft_email"]
