"""A client's decision maker signs in to the portal and cannot open a staff page."""

import pytest

from tests.e2e.conftest import TABLET, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_portal_user_sees_own_portal_and_no_staff_page(page_at, tenant):
    page = page_at(TABLET)
    sign_in(page, "client@alpha.test", PASSWORD)
    assert page.url.endswith("/portal/")
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha Dental"
    assert page.get_by_text("No documents have been published yet.").is_visible()
    body = page.content()
    assert "Alpha Logistics" not in body
    # The staff navigation is not offered, and the staff pages do not exist for this user.
    assert page.get_by_role("link", name="Clients").count() == 0
    response = page.goto("/clients/")
    assert response.status == 404
    response = page.goto(f"/clients/{tenant.clients[0].pk}/")
    assert response.status == 404
