"""Forms of the portal. They validate what the decision maker sends; the writes go through the apps'
services."""

from __future__ import annotations

from django import forms


class QuestionnaireForm(forms.Form):
    """The pre-meeting questionnaire: "select all that apply" over the statements the selector gave."""

    selected = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                         label="Select all that apply")

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = {str(s.pk): s for s in statements}
        self.fields["selected"].choices = [(pk, s.text) for pk, s in self.statements.items()]

    def chosen(self) -> list:
        """The statements ticked (valid forms only)."""
        return [self.statements[pk] for pk in self.cleaned_data["selected"]]
