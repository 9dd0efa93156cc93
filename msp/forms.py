"""Forms of the workspace: signup, settings, invitations, roles, API tokens."""

from __future__ import annotations

from django import forms

from .models import Msp
from .roles import Role
from .services import msp_create

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CLIENT]


class WorkspaceSignupForm(forms.Form):
    """Extra signup fields: the person's name and their MSP's name. Signing up creates the MSP."""

    full_name = forms.CharField(max_length=150, label="Your name")
    msp_name = forms.CharField(max_length=120, label="Your MSP's name",
                               help_text="You will be its owner and can invite your team.")

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        msp = msp_create(name=self.cleaned_data["msp_name"], owner=user)
        request.session["active_msp"] = str(msp.pk)


class NewWorkspaceForm(forms.Form):
    """A signed-in person creating another workspace (MSP) that they will own."""

    name = forms.CharField(max_length=120, label="MSP name")


class MspSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Msp
        fields = ["name", "currency", "time_zone", "fiscal_year_start_month"]


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, initial=Role.VCIO)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “PSA sync”.")


class UploadField(forms.FileField):
    """A file field whose "missing" message also covers files refused for size while streaming in."""

    default_error_messages = {
        "required": "Choose a file to upload (at most 12 MB; larger files are refused).",
    }
