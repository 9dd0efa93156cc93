"""The owner reads the scorecard and drills into a red figure; a vCIO reads the pace of their year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from msp.roles import Role
from playbook.choices import DEFAULT_OBJECTIVES
from playbook.services import escalation_create, objectives_set
from tests.e2e.conftest import LAPTOP, TABLET, assert_fits, sign_in
from tests.factories import PASSWORD
from tests.playbook.test_scorecard import END, START, build_msp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["laptop", "tablet"])
def test_owner_reads_the_scorecard_and_drills_into_a_red_figure(page_at, tenant, viewport):
    build_msp(tenant)
    page = page_at(viewport)
    sign_in(page, "owner@alpha.test", PASSWORD)
    # The owner's home is the scorecard.
    assert page.url.endswith("/scorecard/")
    assert page.get_by_role("heading", level=1).inner_text() == "vCIO scorecard"
    page.locator("#sc-start").fill(START)
    page.locator("#sc-end").fill(END)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert_fits(page)
    churned = page.locator('tr[data-figure="clients_churned"] td[data-column="1"]')
    assert churned.get_attribute("data-rating") == "red"
    assert churned.locator(".sc-value").inner_text() == "1"
    assert churned.locator(".sc-rating").inner_text() == "Off guide"
    churned.locator("a.sc-value").click()
    page.wait_for_load_state("networkidle")
    assert_fits(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Clients churned: the MSP"
    rows = page.locator("#figure-clients tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "Alpha Bakery"
    assert "Sold the shop" in rows.first.inner_text()
    # Back to the same period through the breadcrumb.
    page.locator(".breadcrumb").get_by_role("link", name="Scorecard").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#sc-start").input_value() == START


def test_vcio_reads_the_pace_of_their_year(page_at, tenant):
    vcio, client = tenant.users[Role.VCIO], tenant.clients[0]
    year = timezone.localdate().year
    with scope(msp=tenant.msp):
        objectives_set(
            msp=tenant.msp,
            vcio=vcio,
            year=year,
            actor=tenant.users[Role.OWNER],
            annual={a.value: v for a, v in DEFAULT_OBJECTIVES.items()},
        )
        for days in (1, 2):
            escalation_create(
                client=client,
                actor=vcio,
                vcio=vcio,
                occurred_on=timezone.localdate() - dt.timedelta(days=days),
                summary=f"Escalation {days}",
                source="call",
            )
    page = page_at(LAPTOP)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Playbook").click()
    page.wait_for_load_state("networkidle")
    assert_fits(page)
    assert page.get_by_role("heading", level=1).inner_text() == f"Playbook {year}: {vcio.display_name}"
    rows = page.locator("#pace tbody tr")
    assert rows.count() == 6
    escalations = page.locator('#pace tr[data-activity="escalations"] td')
    assert [escalations.nth(i).inner_text() for i in range(3)] == ["260", "5.0", "2"]
    touches = page.locator('#pace tr[data-activity="touches"] td')
    assert [touches.nth(i).inner_text() for i in range(2)] == ["520", "10.0"]
    # The vCIO sees only their own column of the scorecard.
    page.goto("/scorecard/")
    assert page.locator("#scorecard thead th").all_inner_texts()[2:] == [vcio.display_name]
