"""Forms of the budget pages. They validate input; the writes happen in budgets.services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q

from clients.models import Client
from msp.form_bases import VersionedForm
from msp.quarters import Quarter
from roadmaps.models import Initiative

from .choices import LineKind
from .models import BudgetLine
from .selectors import quarter_label


def _to_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def quarter_choices(quarters: list[Quarter], *extra: date | None, fy_start_month: int) -> list[tuple[str, str]]:
    """The horizon's quarters as (first day, label), plus any stored date outside it (an older line)."""
    days = {q.start for q in quarters} | {d for d in extra if d is not None}
    return [(d.isoformat(), quarter_label(d, fy_start_month)) for d in sorted(days)]


class BudgetLineForm(VersionedForm):
    # Declared here: the default field would query the scoped manager when the module loads.
    initiative = forms.ModelChoiceField(queryset=Initiative._base_manager.none(), required=False)
    start_quarter = forms.TypedChoiceField(coerce=date.fromisoformat, label="Quarter",
                                           help_text="A one-time cost's quarter, or when a recurring one starts.")
    end_quarter = forms.TypedChoiceField(coerce=_to_date, empty_value=None, required=False, label="End quarter",
                                         help_text="Recurring lines only: the last quarter it runs "
                                                   "(included). Empty: it runs on.")

    class Meta:
        model = BudgetLine
        fields = ["description", "initiative", "category", "expense_type", "kind", "start_quarter", "end_quarter",
                  "quantity", "unit_cost", "pricing", "rate"]
        labels = {"expense_type": "Capex or opex", "rate": "Rate (%)", "unit_cost": "Unit cost"}
        help_texts = {
            "unit_cost": "Per unit; per month for a recurring line.",
            "pricing": "Markup: price = cost × (1 + rate). Margin: price = cost ÷ (1 − rate), so the rate is "
                       "the share of the price that is profit. Cost 3,000 at 30 % markup sells for 3,900.00; "
                       "at a 30 % margin for 4,285.71.",
        }

    def __init__(self, *args, client: Client, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        fy = client.fiscal_year_start_month
        line = self.instance
        stored = (line.start_quarter, line.end_quarter) if not line._state.adding else ()
        choices = quarter_choices(quarters, *stored, fy_start_month=fy)
        self.fields["start_quarter"].choices = choices
        self.fields["end_quarter"].choices = [("", "Open-ended (runs on)"), *choices]
        if not line._state.adding:
            self.initial["start_quarter"] = line.start_quarter.isoformat()
            self.initial["end_quarter"] = line.end_quarter.isoformat() if line.end_quarter else ""
        live = Q(client=client, archived_at__isnull=True)
        if not line._state.adding and line.initiative_id:
            live |= Q(client=client, pk=line.initiative_id)  # keep an archived one the line already has
        self.fields["initiative"].queryset = Initiative.objects.filter(live).order_by("title")
        self.fields["initiative"].empty_label = "None (proposed until the client approves it)"
        self.fields["initiative"].label_from_instance = lambda i: f"{i.title} ({i.get_status_display()})"
        self.fields["initiative"].help_text = ("Lines of an idea or proposed initiative count as proposed; "
                                               "of a declined or cancelled one, they are left out. A line of "
                                               "no initiative is proposed until the client approves it.")

    def clean(self):
        data = super().clean()
        if data.get("end_quarter") and data.get("kind") != LineKind.RECURRING:
            self.add_error("end_quarter", "Only a recurring line has an end quarter; leave it empty for a "
                                          "one-time cost.")
        return data


class PresentForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Note", help_text="Optional: the meeting or what was agreed.")
