"""Forms of the workspace: signup, settings, invitations, roles, API tokens."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from .brand import LOGO_MAX_BYTES, CleanLogo, accent_clean, logo_clean
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

    logo = forms.FileField(
        required=False, label="Logo", widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text="PNG or JPEG, at most 1 MB and 4000 pixels a side. Shown on the portal, in emails and on "
                  "the cover of every document; it is stored privately and re-encoded as PNG.",
        error_messages={"invalid": "Choose a PNG or JPEG file.", "empty": "The file is empty."})
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    class Meta:
        model = Msp
        fields = ["name", "currency", "time_zone", "fiscal_year_start_month", "accent_color", "mfa_required",
                  "entra_tenant_id"]
        widgets = {"accent_color": forms.TextInput(attrs={"placeholder": "#1f6feb", "maxlength": 7,
                                                          "spellcheck": "false", "autocomplete": "off"})}
        error_messages = {"entra_tenant_id": {"invalid": "Enter the Directory (tenant) ID from the Entra admin "
                                                         "centre, e.g. 6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo_png:
            del self.fields["remove_logo"]  # nothing to remove yet

    def clean_accent_color(self) -> str:
        return _field_errors(accent_clean, self.cleaned_data.get("accent_color", ""))

    def clean_logo(self) -> CleanLogo | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(f"The logo is {upload.size / (1024 * 1024):.1f} MB; it may be at most 1 MB.")
        return _field_errors(logo_clean, upload.read())

    def clean(self):
        data = super().clean()
        if data.get("logo") and data.get("remove_logo"):
            self.add_error("remove_logo", "Either upload a new logo or remove the logo, not both.")
        return data


def _field_errors(check, value):
    """Run a msp.brand check, turning its {field: message} error into the field's own error."""
    try:
        return check(value)
    except ValidationError as exc:
        raise forms.ValidationError([m for messages in exc.message_dict.values() for m in messages]) from None


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
