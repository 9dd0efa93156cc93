"""Recording the practice's events (the playbook counts them) and notifying people in the app."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from .activity_kinds import check_activity_kind
from .models import Activity, Msp, Notification, User


@transaction.atomic
def activity_record(*, msp: Msp, kind: str, actor: User | None, client_id: uuid.UUID | None = None,
                    subject_id: uuid.UUID | None = None, occurred_at=None) -> Activity:
    """Record an event once per subject: recording the same (kind, subject) again returns the first.

    `kind` must be one an app registered (msp.activity_kinds); any other is refused with ValidationError.
    """
    check_activity_kind(kind)
    if subject_id is not None:
        existing = Activity.objects.filter(msp=msp, kind=kind, subject_id=subject_id).first()
        if existing is not None:
            return existing
    return Activity.objects.create(msp=msp, kind=kind, actor=actor, client_id=client_id, subject_id=subject_id,
                                   occurred_at=occurred_at or timezone.now())


def notification_create(*, msp: Msp, user: User, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(msp=msp, user=user, title=title[:200], body=body, url=url[:300])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
