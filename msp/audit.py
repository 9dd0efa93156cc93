"""The audit log: who changed what and when, read from the events pghistory's triggers record.

`describe_event` turns one event into what a reader needs (who, what record, which fields old -> new); the
client history page and the owner's audit page (`audit_log`) both use it. The audit page lists every event
that references the request's MSP (its `msp` column, or the MSP row itself): an explicit filter in SQL, on
top of row-level security, which already hides other tenants' rows of the tenant tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from pghistory.models import Events

from .models import Membership, User
from .permissions import require_perm
from .roles import Perm

PAGE_SIZE = 50
# Bookkeeping columns that change on every save and say nothing to a reader.
HIDDEN_FIELDS = {"updated_at", "created_at", "version", "msp", "msp_id", "id", "token_hash", "key_hash"}
# Columns holding a user's id: shown as the person's name.
USER_FIELDS = {"vcio_id", "tam_id", "user_id", "invited_by_id", "created_by_id", "owner_id", "assigned_to_id"}
VERBS = {"insert": "created", "update": "changed", "delete": "deleted"}


def tracked_model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # noqa: BLE001 - a field since removed keeps its raw name
        return name


def event_user_ids(events: Iterable) -> set[int]:
    """The users an event list mentions: who made each change, and user columns in the changes."""
    ids: set[int] = set()
    for event in events:
        context = event.pgh_context or {}
        if isinstance(context, dict) and str(context.get("user", "")).isdigit():
            ids.add(int(context["user"]))
        for field in USER_FIELDS:
            for value in (event.pgh_diff or {}).get(field) or []:
                if str(value or "").isdigit():
                    ids.add(int(value))
    return ids


def user_names(events: Iterable) -> dict[str, str]:
    """Display names by user id (as text) of the users the events mention, in one query."""
    ids = event_user_ids(events)
    return {str(u.pk): u.display_name for u in User.objects.filter(pk__in=ids)} if ids else {}


def describe_event(event, users: dict[str, str], nouns: dict[str, str] | None = None) -> dict:
    """One event as a reader sees it. `nouns` names record kinds by event model label (else the model's
    verbose name)."""
    model = tracked_model(event.pgh_obj_model)
    noun = (nouns or {}).get(event.pgh_model) or (str(model._meta.verbose_name) if model else "record")
    data = event.pgh_data or {}
    name = data.get("name") or data.get("title") or data.get("email") or ""
    changes = []
    if event.pgh_label == "update" and event.pgh_diff:
        for field, (before, after) in sorted(event.pgh_diff.items()):
            if field in HIDDEN_FIELDS:
                continue
            if field in USER_FIELDS:
                before, after = users.get(str(before), before), users.get(str(after), after)
            label = _field_label(model, field) if model else field
            changes.append({"field": label, "before": before, "after": after})
    context = event.pgh_context or {}
    actor = users.get(str(context.get("user")), "") if isinstance(context, dict) else ""
    return {"at": event.pgh_created_at, "noun": noun, "name": name, "record_id": event.pgh_obj_id,
            "model": event.pgh_obj_model, "verb": VERBS.get(event.pgh_label, event.pgh_label),
            "changes": changes, "actor": actor or "system"}


def meaningful(entries: list[dict]) -> list[dict]:
    """Updates that touched only bookkeeping columns are noise."""
    return [e for e in entries if e["verb"] != "changed" or e["changes"]]


def msp_events(msp):
    """Every event that references `msp` (its rows' `msp` column, or the MSP itself), newest first."""
    return Events.objects.references(msp).order_by("-pgh_created_at", "-pgh_id")


def record_type_choices(msp) -> list[tuple[str, str]]:
    """The kinds of record the MSP's events can be about: (model label, plural name), by name."""
    event_models = msp_events(msp).query.get_compiler(using="default").across
    seen = {m.pgh_tracked_model._meta.label: str(m.pgh_tracked_model._meta.verbose_name_plural).capitalize()
            for m in event_models}
    return sorted(seen.items(), key=lambda item: item[1])


class AuditFilterForm(forms.Form):
    record_type = forms.ChoiceField(required=False, label="Record type")
    user = forms.ChoiceField(required=False, label="Changed by")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "Enter a date such as 2026-01-31."})
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "Enter a date such as 2026-01-31."})
    record_id = forms.CharField(required=False, max_length=64, label="Record ID",
                                help_text="The ID in the record's address, e.g. /clients/<ID>/.")

    def __init__(self, data, *, msp):
        super().__init__(data)
        self.fields["record_type"].choices = [("", "Any record")] + record_type_choices(msp)
        members = (Membership.objects.filter(msp=msp).select_related("user").order_by("user__email"))
        people = {m.user_id: m.user.display_name for m in members}
        self.fields["user"].choices = [("", "Anyone")] + [(str(pk), name) for pk, name in people.items()]

    def clean_record_id(self) -> str:
        raw = self.cleaned_data["record_id"].strip()
        if not raw:
            return ""
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise forms.ValidationError("Enter a record ID such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b.") from None

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def apply(self, events):
        data = self.cleaned_data
        if data.get("record_type"):
            events = events.filter(pgh_obj_model=data["record_type"])
        if data.get("user"):
            events = events.filter(pgh_context__user=data["user"])
        if data.get("date_from"):
            events = events.filter(pgh_created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(pgh_created_at__date__lte=data["date_to"])
        if data.get("record_id"):
            events = events.filter(pgh_obj_id=data["record_id"])
        return events


@require_perm(Perm.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request):
    """The owner's audit page: the MSP's changes, filterable by record type, person, dates and record."""
    form = AuditFilterForm(request.GET, msp=request.msp)
    entries, page = [], None
    if form.is_valid():
        events = form.apply(msp_events(request.msp))
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        names = user_names(rows)
        entries = meaningful([describe_event(e, names) for e in rows])
    return render(request, "msp/audit.html", {"form": form, "entries": entries, "page": page})
