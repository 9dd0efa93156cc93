"""The vCIO's queue after a review: completed reviews with findings and no recommendation yet."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from alignment import services
from alignment.models import Recommendation
from alignment.selectors import reviews_awaiting_recommendations
from msp.roles import Role

from .conftest import answer, schedule

pytestmark = pytest.mark.django_db


def completed(tenant, *, client, title: str, misses: set[str]):
    review = schedule(tenant, client=client, title=title)
    for name in ("offsite", "monitored", "mfa", "spf", "signature"):
        answer(tenant, review, {"offsite": "Offsite copy", "monitored": "Backups monitored", "mfa": "MFA on mailboxes",
                                "spf": "SPF and DMARC", "signature": "Email signature"}[name],
               "misaligned" if name in misses else "aligned")
    with scope(msp=tenant.msp):
        return services.review_complete(review=review, actor=tenant.users[Role.TAM])


def test_reviews_with_findings_and_no_recommendation_wait_for_the_vcio(tenant, other_tenant, lib):
    first, second = tenant.clients  # the first client's vCIO is the tenant's vCIO; the second has none
    waiting = completed(tenant, client=first, title="Waiting", misses={"mfa", "spf"})
    clean = completed(tenant, client=first, title="All met", misses=set())
    handled = completed(tenant, client=first, title="Handled", misses={"offsite"})
    other_vcio = completed(tenant, client=second, title="Other client", misses={"signature"})
    with scopes_disabled():
        Recommendation.objects.create(msp=tenant.msp, client=first, review=handled, title="Copy backups off site")
    schedule(tenant, client=first, title="Not done yet")
    with scope(msp=tenant.msp):
        mine = reviews_awaiting_recommendations(vcio=tenant.users[Role.VCIO])
        everyone = reviews_awaiting_recommendations()
    assert [(r.title, r.findings) for r in mine] == [("Waiting", 2)]
    assert [(r.title, r.findings) for r in everyone] == [("Waiting", 2), ("Other client", 1)]
    assert clean.pk not in {r.pk for r in everyone}
    assert other_vcio.pk in {r.pk for r in everyone}
    with scope(msp=other_tenant.msp):
        assert reviews_awaiting_recommendations() == []
    # An archived recommendation does not count: the review waits again.
    with scopes_disabled():
        Recommendation.objects.filter(review=handled).update(archived_at=waiting.completed_at)
    with scope(msp=tenant.msp):
        assert [r.title for r in reviews_awaiting_recommendations()] == ["Waiting", "Handled", "Other client"]
