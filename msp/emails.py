"""Rendering and sending one email. Kept apart from msp.services so the email task can use it while the
services enqueue that task (neither module imports the other back)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def render_and_send_email(*, to: str, subject: str, template: str, context: dict) -> None:
    """Render `template` with `context` and send it to one address, now (the worker calls this)."""
    body = render_to_string(template, context)
    # A name typed with a line break must not break the mail header.
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
