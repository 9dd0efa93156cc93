"""The review page offers the alignment report to those who may make it, once the review is completed."""

import pytest
from django_scopes import scope

from alignment import services
from msp.roles import Role
from tests.alignment.conftest import answer_all, reload, schedule

pytestmark = pytest.mark.django_db

BUTTON = "Make the alignment report (PDF)"


def test_report_button_on_completed_reviews_for_vcio_only(tenant, lib, login):
    review = schedule(tenant)
    url = f"/reviews/{review.pk}/"
    assert BUTTON not in login(tenant.users[Role.VCIO]).get(url).content.decode()
    answer_all(tenant, review, {"Offsite copy": "aligned", "Backups monitored": "misaligned",
                                "MFA on mailboxes": "aligned", "SPF and DMARC": "not_applicable",
                                "Email signature": "aligned"})
    with scope(msp=tenant.msp):
        services.review_complete(review=reload(review), actor=tenant.users[Role.TAM])
    page = login(tenant.users[Role.VCIO]).get(url).content.decode()
    assert BUTTON in page
    assert f'action="/reviews/{review.pk}/report/"' in page
    assert BUTTON not in login(tenant.users[Role.TAM]).get(url).content.decode()
    assert BUTTON not in login(tenant.users[Role.VIEWER]).get(url).content.decode()
