"""Forms of the roadmap pages. They validate input; the writes happen in roadmaps.services.

Plain forms rather than model forms: a model form writes the posted values onto the instance while it
validates, and the services compare the new values with the stored ones (quarters, status changes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Q

from alignment.models import Recommendation
from clients.models import Asset, BusinessObjective, Client
from msp.models import Msp
from msp.quarters import Quarter
from msp.selectors import staff_users
from standards.choices import Priority

from .choices import InitiativeCategory, InitiativeStatus
from .models import Initiative
from .services import EDITABLE_FIELDS, LINKS


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise forms.ValidationError("Pick a quarter from the list.") from exc


def quarter_choices(quarters: list[Quarter], fy_start_month: int, *current: date | None) -> list[tuple[str, str]]:
    """The horizon's quarters as (ISO date, "FY2027 Q2"), plus any current value outside it."""
    choices = {q.start: q.label for q in quarters}
    for value in current:
        if value is not None and value not in choices:
            choices[value] = f"{Quarter.containing(value, fy_start_month).label} (outside the three-year view)"
    return [(d.isoformat(), label) for d, label in sorted(choices.items())]


class _LinkField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        if isinstance(obj, Asset):
            return f"{obj.name} ({obj.get_kind_display()})"
        if isinstance(obj, Recommendation):
            return f"{obj.title} ({obj.get_priority_display().lower()} priority)"
        return str(obj)


class InitiativeForm(forms.Form):
    title = forms.CharField(max_length=200)
    title_confirmed = forms.BooleanField(
        required=False, initial=True, label="Title ready for the client",
        help_text="The title was drafted from findings. Tick once it speaks the client's language; until then it "
                  "stays an idea and no client document is made.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="In business language: what the client gets and why it matters.")
    category = forms.ChoiceField(choices=InitiativeCategory.choices, initial=InitiativeCategory.OTHER)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.MEDIUM)
    status = forms.ChoiceField(choices=InitiativeStatus.choices, initial=InitiativeStatus.IDEA,
                               help_text="Proposed with a proposed price records a proposal sent.")
    start_quarter = forms.TypedChoiceField(required=False, coerce=_iso_date, empty_value=None,
                                           label="Start quarter")
    end_quarter = forms.TypedChoiceField(required=False, coerce=_iso_date, empty_value=None, label="End quarter")
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Nobody yet")
    estimated_hours = forms.DecimalField(required=False, max_digits=8, decimal_places=1, min_value=Decimal("0"),
                                         label="Estimated hours")
    proposal_amount = forms.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                         label="Proposed price",
                                         help_text="The price quoted to the client for this initiative.")
    recommendations = _LinkField(queryset=None, required=False, label="Recommendations it answers")
    objectives = _LinkField(queryset=None, required=False, label="Business objectives it serves")
    assets = _LinkField(queryset=None, required=False, label="Assets it concerns")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Side by side on wide screens: the quarters, then status and priority, category and owner, hours and price.
    field_order = ["title", "title_confirmed", "description", "start_quarter", "end_quarter", "status", "priority",
                   "category", "owner",
                   "estimated_hours", "proposal_amount"]

    def __init__(self, *args, client: Client, msp: Msp, quarters: list[Quarter],
                 initiative: Initiative | None = None, **kwargs):
        self.initiative = initiative
        if initiative is not None:
            initial = {name: getattr(initiative, name) for name in EDITABLE_FIELDS}
            for name in ("start_quarter", "end_quarter"):
                initial[name] = initial[name].isoformat() if initial[name] else ""
            initial["owner"] = initiative.owner_id
            for name in LINKS:
                initial[name] = [o.pk for o in getattr(initiative, name).all()]
            initial["version"] = initiative.version
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if initiative is None:
            del self.fields["version"]
        if initiative is None or initiative.title_confirmed:
            # The vCIO's own words: only a title drafted from findings asks to be confirmed.
            del self.fields["title_confirmed"]
        fy = client.fiscal_year_start_month
        current = (initiative.start_quarter, initiative.end_quarter) if initiative else ()
        choices = quarter_choices(quarters, fy, *current)
        self.fields["start_quarter"].choices = [("", "Backlog (not scheduled)"), *choices]
        self.fields["end_quarter"].choices = [("", "Same as the start quarter"), *choices]
        self.fields["owner"].queryset = staff_users(msp=msp)
        for name, model in (("recommendations", Recommendation), ("objectives", BusinessObjective),
                            ("assets", Asset)):
            linked = [o.pk for o in getattr(initiative, name).all()] if initiative else []
            qs = model.objects.filter(client=client).filter(Q(archived_at__isnull=True) | Q(pk__in=linked))
            if model is Asset:
                qs = qs.order_by("kind", "name")
            elif model is Recommendation:
                qs = qs.order_by("-created_at")
            else:
                qs = qs.order_by("title")
            self.fields[name].queryset = qs

    def clean(self):
        data = super().clean()
        if "version" in self.fields and self.has_error("version"):
            self.add_error(None, "This form is missing the record's version. Reload the page and try again.")
        start, end = data.get("start_quarter"), data.get("end_quarter")
        if end is not None and start is None and not self.has_error("start_quarter"):
            self.add_error("end_quarter", "An initiative in the backlog has no end quarter; pick a start quarter.")
        elif start is not None and end is not None and end < start:
            self.add_error("end_quarter", "The end quarter cannot come before the start quarter.")
        return data

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in (*EDITABLE_FIELDS, *LINKS) if name in self.cleaned_data}
        if fields.get("start_quarter") and not fields.get("end_quarter"):
            fields["end_quarter"] = None
        for name in LINKS:
            fields[name] = list(fields[name])
        return fields

    @property
    def link_fields(self):
        return [self[name] for name in LINKS]

    @property
    def plain_fields(self):
        return [f for f in self.visible_fields() if f.name not in LINKS]


class MoveForm(forms.Form):
    """Move an initiative: a quarter's first day (ISO), or empty for the backlog; with the version seen."""

    start_quarter = forms.CharField(required=False)
    version = forms.IntegerField(min_value=1, error_messages={
        "required": "The move is missing the initiative's version; reload the page and try again."})

    def clean_start_quarter(self) -> date | None:
        value = (self.cleaned_data.get("start_quarter") or "").strip()
        return _iso_date(value) if value else None


class RoadmapFilterForm(forms.Form):
    """The roadmap's filters. Unknown values are ignored rather than breaking the page."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *InitiativeStatus.choices])
    category = forms.ChoiceField(required=False, choices=[("", "Any category"), *InitiativeCategory.choices])

    def filters(self) -> dict:
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {"statuses": [data["status"]] if data.get("status") else None,
                "categories": [data["category"]] if data.get("category") else None}


class FromRecommendationsForm(forms.Form):
    recommendations = _LinkField(queryset=None, error_messages={
        "required": "Select at least one recommendation.",
        "invalid_choice": "One of the selected recommendations is no longer available; reload the page."})

    def __init__(self, *args, choices: list[Recommendation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = Recommendation.objects.filter(pk__in=[r.pk for r in choices]) \
            .order_by("-created_at")
