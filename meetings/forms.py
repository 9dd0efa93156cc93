"""Forms of the meeting pages. They validate input; the writes happen in meetings.services (and the
agenda, questionnaire and report modules)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from clients.models import Client, Contact
from msp.form_bases import VersionedForm
from msp.models import Msp
from msp.selectors import staff_users

from .choices import ActionItemStatus, MeetingKind, MeetingStatus
from .models import ActionItem, Meeting, QuestionnaireStatement


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingFilterForm(forms.Form):
    """The list's filters: every one optional; an invalid value is reported and ignored."""

    client = forms.ModelChoiceField(queryset=Client.objects.none(), required=False, empty_label="All clients")
    kind = forms.ChoiceField(choices=[("", "All kinds"), *MeetingKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *MeetingStatus.choices], required=False)
    date_from = forms.DateField(required=False, label="From", widget=_date_widget())
    date_to = forms.DateField(required=False, label="To", widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(archived_at__isnull=True).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the range is before its start.")
        return data

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class MeetingForm(VersionedForm):
    """The details of a meeting. The time is changed with MoveForm (it sends an update)."""

    attendees = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The client's contacts to invite; they get the invitation and its updates.")

    class Meta:
        model = Meeting
        fields = ["title", "duration_minutes", "location", "agenda", "notes", "outcome", "decision_maker_attended"]
        labels = {"duration_minutes": "Length (minutes)", "decision_maker_attended": "Decision maker attended"}
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 12}),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "decision_maker_attended": forms.NullBooleanSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        if meeting.client_id is None:
            del self.fields["attendees"]
        else:
            self.fields["attendees"].queryset = Contact.objects.filter(
                client_id=meeting.client_id, archived_at__isnull=True).order_by("name")
            self.fields["attendees"].initial = [a.contact_id for a in meeting.attendees.all()]


