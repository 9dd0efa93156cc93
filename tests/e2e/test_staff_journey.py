"""A vCIO signs in, creates a client and finds it in the list: on a laptop and on a tablet."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from clients.models import Client
from tests.e2e.conftest import LAPTOP, TABLET, assert_fits, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def open_menu(page, viewport) -> None:
    """Below 1200 px the main menu folds behind the toggler; from 1200 px up it stays open."""
    nav = page.get_by_role("navigation", name="Main")
    if viewport["width"] < 1200:
        assert not nav.get_by_role("link", name="Clients").is_visible()
        nav.locator(".navbar-toggler").click()
    expect(nav.get_by_role("link", name="Clients")).to_be_visible()


@pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["laptop", "tablet"])
def test_vcio_creates_a_client_and_finds_it(page_at, tenant, viewport):
    page = page_at(viewport)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    # A vCIO lands on their own work; the client list is one click away.
    assert page.get_by_role("heading", level=1).inner_text() == "Your work"
    assert_fits(page)
    open_menu(page, viewport)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/clients/")
    assert page.locator("#total-count").inner_text() == "2"
    assert page.locator("#total-mrr").inner_text() == "$9,500.00"

    page.get_by_role("link", name="New client").click()
    page.get_by_label("Name").fill("Harbor View Dental")
    page.get_by_role("button", name="Create client").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Harbor View Dental"
    with scopes_disabled():
        created = Client.objects.get(name="Harbor View Dental")
        assert (created.msp_id, created.status, created.fiscal_year_start_month) == (tenant.msp.pk, "onboarding", 1)

    open_menu(page, viewport)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.get_by_label("Search").fill("harbor")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Harbor View Dental" in rows.first.inner_text()
    assert page.locator("#total-count").inner_text() == "1"


def test_viewer_is_not_offered_to_create(page_at, tenant):
    page = page_at(LAPTOP)
    sign_in(page, "viewer@alpha.test", PASSWORD)
    assert page.get_by_role("link", name="New client").count() == 0
    assert page.goto("/clients/new/").status == 403


def test_menu_folds_on_a_phone(page_at, tenant):
    page = page_at({"width": 390, "height": 844})
    sign_in(page, "owner@alpha.test", PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.get_by_role("link", name="Team").is_visible()
    page.get_by_role("button", name="Toggle navigation").click()
    nav.get_by_role("link", name="Team").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Team of Alpha"
