"""Forms of the survey's staff pages (the public answer form is read field by field in views_public)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .choices import MAX_QUESTIONS
from .models import Survey


class SurveyForm(forms.Form):
    """A survey's name and its questions, one per line (editing makes a new version)."""

    name = forms.CharField(max_length=120)
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"One question per line, up to {MAX_QUESTIONS}; each is scored 1 to 10 and the target is 8 "
                  "or more. Changing a question's words keeps past answers with the words they answered.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @property
    def question_list(self) -> list[str]:
        return [line for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class CampaignForm(forms.Form):
    """Plan the year's campaign: which survey and when the daily task sends it."""

    survey = forms.ModelChoiceField(queryset=Survey.objects.none(), empty_label=None)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    send_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="The daily task sends the invitations on this date (early morning, UTC).")
    open_days = forms.IntegerField(min_value=7, max_value=120, initial=30, label="Open for (days)")
    reminder_days = forms.CharField(max_length=40, initial="7, 14", label="Reminders (days after sending)",
                                    help_text="Comma-separated, e.g. 7, 14. Leave empty for no reminders.")

    def __init__(self, *args, surveys, next_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys
        self.fields["year"].initial = next_year
        self.fields["send_on"].initial = timezone.localdate()

    def clean_reminder_days(self) -> list[int]:
        raw = [part.strip() for part in self.cleaned_data["reminder_days"].split(",") if part.strip()]
        if not all(part.isdigit() for part in raw):
            raise forms.ValidationError("Give whole numbers of days separated by commas, e.g. 7, 14.")
        return [int(part) for part in raw]
