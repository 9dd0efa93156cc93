"""Sign in with Microsoft (Entra ID): allauth's Microsoft provider, plus the tenant the account belongs to.

Microsoft Graph's profile (what allauth's provider reads) does not say which Entra tenant the account is
in; the ID token that the token endpoint returns with it does (`tid`). That token arrives straight from
Microsoft over TLS in answer to our client secret, so its claims are read without a signature check
(OpenID Connect Core 3.1.3.7), after checking it was issued to this app. The tenant lands in the social
account's `extra_data["tid"]`, which msp.adapters.SocialAccountAdapter checks against the MSPs'
registered tenants. These two views answer allauth's Microsoft paths (msp/urls.py lists them first).
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import wraps

from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.http import Http404

from .permissions import public


def id_token_claims(id_token: str) -> dict:
    """The claims (payload) of a JWT, or {} when it is not one."""
    parts = (id_token or "").split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def tenant_of(response: dict | None, client_id: str) -> str | None:
    """The `tid` of the ID token in a token-endpoint response, when it was issued to `client_id`."""
    claims = id_token_claims(str((response or {}).get("id_token", "")))
    if claims.get("aud") != client_id:
        return None
    tid = claims.get("tid")
    return str(tid) if tid else None


class EntraOAuth2Adapter(MicrosoftGraphOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        login.account.extra_data = {**(login.account.extra_data or {}),
                                    "tid": tenant_of(kwargs.get("response"), app.client_id)}
        return login


def _when_configured(view):
    """Microsoft sign-in answers 404 until MICROSOFT_CLIENT_ID is set (docs/security.md)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.MICROSOFT_CLIENT_ID:
            raise Http404("Sign in with Microsoft is not set up.")
        return view(request, *args, **kwargs)

    return wrapper


# allauth checks its own state (CSRF) and the provider's answers; they hold no tenant data.
oauth2_login = public(_when_configured(OAuth2LoginView.adapter_view(EntraOAuth2Adapter)))
oauth2_callback = public(_when_configured(OAuth2CallbackView.adapter_view(EntraOAuth2Adapter)))
