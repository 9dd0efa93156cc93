"""The MSP's brand in settings: the owner uploads a logo (checked by content, re-encoded, kept private)
and picks an accent colour dark enough to read; the portal shows both."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from msp.brand import brand_css, brand_of, contrast_with_white
from msp.models import Msp
from msp.roles import Role
from tests.brand_images import image_bytes

pytestmark = pytest.mark.django_db


def _post(c, msp, **extra):
    data = {"version": msp.version, "name": msp.name, "currency": msp.currency, "time_zone": msp.time_zone,
            "fiscal_year_start_month": msp.fiscal_year_start_month, "accent_color": msp.accent_color}
    data.update(extra)
    return c.post("/workspace/settings/", data)


def _fresh(msp) -> Msp:
    with scopes_disabled():
        return Msp.objects.get(pk=msp.pk)


def test_owner_uploads_a_logo_and_accent(tenant, login):
    c = login(tenant.users[Role.OWNER])
    jpeg = image_bytes(1600, 400, fmt="JPEG")
    response = _post(c, tenant.msp, accent_color="#1F6FEB",
                     logo=SimpleUploadedFile("logo.gif", jpeg, content_type="image/gif"))
    assert response.status_code == 302
    msp = _fresh(tenant.msp)
    assert msp.accent_color == "#1f6feb"
    # Re-encoded as PNG and shrunk to fit 800 x 400, keeping the proportions.
    stored = Image.open(io.BytesIO(bytes(msp.logo_png)))
    assert (stored.format, stored.size) == ("PNG", (800, 200))
    assert (msp.logo_width, msp.logo_height) == (800, 200)
    # The history records the change with who made it (the logo by its checksum, not its bytes).
    with scopes_disabled():
        event = apps.get_model("msp", "MspEvent").objects.filter(pgh_obj_id=msp.pk).order_by("-pgh_id").first()
    assert (event.accent_color, event.logo_sha256, event.logo_width) == ("#1f6feb", msp.logo_sha256, 800)
    assert not hasattr(event, "logo_png")
    assert event.pgh_context.metadata["user"] == str(tenant.users[Role.OWNER].pk)

    # Staff read it through the authorised route; a stranger does not.
    logo = c.get("/workspace/logo.png")
    assert (logo.status_code, logo["Content-Type"], logo.content) == (200, "image/png", bytes(msp.logo_png))
    assert logo["Cache-Control"] == "private, no-store"
    assert c.get("/workspace/logo.png", HTTP_IF_NONE_MATCH=logo["ETag"]).status_code == 304
    assert login(tenant.users[Role.CLIENT]).get("/workspace/logo.png").status_code == 404


@pytest.mark.parametrize(("content", "message"), [
    (b"GIF89a" + b"\0" * 40, "This file is not a PNG or JPEG image we can read."),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "This file is not a PNG or JPEG image we can read."),
    (image_bytes(40, 40, fmt="GIF"), "Upload the logo as a PNG or JPEG image (this file is GIF)."),
    (image_bytes(4001, 20), "The logo is 4001 × 20 pixels; it may be at most 4000 pixels on each side."),
    (image_bytes(200, 10), "The logo is 200 × 10 pixels; it needs at least 16 pixels on each side to be legible."),
])
def test_a_logo_is_checked_by_content(tenant, login, content, message):
    c = login(tenant.users[Role.OWNER])
    response = _post(c, tenant.msp, logo=SimpleUploadedFile("logo.png", content, content_type="image/png"))
    assert response.status_code == 200  # the form again, with the field's error
    assert response.context["form"].errors == {"logo": [message]}
    assert _fresh(tenant.msp).logo_png is None


def test_a_logo_over_1_mb_is_refused(tenant, login):
    c = login(tenant.users[Role.OWNER])
    big = image_bytes(100, 100) + b"\0" * (1024 * 1024)
    response = _post(c, tenant.msp, logo=SimpleUploadedFile("logo.png", big, content_type="image/png"))
    assert response.context["form"].errors == {"logo": ["The logo is 1.0 MB; it may be at most 1 MB."]}


@pytest.mark.parametrize(("value", "message"), [
    ("#ffcc00", "#ffcc00 is too light: its contrast with white is 1.51:1 and it needs at least 4.5:1, because "
                "buttons show white text on it and pages and PDFs show it as text on white. Pick a darker shade."),
    ("blue", "Give the colour as # and six hex digits, for example #1f6feb."),
    ("#12345", "Give the colour as # and six hex digits, for example #1f6feb."),
])
def test_an_accent_too_light_or_malformed_is_refused(tenant, login, value, message):
    c = login(tenant.users[Role.OWNER])
    response = _post(c, tenant.msp, accent_color=value)
    assert response.status_code == 200  # the form again, with the field's error
    assert response.context["form"].errors == {"accent_color": [message]}
    assert _fresh(tenant.msp).accent_color == ""


def test_remove_the_logo(tenant, login):
    c = login(tenant.users[Role.OWNER])
    assert 'name="remove_logo"' not in c.get("/workspace/settings/").content.decode()  # nothing to remove
    _post(c, tenant.msp, logo=SimpleUploadedFile("l.png", image_bytes(), content_type="image/png"))
    msp = _fresh(tenant.msp)
    assert 'name="remove_logo"' in c.get("/workspace/settings/").content.decode()
    both = _post(c, msp, remove_logo="on", logo=SimpleUploadedFile("l.png", image_bytes(), content_type="image/png"))
    assert both.context["form"].errors == {"remove_logo": ["Either upload a new logo or remove the logo, not both."]}
    assert _post(c, msp, remove_logo="on").status_code == 302
    msp = _fresh(tenant.msp)
    assert (msp.logo_png, msp.logo_width, msp.logo_sha256) == (None, None, "")
    assert c.get("/workspace/logo.png").status_code == 404


def test_only_the_owner_changes_the_brand(tenant, login):
    for role in (Role.VCIO, Role.TAM, Role.VIEWER):
        response = _post(login(tenant.users[role]), tenant.msp, accent_color="#000000")
        assert response.status_code == 403
    assert _fresh(tenant.msp).accent_color == ""


def test_the_portal_shows_the_msp_brand(tenant, other_tenant, login):
    _post(login(tenant.users[Role.OWNER]), tenant.msp, accent_color="#7a1f5c",
          logo=SimpleUploadedFile("l.png", image_bytes(300, 100), content_type="image/png"))
    msp = _fresh(tenant.msp)
    brand = brand_of(msp)
    portal = login(tenant.users[Role.CLIENT])
    page = portal.get("/portal/").content.decode()
    assert f'href="/portal/brand/style.css?v={brand.tag}"' in page
    assert (f'<img class="navbar-logo" src="/portal/brand/logo.png?v={brand.tag}" alt="" width="300" '
            f'height="100">') in page
    assert '<span class="text-truncate msp-name">Alpha</span>' in page
    assert "bi-compass" not in page  # not the product's "vCIO" mark
    css = portal.get("/portal/brand/style.css")
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode() == brand_css(brand)
    assert "--bs-primary: #7a1f5c;" in css.content.decode()
    assert "--bs-primary-rgb: 122, 31, 92;" in css.content.decode()
    assert portal.get("/portal/brand/logo.png").content == bytes(msp.logo_png)
    # Another MSP's portal user gets their own MSP's (empty) brand, never this one.
    stranger = login(other_tenant.users[Role.CLIENT])
    assert stranger.get("/portal/brand/logo.png").status_code == 404
    assert "#7a1f5c" not in stranger.get("/portal/brand/style.css").content.decode()
    # Staff never reach the portal's routes.
    assert login(tenant.users[Role.OWNER]).get("/portal/brand/style.css").status_code == 404


def test_contrast_of_the_default_accent():
    assert round(contrast_with_white("#0d6efd"), 2) == 4.5
    assert round(contrast_with_white("#000000"), 1) == 21.0
