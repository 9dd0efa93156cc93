"""Writes of the playbook: objectives (the owner sets them) and escalations (the vCIO logs them)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from msp.models import Membership, Msp, User
from msp.records import record_archive, record_create, record_update
from msp.roles import Role

from .assessment import QUESTION_KEYS
from .choices import MAX_OBJECTIVE, PlaybookActivity
from .models import Escalation, Objective, PracticeAssessment

PLAYBOOK_ROLES = (Role.VCIO, Role.OWNER)  # an owner may run a vCIO practice too


def _check_vcio(msp: Msp, vcio: User) -> None:
    if not Membership.objects.filter(msp=msp, user=vcio, removed_at__isnull=True, role__in=PLAYBOOK_ROLES,
                                     user__is_active=True).exists():
        raise ValidationError({"vcio": "Choose a vCIO (or the owner) of your MSP."})


@transaction.atomic
def objectives_set(*, msp: Msp, vcio: User, year: int, actor: User | None, annual: dict[str, int]) -> list[Objective]:
    """Set a vCIO's yearly objectives; `annual` maps activities to whole numbers. All or none are saved."""
    _check_vcio(msp, vcio)
    errors = {}
    for activity, value in annual.items():
        if activity not in PlaybookActivity.values:
            errors[activity] = "Not a playbook activity."
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_OBJECTIVE:
            errors[activity] = f"A whole number from 0 to {MAX_OBJECTIVE:,}."
    if not 2000 <= year <= 2100:
        errors["year"] = "A year from 2000 to 2100."
    if errors:
        raise ValidationError(errors)
    saved = []
    existing = {o.activity: o for o in Objective.objects.select_for_update().filter(vcio=vcio, year=year)}
    for activity, value in annual.items():
        obj = existing.get(activity)
        if obj is None:
            saved.append(record_create(Objective, msp=msp, actor=actor, vcio=vcio, year=year, activity=activity,
                                       annual=value))
        elif obj.annual != value:
            saved.append(record_update(obj, actor=actor, annual=value))
        else:
            saved.append(obj)
    return saved


def _check_escalation(client: Client, vcio: User, occurred_on: date) -> None:
    if client.is_archived:
        raise ValidationError({"client": "This client is archived; restore it before logging an escalation."})
    _check_vcio(client.msp, vcio)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "An escalation is logged once it has happened."})


def escalation_create(*, client: Client, actor: User | None, vcio: User, occurred_on: date, summary: str,
                      source: str) -> Escalation:
    _check_escalation(client, vcio, occurred_on)
    return record_create(Escalation, msp=client.msp, actor=actor, client=client, vcio=vcio,
                         occurred_on=occurred_on, summary=summary.strip(), source=source)


def escalation_update(*, escalation: Escalation, actor: User | None, expected_version: int | None = None,
                      **fields) -> Escalation:
    _check_escalation(fields.get("client", escalation.client), fields.get("vcio", escalation.vcio),
                      fields.get("occurred_on", escalation.occurred_on))
    if "summary" in fields:
        fields["summary"] = fields["summary"].strip()
    return record_update(escalation, actor=actor, expected_version=expected_version, **fields)


def escalation_archive(*, escalation: Escalation, actor: User | None) -> Escalation:
    return record_archive(escalation, actor=actor)


@transaction.atomic
def assessment_save(*, msp: Msp, year: int, actor: User | None, answers: dict[str, bool],
                    evidence: dict[str, str], notes: str = "", expected_version: int | None = None):
    """Keep the owner's self-assessment of `year` (one a year): every question answered yes or no."""
    missing = [k for k in QUESTION_KEYS if not isinstance(answers.get(k), bool)]
    unknown = sorted(set(answers) - set(QUESTION_KEYS))
    errors = {}
    if missing:
        errors["answers"] = f"Answer every question ({len(missing)} left)."
    if unknown:
        errors["answers"] = f"Not a question of the self-assessment: {', '.join(unknown)}."
    if not 2000 <= year <= 2100:
        errors["year"] = "A year from 2000 to 2100."
    if errors:
        raise ValidationError(errors)
    fields = {"answers": {k: answers[k] for k in QUESTION_KEYS},
              "evidence": {k: v for k, v in evidence.items() if k in QUESTION_KEYS}, "notes": notes.strip(),
              "assessed_by": actor}
    existing = PracticeAssessment.objects.select_for_update().filter(year=year).first()
    if existing is None:
        return record_create(PracticeAssessment, msp=msp, actor=actor, year=year, **fields)
    return record_update(existing, actor=actor, expected_version=expected_version, **fields)
