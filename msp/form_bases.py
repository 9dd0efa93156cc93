"""Form bases the apps' pages build on (the core's, so every app may use them)."""

from __future__ import annotations

from django import forms


class VersionedForm(forms.ModelForm):
    """A model form carrying the record's version, so a stale save is refused rather than applied."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:  # UUID keys are set before the first save, so ask the state
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]  # a new record has no earlier version to compare with

    def clean(self):
        data = super().clean()
        if "version" in self.fields and self.has_error("version"):
            # The hidden field's own error would not be shown; say what to do instead.
            self.add_error(None, "This form is missing the record's version. Reload the page and try again.")
        return data

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def service_fields(self) -> dict:
        """The cleaned values of the model fields, as keyword arguments for a service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
