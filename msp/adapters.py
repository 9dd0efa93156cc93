"""allauth adapter: where people land after signing in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        next_url = super().get_login_redirect_url(request)
        if next_url and next_url != reverse("home"):
            return next_url
        return reverse("home")
