"""Rendering and sending one email. Kept apart from msp.services so the email task can use it while the
services enqueue that task (neither module imports the other back).

An email sent for an MSP carries its brand (msp.brand): next to the plain-text body, an HTML version whose
header shows the MSP's logo (an inline image attached to the message, referenced by cid:, so no mail client
fetches anything) and its name on a band of its accent colour.
"""

from __future__ import annotations

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .brand import brand_of

LOGO_CID = "msp-logo"
EMAIL_LOGO_HEIGHT = 40  # pixels in the header; the width follows the logo's proportions
EMAIL_LOGO_MAX_WIDTH = 200


def brand_email(message: EmailMultiAlternatives, *, msp) -> EmailMultiAlternatives:
    """Add the MSP's branded HTML version of `message`'s text body (and its logo, inline)."""
    brand = brand_of(msp)
    width = height = None
    if brand.logo:
        height = EMAIL_LOGO_HEIGHT
        width = round(brand.logo_width * height / brand.logo_height)
        if width > EMAIL_LOGO_MAX_WIDTH:
            width, height = EMAIL_LOGO_MAX_WIDTH, round(brand.logo_height * EMAIL_LOGO_MAX_WIDTH / brand.logo_width)
    html = render_to_string("includes/email_branded.html", {
        "brand": brand, "body": message.body, "cid": LOGO_CID, "logo_width": width, "logo_height": height})
    message.attach_alternative(html, "text/html")
    if brand.logo:
        image = MIMEImage(brand.logo, "png")
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename="logo.png")
        message.attach(image)
    return message


def render_and_send_email(*, to: str, subject: str, template: str, context: dict, msp=None) -> None:
    """Render `template` with `context` and send it to one address, now (the worker calls this); with the
    MSP's brand when `msp` is given."""
    body = render_to_string(template, context)
    # A name typed with a line break must not break the mail header.
    message = EmailMultiAlternatives(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    if msp is not None:
        brand_email(message, msp=msp)
    message.send()
