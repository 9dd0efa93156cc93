"""Forms of the workspace: signup, settings, invitations, roles, API tokens."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join

from .models import TIME_ZONES, Msp
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


# The zones most MSPs work in, offered first; every other zone follows in alphabetical order.
COMMON_TIME_ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Halifax",
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Europe/Madrid",
    "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Australia/Perth",
    "Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland", "UTC",
]


def time_zones_common_first() -> list[str]:
    common = [z for z in COMMON_TIME_ZONES if (z, z) in TIME_ZONES]
    return common + [z for z, _ in TIME_ZONES if z not in common]


class TimeZoneInput(forms.TextInput):
    """A text box that suggests time zones as you type (a datalist: the common zones first, then all)."""

    def __init__(self, attrs=None):
        super().__init__({"list": "time-zone-options", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((z,) for z in time_zones_common_first()))
        return format_html('{}<datalist id="time-zone-options">{}</datalist>', box, options)


class MspSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    time_zone = forms.ChoiceField(
        choices=TIME_ZONES, widget=TimeZoneInput, label="Time zone",
        help_text="Type a city or a region (for example Chicago or Europe) and pick from the list.",
        error_messages={"invalid_choice": "“%(value)s” is not a time zone we know: pick one from the list, "
                                          "for example America/New_York or Europe/London."})

    class Meta:
        model = Msp
        fields = ["name", "currency", "time_zone", "fiscal_year_start_month", "mfa_required", "entra_tenant_id"]
        error_messages = {"entra_tenant_id": {"invalid": "Enter the Directory (tenant) ID from the Entra admin "
                                                         "centre, e.g. 6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a."}}


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
