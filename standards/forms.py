"""Forms of the standards pages. They validate input; the writes happen in standards.services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from msp.csvfiles import ImportFileError
from msp.csvimport import UPLOAD_HELP, read_upload
from msp.form_bases import VersionedForm
from msp.forms import UploadField

from . import csv_io, selectors, services
from .choices import Frequency, Priority
from .models import Category, Framework, Standard
from .validators import EXAMPLE, validate_yes_no_question


class ServiceValidatedForm(VersionedForm):
    """A versioned form whose model is validated by the service alone."""

    def _post_clean(self):
        # The services validate the model (and name the field); the form must not assign to the instance
        # first, or a refused save would leave the page showing values that were never stored.
        pass


class TagsField(forms.CharField):
    """Tags typed in one box, separated by commas; stored lowercase, sorted, without duplicates."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return services.normalize_tags(super().to_python(value))


class StandardForm(ServiceValidatedForm):
    # Querysets are set per request, inside the tenant scope (a class-level query would run unscoped).
    category = forms.ModelChoiceField(queryset=Category._base_manager.none(),
                                      error_messages={"invalid_choice": "Choose one of your categories."})
    reference_url = forms.URLField(required=False, max_length=500, assume_scheme="https", label="Reference URL")
    tags = TagsField(required=False, help_text="Separate tags with commas, e.g. “microsoft 365, mfa”.")
    frameworks = forms.ModelMultipleChoiceField(queryset=Framework._base_manager.none(), required=False,
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text="Compliance frameworks this standard helps meet.")

    class Meta:
        model = Standard
        fields = ["category", "name", "question", "why", "how", "reference_url", "priority", "frequency", "tags",
                  "frameworks"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "why": forms.Textarea(attrs={"rows": 3}),
            "how": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(archived_at__isnull=True)
        frameworks = Framework.objects.filter(archived_at__isnull=True)
        if not self.instance._state.adding:
            # An archived category or framework the standard already uses stays selectable.
            categories = Category.objects.filter(pk=self.instance.category_id) | categories
            frameworks = self.instance.frameworks.all() | frameworks
        self.fields["category"].queryset = categories.distinct().order_by("position", "name")
        self.fields["frameworks"].queryset = frameworks.distinct().order_by("code")
        self.fields["question"].help_text = (
            "A yes/no question with yes as the healthy answer: " + EXAMPLE + ".")
        self.fields["reference_url"].help_text = "A vendor, NIST, CISA, CIS or ISO page that explains the control."
        if not self.instance._state.adding:
            self.fields["tags"].initial = self.instance.tags
            self.fields["frameworks"].initial = list(self.instance.frameworks.values_list("pk", flat=True))

    def clean_question(self) -> str:
        question = services.clean_text(self.cleaned_data.get("question"))
        validate_yes_no_question(question)
        return question

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data.get("tags") or []
        for tag in tags:
            if len(tag) > services.TAG_MAX_LENGTH:
                raise ValidationError(f"The tag “{tag[:50]}” is longer than {services.TAG_MAX_LENGTH} characters.")
            if services.LIST_SEPARATOR in tag:
                raise ValidationError(f"A tag cannot contain “{services.LIST_SEPARATOR}”.")
        return tags


class CategoryForm(ServiceValidatedForm):
    class Meta:
        model = Category
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class FrameworkForm(ServiceValidatedForm):
    class Meta:
        model = Framework
        fields = ["code", "name"]
        labels = {"name": "Full name"}


STATUS_CHOICES = [("active", "Active"), ("retired", "Retired"), ("all", "Active and retired")]


class LibraryFilterForm(forms.Form):
    """The library page's filters. Unknown values are ignored rather than breaking the page."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    category = forms.ChoiceField(required=False)
    tag = forms.ChoiceField(required=False)
    framework = forms.ChoiceField(required=False)
    priority = forms.ChoiceField(required=False, choices=[("", "Any priority"), *Priority.choices])
    frequency = forms.ChoiceField(required=False, choices=[("", "Any frequency"), *Frequency.choices])
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [
            (str(c.pk), c.name) for c in Category.objects.order_by("position", "name")]
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in selectors.library_tags()]
        self.fields["framework"].choices = [("", "Any framework")] + [
            (str(fw.pk), fw.code) for fw in Framework.objects.order_by("code")]

    def filters(self) -> dict:
        """Keyword arguments for selectors.standard_list; an invalid field counts as not given."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "category": data.get("category") or "",
            "tag": data.get("tag") or "",
            "framework": data.get("framework") or "",
            "priority": data.get("priority") or "",
            "frequency": data.get("frequency") or "",
            "status": data.get("status") or "active",
        }


class LibraryImportForm(forms.Form):
    file = UploadField(
        label="CSV file",
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The upload's text; refuses files that are too large, not CSV or not UTF-8."""
        try:
            return read_upload(self.cleaned_data["file"], max_bytes=csv_io.MAX_BYTES)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
