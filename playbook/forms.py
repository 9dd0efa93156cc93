"""Forms of the playbook pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from clients.models import Client
from msp.form_bases import VersionedForm

from .choices import MAX_OBJECTIVE
from .models import Escalation


class EscalationForm(VersionedForm):
    client = forms.ModelChoiceField(queryset=Client._base_manager.none())

    class Meta:
        model = Escalation
        fields = ["client", "vcio", "occurred_on", "summary", "source"]
        labels = {"vcio": "vCIO", "occurred_on": "Date"}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, vcios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(archived_at__isnull=True).order_by("name")
        self.fields["vcio"].queryset = vcios
        self.fields["vcio"].label_from_instance = lambda u: u.display_name
        if self.instance._state.adding:
            self.fields["occurred_on"].initial = timezone.localdate()


def objectives_form(activities, initial: dict[str, int], data=None) -> forms.Form:
    """One whole-number field per activity, named after it."""
    fields = {a.value: forms.IntegerField(label=a.label, min_value=0, max_value=MAX_OBJECTIVE, initial=initial[a.value])
              for a in activities}
    form_class = type("ObjectivesForm", (forms.Form,), fields)
    return form_class(data)
