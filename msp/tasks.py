"""Background jobs of the tenancy core."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .csvimport import apply_csv_import
from .tenancy import TenantTask

# The import pipeline defines its one generic task next to the code it runs (so enqueueing needs no import
# of this module); naming it here is what a worker's task discovery sees.
__all__ = ["apply_csv_import", "render_and_send_email", "send_email"]


def render_and_send_email(*, to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, context)
    # A name typed with a line break must not break the mail header.
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, *, msp_id: str, to: str, subject: str, template: str, context: dict) -> None:
    """Render and send one email for a tenant (invitations, notifications)."""
    render_and_send_email(to=to, subject=subject, template=template, context=context)
