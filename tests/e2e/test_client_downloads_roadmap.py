"""A client's decision maker signs in to the portal, downloads the published roadmap PDF and approves a
proposal waiting for them."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from budgets import services as budget_services
from clients.models import Client
from msp.roles import Role
from roadmaps import reports
from roadmaps import services as roadmap_services
from roadmaps.models import Initiative
from tests.e2e.conftest import LAPTOP, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(tenant, settings, tmp_path):
    """A plan with one proposal for the first client, and its roadmap PDF published to the portal."""
    settings.MEDIA_ROOT = tmp_path / "media"
    vcio = tenant.users[Role.VCIO]
    with scopes_disabled():
        Client.objects.filter(pk=tenant.clients[0].pk).update(name="Lakeshore Family Dental")
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)
        start = roadmap_services.quarter_of(client, dt.date(timezone.localdate().year + 1, 1, 1))
        proposal = roadmap_services.initiative_create(
            client=client, actor=vcio, title="Replace the firewall", status="proposed", start_quarter=start.start,
            description="The current firewall is out of support next spring.", proposal_amount=Decimal("3900.00"))
        budget_services.budget_line_create(client=client, actor=vcio, initiative=proposal, description="Firewall",
                                           kind="one_time", start_quarter=start.start, quantity=Decimal("1"),
                                           unit_cost=Decimal("3000.00"), pricing="markup", rate=Decimal("30"))
        document = reports.roadmap_report_make(client=client, actor=vcio, publish=True)
    return document, proposal


def test_client_downloads_the_roadmap_and_approves_a_proposal(page_at, tenant, published, tmp_path):
    document, proposal = published
    page = page_at(LAPTOP)
    sign_in(page, "client@alpha.test", PASSWORD)
    assert page.url.endswith("/portal/")
    documents = page.locator("#portal-documents")
    expect(documents).to_contain_text(document.title)
    expect(documents).to_contain_text("Edition 1")

    with page.expect_download() as info:
        documents.get_by_role("link", name=f"Download {document.title}, edition 1").click()
    download = info.value
    assert download.suggested_filename == "Lakeshore-Family-Dental-roadmap-e1.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Lakeshore Family Dental" in text
    assert "Replace the firewall" in text

    item = page.locator(f"#proposal-{proposal.pk}")
    expect(item).to_contain_text("Replace the firewall")
    expect(item).to_contain_text("$3,900.00")
    item.get_by_label("Note for your vCIO (optional)").fill("Please schedule it after the holidays.")
    item.get_by_role("button", name="Approve Replace the firewall").click()
    # A confirmation page names what is approved and its price; nothing is decided yet.
    expect(page.locator("#confirm-h")).to_have_text("Approve “Replace the firewall”?")
    expect(page.locator("#confirm-price")).to_contain_text("$3,900.00")
    expect(page.locator("#confirm-note")).to_have_value("Please schedule it after the holidays.")
    page.get_by_role("button", name="Yes, approve").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert")).to_contain_text("You approved “Replace the firewall”.")
    expect(page.locator("#no-proposals")).to_have_text("Nothing is waiting for your decision.")
    expect(page.locator("#portal-decisions")).to_contain_text("Please schedule it after the holidays.")
    with scopes_disabled():
        proposal = Initiative.objects.get(pk=proposal.pk)
    assert (proposal.status, proposal.decided_by, proposal.decision_note) == (
        "approved", tenant.users[Role.CLIENT], "Please schedule it after the holidays.")
