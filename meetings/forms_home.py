"""The small form that logs a unique touch from the client page."""

from __future__ import annotations

from django import forms

from clients.models import Client, Contact

from .choices import TouchKind

NOTE_LIMIT = 2000


class TouchLogForm(forms.Form):
    kind = forms.ChoiceField(label="How", choices=TouchKind.choices)
    on = forms.DateField(label="On", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         help_text="Empty: now.")
    contact = forms.ModelChoiceField(label="With", queryset=Contact.objects.none(), required=False,
                                     empty_label="(the decision maker)")
    note = forms.CharField(label="Note", required=False, max_length=NOTE_LIMIT)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client=client, archived_at__isnull=True)
