"""Forms of the clients pages. They validate input; the writes happen in clients.services."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from msp.csvfiles import ImportFileError
from msp.csvimport import UPLOAD_HELP, read_upload
from msp.form_bases import VersionedForm
from msp.forms import UploadField
from msp.models import Msp
from msp.selectors import staff_users

from . import imports
from .choices import ClientStatus
from .models import Asset, BusinessObjective, Client, Contact
from .profile import PROFILE_FIELDS


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(VersionedForm):
    # Only the name is required: a client is often created before the agreement is signed.
    OPTIONAL_WITH_DEFAULT = ("status", "fiscal_year_start_month")

    class Meta:
        model = Client
        fields = ["name", "industry", "status", "mrr", "aisp", "user_count", "endpoint_count", "complexity",
                  "fiscal_year_start_month", "vcio", "tam", "churn_date", "churn_reason", "notes"]
        labels = {"vcio": "vCIO", "tam": "TAM", "user_count": "Users", "endpoint_count": "Endpoints",
                  "fiscal_year_start_month": "Fiscal year starts in"}
        widgets = {
            "churn_date": _date_widget(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "churn_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, msp: Msp, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_users(msp=msp)
        self.fields["vcio"].queryset = staff
        self.fields["tam"].queryset = staff
        self.fields["vcio"].empty_label = "Unassigned"
        self.fields["tam"].empty_label = "Unassigned"
        for name in ("mrr", *self.OPTIONAL_WITH_DEFAULT):
            self.fields[name].required = False
        if self.instance._state.adding:
            self.fields["fiscal_year_start_month"].initial = msp.fiscal_year_start_month
        self.fields["churn_date"].help_text = "Required when the status is churned."

    def clean(self):
        data = super().clean()
        if data.get("status") == ClientStatus.CHURNED and not data.get("churn_date"):
            self.add_error("churn_date", "A churned client needs a churn date.")
        return data

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if fields.get("mrr") is None:
            fields["mrr"] = Decimal("0.00")
        for name in self.OPTIONAL_WITH_DEFAULT:
            # Not given: a new client gets the default, an edited one keeps its value.
            if fields.get(name) in (None, ""):
                fields.pop(name, None)
        return fields


class ContactForm(VersionedForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "is_decision_maker"]


class ObjectiveForm(VersionedForm):
    class Meta:
        model = BusinessObjective
        fields = ["title", "description", "target_date", "status"]
        widgets = {"target_date": _date_widget(), "description": forms.Textarea(attrs={"rows": 3})}


class AssetForm(VersionedForm):
    class Meta:
        model = Asset
        fields = ["name", "kind", "manufacturer", "model", "serial", "status", "purchase_date", "warranty_end",
                  "end_of_support", "expected_life_years", "replacement_cost"]
        widgets = {"purchase_date": _date_widget(), "warranty_end": _date_widget(),
                   "end_of_support": _date_widget()}


class ClientFilterForm(forms.Form):
    """The list page's filters. Unknown values are ignored rather than breaking the page."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    vcio = forms.ChoiceField(required=False, label="vCIO")
    tam = forms.ChoiceField(required=False, label="TAM")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ClientStatus.choices])
    archived = forms.BooleanField(required=False, label="Show archived")

    def __init__(self, *args, msp: Msp, **kwargs):
        super().__init__(*args, **kwargs)
        people = [(str(u.pk), u.display_name) for u in staff_users(msp=msp)]
        self.fields["vcio"].choices = [("", "Any vCIO"), ("none", "Unassigned"), *people]
        self.fields["tam"].choices = [("", "Any TAM"), ("none", "Unassigned"), *people]

    def filters(self) -> dict:
        """Keyword arguments for selectors.client_list; an invalid field counts as not given."""
        data = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid
            data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "vcio": data.get("vcio") or "",
            "tam": data.get("tam") or "",
            "status": data.get("status") or "",
            "archived": bool(data.get("archived")),
        }


class PortalInviteForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(),
                                     error_messages={"invalid_choice": "Choose a contact of this client."})

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client=client, archived_at__isnull=True)


class AssetImportForm(forms.Form):
    file = UploadField(
        label="CSV file",
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The upload's text; refuses files that are too large, not CSV or not UTF-8."""
        try:
            return read_upload(self.cleaned_data["file"], max_bytes=imports.MAX_BYTES)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc


class BusinessProfileForm(VersionedForm):
    """The client's business profile (clients.profile), and whether it was just reviewed with the client."""

    reviewed = forms.BooleanField(required=False, label="I went through this profile with the client today")

    class Meta:
        model = Client
        fields = list(PROFILE_FIELDS)
        widgets = {
            "revenue_streams": forms.Textarea(attrs={"rows": 3}),
            "sales_goals": forms.Textarea(attrs={"rows": 3}),
            "market_position": forms.Textarea(attrs={"rows": 3}),
        }
