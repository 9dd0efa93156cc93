"""allauth adapters: where people land after signing in, how failed passwords are counted (msp.signin),
and who may use "Sign in with Microsoft" (docs/security.md)."""

from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django import forms
from django.shortcuts import render
from django.urls import reverse

from .models import Membership, Msp
from .signin import ACCOUNT_HELD, IP_BLOCKED, account_held, clear_account, ip_blocked, record_failure


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


def entra_tenant(sociallogin) -> uuid.UUID | None:
    """The Entra tenant (`tid`) the Microsoft account signed in from, or None when absent or malformed."""
    try:
        return uuid.UUID(str((sociallogin.account.extra_data or {}).get("tid", "")))
    except ValueError:
        return None


def _refuse(request, message: str):
    raise ImmediateHttpResponse(render(request, "socialaccount/refused.html", {"message": message}, status=403))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Microsoft sign-in for members only: the account's tenant must be an MSP's registered Entra tenant, and
    the Microsoft account (by its id, never its email) must already be linked to a member of that MSP. The
    first link is made by the member themselves while signed in ("connect")."""

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
        else:
            _refuse(request, NOT_LINKED)
        if connecting and sociallogin.is_existing and sociallogin.user != request.user:
            _refuse(request, NOT_LINKED)  # linked to someone else already
        if not Membership.objects.filter(msp=msp, user=user, removed_at__isnull=True).exists():
            _refuse(request, NOT_MEMBER)


__all__ = ["AccountAdapter", "SocialAccountAdapter", "entra_tenant"]
