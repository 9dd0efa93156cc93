"""Sign-in protection: slowing down password guessing without locking the real person out, and the
two-factor requirement for owners and vCIOs (docs/security.md).

Failed passwords are counted in the cache (Redis in production) in two fixed windows of
SIGNIN_WINDOW_SECONDS, under keys of bounded length (a digest of the IP or the email):

- per IP: after SIGNIN_IP_FAILURES failures that IP's sign-in attempts answer 429 until the window ends.
  Other IPs are not affected, so the guesser cannot shut out the account's owner this way.
- per account: after SIGNIN_ACCOUNT_FAILURES failures (from any number of IPs) the password alone no longer
  signs that account in. An account with a second factor still signs in with the right password and a
  code or passkey; an account without one is told to use a password-reset link, which signs in directly
  (ACCOUNT_LOGIN_ON_PASSWORD_RESET) and clears the count. The answer is the same whether the password was
  right or wrong, so a guesser learns nothing from it.
"""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .roles import Role
from .tenancy import is_api_path

IP_BLOCKED = ("Too many failed sign-ins from your network. Wait 15 minutes and try again, or reset your "
              "password from the link below.")
ACCOUNT_HELD = ("This account has had many failed sign-ins, so its password alone no longer signs in for a "
                "while. Use “Forgot your password?” to get a sign-in link by email, or sign in with the "
                "second factor you set up.")

# Roles that must set up a second factor when their MSP requires it.
MFA_ROLES = (Role.OWNER, Role.VCIO)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _ip_key(request) -> str:
    return _key("ip", get_adapter(request).get_client_ip(request))


def _account_key(email: str) -> str:
    return _key("account", email)


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _bump(key: str) -> None:
    # add() starts the window (with its expiry); incr() never extends it.
    if not cache.add(key, 1, timeout=settings.SIGNIN_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=settings.SIGNIN_WINDOW_SECONDS)


def ip_blocked(request) -> bool:
    return _count(_ip_key(request)) >= settings.SIGNIN_IP_FAILURES


def account_held(email: str) -> bool:
    return _count(_account_key(email)) >= settings.SIGNIN_ACCOUNT_FAILURES


def record_failure(request, email: str) -> None:
    _bump(_ip_key(request))
    if email:
        _bump(_account_key(email))


def clear_account(email: str) -> None:
    """A completed password reset: the account signs in with its password again."""
    cache.delete(_account_key(email))


def blocked_response(request):
    """The 429 answer to a sign-in from an IP over its limit."""
    return render(request, "429.html", {"message": IP_BLOCKED}, status=429)


class SignInThrottleMiddleware:
    """Answers 429 to a password sign-in from an IP that has failed too often, before the form is read."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths: tuple[str, ...] | None = None

    def __call__(self, request):
        if self.paths is None:
            self.paths = (reverse("account_login"), reverse("account_reauthenticate"))
        if request.method == "POST" and request.path_info in self.paths and ip_blocked(request):
            return blocked_response(request)
        return self.get_response(request)


# Pages a person without a second factor may still open: their account pages (where MFA is set up, and
# sign-out), static files, health checks, invitation links and the workspace switch.
MFA_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/invitations/", "/workspace/switch/")


def needs_mfa_setup(request) -> bool:
    """True when the request's person must set up a second factor before using this MSP."""
    msp = getattr(request, "msp", None)
    if msp is None or not msp.mfa_required or request.role not in MFA_ROLES:
        return False
    if getattr(request, "api_token", None) is not None:
        return False  # a token is its own credential, made by a signed-in person
    return not is_mfa_enabled(request.user)


class MfaRequiredMiddleware:
    """Sends an owner or vCIO of an MSP with `mfa_required` to set up a second factor first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(MFA_OPEN_PREFIXES) or path.startswith(settings.STATIC_URL) or not needs_mfa_setup(request):
            return self.get_response(request)
        if is_api_path(path):
            return JsonResponse({"detail": "Set up two-factor sign-in before using the API."}, status=403)
        messages.info(request, f"{request.msp.name} requires two-factor sign-in: set up an authenticator app "
                               "or a passkey to continue.")
        return redirect("mfa_index")


__all__ = [
    "ACCOUNT_HELD",
    "IP_BLOCKED",
    "MfaRequiredMiddleware",
    "SignInThrottleMiddleware",
    "account_held",
    "clear_account",
    "ip_blocked",
    "needs_mfa_setup",
    "record_failure",
]
