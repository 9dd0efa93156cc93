"""Forms of the review pages. They validate input; the writes happen in alignment.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from msp.form_bases import VersionedForm
from msp.forms import UploadField
from msp.models import Msp
from msp.roles import Role
from msp.selectors import staff_users
from standards.choices import Frequency
from standards.models import Category

from .choices import Response
from .models import Recommendation
from .services import MAX_EVIDENCE_BYTES, default_title


def answering_staff(msp: Msp):
    """Staff who may answer a review (owner, vCIO, TAM): who can be a review's TAM."""
    return staff_users(msp=msp).filter(
        memberships__msp=msp, memberships__removed_at__isnull=True,
        memberships__role__in=[Role.OWNER, Role.VCIO, Role.TAM]).distinct()


class ReviewScheduleForm(forms.Form):
    title = forms.CharField(max_length=200, required=False,
                            help_text="Left empty: “Alignment review” and the month of the date.")
    scheduled_for = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    tam = forms.ModelChoiceField(label="TAM", queryset=None, empty_label="Choose who answers on site",
                                 help_text="The TAM sees the review under “My reviews”.")
    categories = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every category.")
    tags = forms.CharField(required=False, max_length=500,
                           help_text="Comma-separated; only standards carrying one of these tags. Empty: any.")
    frequencies = forms.MultipleChoiceField(
        label="Review frequencies", choices=Frequency.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Only standards reviewed this often. None ticked: all.")

    def __init__(self, *args, msp: Msp, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tam"].queryset = answering_staff(msp)
        self.fields["categories"].queryset = Category.objects.filter(archived_at__isnull=True).order_by(
            "position", "name")
        today = timezone.localdate()
        self.fields["scheduled_for"].initial = today
        self.fields["title"].initial = default_title(today)
        if client is not None and client.tam_id:
            self.fields["tam"].initial = client.tam_id

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "scheduled_for": d["scheduled_for"], "tam": d["tam"],
                "categories": list(d["categories"]), "tags": d["tags"], "frequencies": d["frequencies"]}


class AnswerForm(forms.Form):
    """One answer posted from the on-site page: a response button (or none, to save the note), the note, and
    the version the person saw."""

    response = forms.ChoiceField(choices=[("", "Keep"), *Response.choices], required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    version = forms.IntegerField(min_value=1, error_messages={
        "required": "This form is missing the answer's version. Reload the page and try again."})


class EvidenceForm(forms.Form):
    file = UploadField(label="Photo", widget=forms.ClearableFileInput(
        attrs={"accept": "image/*", "capture": "environment"}),
        help_text=f"JPEG, PNG, WebP or HEIC, up to {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB.")


class SummaryForm(forms.Form):
    summary = forms.CharField(label="Technology summary", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="For the client's leadership: business language, not jargon.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RecommendationForm(VersionedForm):
    class Meta:
        model = Recommendation
        fields = ["title", "title_confirmed", "description", "impact", "impact_description", "priority",
                  "one_time_cost", "monthly_cost", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "impact_description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "In business language: what the client gains or avoids.",
            "title_confirmed": "Tick once the title speaks the client's language. Until then the roadmap PDF and "
                               "the business review documents are not made, and it cannot be proposed.",
            "one_time_cost": "Estimate; leave empty when unknown.",
            "monthly_cost": "Estimate; leave empty when unknown.",
        }

    def __init__(self, *args, findings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.finding_choices = list(findings or [])
        if self.finding_choices:
            self.fields["findings"] = forms.MultipleChoiceField(
                label="Findings covered", required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(a.pk), f"{a.standard.name} ({a.category.name})") for a in self.finding_choices])
            self.order_fields([*self._meta.fields, "findings"])

    def selected_findings(self) -> list:
        wanted = set(self.cleaned_data.get("findings") or [])
        return [a for a in self.finding_choices if str(a.pk) in wanted]