class MoveForm(forms.Form):
    """A new time for the meeting, in the meeting's own time zone."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    starts_at = forms.DateTimeField(label="New start", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"])
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=480, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        kwargs.setdefault("initial", {"version": meeting.version, "duration_minutes": meeting.duration_minutes,
                                      "starts_at": meeting.starts_at.astimezone(zone).replace(tzinfo=None)})
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = f"In {meeting.time_zone}, the meeting's time zone."

    def clean_starts_at(self) -> datetime:
        value = self.cleaned_data["starts_at"]
        # The browser sends a wall-clock time; it is the meeting's zone, whatever the server's is.
        return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(self.meeting.time_zone))


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(max_length=300, label="Why", help_text="Sent to everyone invited with the "
                                                                    "cancellation.")


class HeldForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    attended = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple, label="Who came")
    decision_maker_attended = forms.NullBooleanField(
        required=False, widget=forms.NullBooleanSelect, label="Decision maker attended",
        help_text="Left unknown, it is worked out from who came.")
    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("initial", {"version": meeting.version, "outcome": meeting.outcome})
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = Contact.objects.filter(
            pk__in=meeting.attendees.values("contact_id")).order_by("name")


class ActionItemForm(VersionedForm):
    """Text, owner (a staff member or a contact of the client, one of them), due date and status."""

    owner_choice = forms.ChoiceField(label="Owner", required=False)

    class Meta:
        model = ActionItem
        fields = ["text", "due_on", "status"]
        labels = {"due_on": "Due"}
        widgets = {"due_on": _date_widget(), "text": forms.TextInput}

    def __init__(self, *args, msp: Msp, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff_users(msp=msp)}
        self.contacts = {str(c.pk): c for c in Contact.objects.filter(client=client, archived_at__isnull=True)
                         .order_by("name")}
        self.fields["owner_choice"].choices = [
            ("", "No owner yet"),
            ("Staff", [(f"user:{pk}", u.display_name) for pk, u in self.staff.items()]),
            (client.name, [(f"contact:{pk}", c.name) for pk, c in self.contacts.items()]),
        ]
        item = self.instance
        if item.owner_id:
            self.fields["owner_choice"].initial = f"user:{item.owner_id}"
        elif item.owner_contact_id:
            self.fields["owner_choice"].initial = f"contact:{item.owner_contact_id}"
        if item._state.adding:
            self.fields["status"].initial = ActionItemStatus.OPEN
        self.order_fields(["text", "owner_choice", "due_on", "status"])

    def clean_owner_choice(self) -> tuple:
        value = self.cleaned_data.get("owner_choice") or ""
        if not value:
            return (None, None)
        kind, _, pk = value.partition(":")
        if kind == "user" and pk in self.staff:
            return (self.staff[pk], None)
        if kind == "contact" and pk in self.contacts:
            return (None, self.contacts[pk])
        raise forms.ValidationError("Choose an owner from the list.")

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["owner"], fields["owner_contact"] = self.cleaned_data["owner_choice"]
        return fields


class StatementForm(VersionedForm):
    class Meta:
        model = QuestionnaireStatement
        fields = ["text", "service", "describes_problem", "position"]
        labels = {"describes_problem": "Phrased as a problem (ticking it shows a gap)"}
        help_texts = {"text": "Something the client's leadership can tick, e.g. “We test restoring our backups "
                              "every quarter”.",
                      "position": "Lower numbers come first."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class QuestionnaireAnswerForm(forms.Form):
    """The staff side of the questionnaire: tick what the client said applies."""

    selected = forms.ModelMultipleChoiceField(queryset=QuestionnaireStatement.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple, label="What applies")

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = statements
        self.fields["selected"].label_from_instance = lambda s: f"{s.text} ({s.service})"


# --- planning a meeting by hand, and changing it ------------------------------------------------------------

HAND_KINDS = [(k, label) for k, label in MeetingKind.choices if k != MeetingKind.STEERING]


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


def local_wall_clock(value: datetime, zone_name: str) -> datetime:
    """A wall-clock time of `zone_name` as an aware datetime; ValidationError for a time the clocks skip
    (a daylight-saving gap), which would otherwise silently become another hour."""
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = value.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks change "
                                    "then. Choose another time.")
    return aware


class MeetingScheduleFields(forms.Form):
    """Kind, date and time (a wall-clock time in the chosen zone), zone, length, title, place and the
    client's contacts to invite: what planning a meeting and changing it share."""

    kind = forms.ChoiceField(choices=HAND_KINDS)
    starts_at = forms.DateTimeField(label="Date and time", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"],
        help_text="The local time in the time zone below.")
    time_zone = forms.ChoiceField(label="Time zone", choices=())
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=480, initial=60)
    title = forms.CharField(max_length=200, required=False, help_text="Left empty, it is named after the kind "
                                                                       "and the client.")
    location = forms.CharField(max_length=200, required=False, help_text="A room, an address or a video link.")
    attendees = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Invite", help_text="The client's contacts to invite; they get the invitation and its updates.")

    def __init__(self, *args, client: Client | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices()
        if client is not None:
            self.fields["attendees"].queryset = Contact.objects.filter(
                client=client, archived_at__isnull=True).order_by("name")
            self.fields["attendees"].label_from_instance = lambda c: (
                f"{c.name} (decision maker)" if c.is_decision_maker else c.name) + ("" if c.email else
                                                                                     ", no email address")

    def time_changed(self, data: dict) -> bool:
        return True

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("time_zone"):
            try:
                data["starts_at"] = local_wall_clock(data["starts_at"], data["time_zone"])
            except forms.ValidationError as exc:
                self.add_error("starts_at", exc)
                return data
            from_now = data["starts_at"] <= timezone.now()
            if from_now and self.time_changed(data):
                self.add_error("starts_at", "Choose a time in the future.")
        return data


class MeetingPlanForm(MeetingScheduleFields):
    """A meeting planned by hand: the client first (its contacts are offered once it is chosen)."""

    client = forms.ModelChoiceField(queryset=Client.objects.none(), empty_label="Choose a client")
    send_now = forms.BooleanField(required=False, label="Send the invitation now",
                                  help_text="Otherwise send it from the meeting page when the agenda is ready.")

    field_order = ["client", "kind", "starts_at", "time_zone", "duration_minutes", "title", "location",
                   "attendees", "send_now"]

    def __init__(self, *args, client: Client | None, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(archived_at__isnull=True).order_by("name")
        if client is None:  # offered once the client is chosen; until then its decision makers are invited
            del self.fields["attendees"]


class MeetingEditForm(MeetingScheduleFields):
    """A planned meeting's kind, time, zone, length, title, place and invited contacts. The client stays."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        kwargs.setdefault("initial", {
            "version": meeting.version, "kind": meeting.kind, "time_zone": meeting.time_zone,
            "starts_at": meeting.starts_at.astimezone(zone).replace(tzinfo=None),
            "duration_minutes": meeting.duration_minutes, "title": meeting.title, "location": meeting.location,
            "attendees": [a.contact_id for a in meeting.attendees.all()],
        })
        super().__init__(*args, client=meeting.client, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].help_text = ""
        if meeting.kind == MeetingKind.STEERING:  # internal: it stays a steering meeting, with no contacts
            del self.fields["kind"], self.fields["attendees"]

    def time_changed(self, data: dict) -> bool:
        return data["starts_at"] != self.meeting.starts_at or data["time_zone"] != self.meeting.time_zone

    def clean(self):
        data = super().clean()
        if self.has_error("version"):
            self.add_error(None, "This form is missing the meeting's version. Reload the page and try again.")
        return data
