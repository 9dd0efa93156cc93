"""Accepting an emailed invitation (staff or client portal): sign in or create the account, then join."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import Membership, Msp, User
from .services import invitation_accept
from .tenancy import SESSION_KEY


class NewAccountForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Password again",
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        if p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def accept_flow(request, *, token: str, email: str, msp: Msp, what: str,
                accept: Callable[[User], Membership], microsoft: bool = False):
    """Show the invitation and, on POST, accept it for the signed-in user or a new account (or, with
    `microsoft`, offer to accept it with a Microsoft account of the MSP's Entra tenant instead)."""
    context = {"email": email, "msp": msp, "what": what, "token": token, "microsoft": microsoft}
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != email.lower():
        context["wrong_user"] = True
        return render(request, "msp/invitation_accept.html", context)
    existing = None if user else User.objects.filter(email__iexact=email).first()
    if existing is not None:
        context["login_url"] = reverse("account_login") + "?next=" + reverse("invitation_accept", args=[token])
        return render(request, "msp/invitation_accept.html", context)
    form = NewAccountForm(request.POST or None, email=email) if user is None else None
    context["form"] = form
    if request.method == "POST":
        if form is not None and not form.is_valid():
            return render(request, "msp/invitation_accept.html", context)
        try:
            with transaction.atomic():
                if user is None:
                    user = User.objects.create_user(email=email, password=form.cleaned_data["password1"],
                                                    full_name=form.cleaned_data["full_name"])
                membership = accept(user)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(request, "msp/invitation_accept.html", context)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = str(membership.msp_id)
        messages.success(request, f"Welcome to {msp.name}.")
        return redirect("home")
    return render(request, "msp/invitation_accept.html", context)


def accept_staff_invitation(request, invitation, token: str):
    return accept_flow(
        request, token=token, email=invitation.email, msp=invitation.msp,
        what=f"join {invitation.msp.name} as {invitation.get_role_display()}",
        accept=lambda user: invitation_accept(invitation=invitation, user=user),
        microsoft=microsoft_acceptable(invitation),
    )


def microsoft_acceptable(invitation) -> bool:
    """A staff invitation may be accepted with Microsoft once sign-in with Microsoft is set up and the MSP
    registered its Entra tenant (docs/security.md)."""
    return bool(settings.MICROSOFT_CLIENT_ID and invitation.msp.entra_tenant_id)
