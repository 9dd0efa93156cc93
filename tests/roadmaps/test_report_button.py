"""The roadmap page offers the roadmap PDF to those who may make it."""

import pytest

from msp.roles import Role

pytestmark = pytest.mark.django_db

BUTTON = "Make the roadmap PDF"


def test_roadmap_pdf_offered_to_vcio_not_to_tam(tenant, login):
    url = f"/roadmaps/client/{tenant.clients[0].pk}/"
    page = login(tenant.users[Role.VCIO]).get(url).content.decode()
    assert BUTTON in page
    assert f'action="/roadmaps/client/{tenant.clients[0].pk}/report/"' in page
    assert BUTTON not in login(tenant.users[Role.TAM]).get(url).content.decode()
