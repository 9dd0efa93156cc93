"""The registry of activity kinds: which events of the practice may be recorded as an Activity.

The core knows no app's events. Each app declares the kinds it records as a `TextChoices` in its own
choices.py and registers them from its AppConfig.ready(); Activity.kind takes its choices from here (a
callable, so a new kind needs no core migration), and msp.activities.activity_record refuses a kind that
no app registered. This module imports no model, so apps.py modules may import it before the models load.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

# Activity.kind's column width; a longer value could never be stored.
MAX_KIND_LENGTH = 32


@dataclass(frozen=True)
class ActivityKindInfo:
    """One registered kind: its stored value, what people read, and the app that records it."""

    value: str
    label: str
    app_label: str


_registry: dict[str, ActivityKindInfo] = {}


def register_activity_kinds(app_label: str, choices: type[models.TextChoices]) -> None:
    """Declare the activity kinds `app_label` records. Registering the same kinds again is harmless; a
    value another app already registered, or a different label for the same value, is a setup error."""
    for value, label in choices.choices:
        if len(value) > MAX_KIND_LENGTH:
            raise ImproperlyConfigured(
                f"Activity kind {value!r} of {app_label} is longer than {MAX_KIND_LENGTH} characters.")
        info = ActivityKindInfo(value=value, label=str(label), app_label=app_label)
        known = _registry.get(value)
        if known is not None and known != info:
            raise ImproperlyConfigured(
                f"Activity kind {value!r} of {app_label} is already registered by {known.app_label} "
                f"as {known.label!r}; each kind belongs to one app.")
        _registry[value] = info


def unregister_activity_kinds(app_label: str) -> None:
    """Forget every kind of `app_label` (for tests that register a throwaway app)."""
    for value in [v for v, info in _registry.items() if info.app_label == app_label]:
        del _registry[value]


def activity_kind_choices() -> list[tuple[str, str]]:
    """(value, label) of every registered kind, sorted by label: Activity.kind's choices."""
    return sorted(((info.value, info.label) for info in _registry.values()), key=lambda pair: pair[1])


def activity_kind_label(value: str) -> str:
    """What people read for a stored kind; a kind no app registers any more shows its stored value."""
    info = _registry.get(value)
    return info.label if info is not None else value


def check_activity_kind(value: str) -> None:
    """Refuse a kind that no app registered, naming the fix."""
    if value not in _registry:
        known = ", ".join(sorted(_registry)) or "none"
        raise ValidationError(
            {"kind": f"Unknown activity kind {value!r}: the app that records it must register it with "
                     f"msp.activity_kinds.register_activity_kinds in its AppConfig.ready() "
                     f"(registered: {known})."},
            code="unknown_activity_kind",
        )
