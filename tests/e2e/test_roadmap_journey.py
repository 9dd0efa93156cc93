"""A vCIO builds a client's roadmap: initiatives from two recommendations, one dragged from the backlog into a
quarter and one placed through its edit form, then a lifecycle suggestion accepted (it becomes an initiative
with a budget line) and another dismissed."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alignment.models import Recommendation
from budgets.selectors import client_horizon
from roadmaps.models import Initiative, LifecycleDecision
from tests import factories as f
from tests.e2e.conftest import LAPTOP, TABLET, assert_fits, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(tenant):
    """Alpha Dental on a July fiscal year, two open recommendations, a laptop and a server whose warranties end
    in the third quarter of the horizon (so they are suggested for the second)."""
    client = tenant.clients[0]
    with scopes_disabled():
        client.fiscal_year_start_month = 7
        client.save(update_fields=["fiscal_year_start_month"])
        quarters = client_horizon(client=client)
        for title, priority in (("Keep a backup copy off site", "high"), ("Require MFA on every mailbox", "medium")):
            Recommendation.objects.create(msp=tenant.msp, client=client, title=title, priority=priority,
                                          description=f"{title}: the business risk in plain words.")
        due = quarters[2].start + dt.timedelta(days=20)
        f.AssetFactory(client=client, kind="laptop", name="LT-RECEPTION", warranty_end=due,
                       replacement_cost=Decimal("1450.00"))
        f.AssetFactory(client=client, kind="server", name="SRV-FILES", warranty_end=due,
                       replacement_cost=Decimal("9000.00"))
    return client, quarters


def test_vcio_builds_a_roadmap_from_recommendations_and_lifecycle(page_at, tenant, setup):
    client, quarters = setup
    page = page_at(LAPTOP)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    page.goto(f"/roadmaps/client/{client.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Roadmap of Alpha Dental")
    expect(page.locator(".rm-quarter")).to_have_count(12)
    expect(page.locator(".rm-quarter").first).to_contain_text(f"Q{quarters[0].number}")
    expect(page.locator("#backlog-empty")).to_be_visible()

    # Two recommendations become two initiatives in the backlog.
    page.get_by_role("link", name="From recommendations").click()
    page.get_by_label("Keep a backup copy off site").check()
    page.get_by_label("Require MFA on every mailbox").check()
    page.get_by_role("button", name="Create initiatives").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert").first).to_contain_text("2 initiatives added to the backlog")
    backlog = page.locator("#backlog-cards")
    expect(backlog.locator("article.rm-card")).to_have_count(2)
    with scopes_disabled():
        backup = Initiative.objects.get(title="Keep a backup copy off site")
        mfa = Initiative.objects.get(title="Require MFA on every mailbox")
        assert [r.title for r in backup.recommendations.all()] == ["Keep a backup copy off site"]

    # Drag one card from the backlog onto the fourth quarter's column.
    target = quarters[3]
    page.locator(f"#initiative-{backup.pk}").drag_to(
        page.locator(f'.rm-col[data-drop-quarter="{target.start.isoformat()}"]'))
    page.wait_for_load_state("networkidle")
    moved = page.locator(f".rm-grid #initiative-{backup.pk}")
    expect(moved).to_have_attribute("data-column", "3")
    expect(moved).to_contain_text(target.label)
    expect(page.get_by_role("alert").first).to_contain_text(f"Moved “Keep a backup copy off site” to {target.label}.")
    expect(backlog.locator("article.rm-card")).to_have_count(1)

    # The other through its edit form: two quarters from the sixth.
    page.locator(f"#initiative-{mfa.pk}").get_by_role("link", name="Require MFA on every mailbox").click()
    page.get_by_label("Start quarter").select_option(label=quarters[5].label)
    page.get_by_label("End quarter").select_option(label=quarters[6].label)
    page.get_by_label("Status").select_option(label="Proposed")
    page.get_by_label("Proposed price").fill("2400")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("networkidle")
    placed = page.locator(f".rm-grid #initiative-{mfa.pk}")
    expect(placed).to_have_attribute("data-column", "5")
    expect(placed).to_have_attribute("data-span", "2")
    expect(placed).to_contain_text("Proposed")
    expect(backlog.locator("article.rm-card")).to_have_count(0)

    # Lifecycle: the laptop and the server are suggested for the second quarter.
    panel = page.locator("#lifecycle")
    expect(panel).to_contain_text(f"1 laptop — {quarters[1].label} — $1,450.00")
    expect(panel).to_contain_text(f"1 server — {quarters[1].label} — $9,000.00")
    panel.get_by_role("button", name="Accept LT-RECEPTION").click()
    page.wait_for_load_state("networkidle")
    with scopes_disabled():
        replacement = Initiative.objects.get(assets__name="LT-RECEPTION")
    card = page.locator(f".rm-grid #initiative-{replacement.pk}")
    expect(card).to_have_attribute("data-column", "1")
    expect(card).to_contain_text("$1,450.00")  # its budget line
    expect(panel).not_to_contain_text("LT-RECEPTION")

    panel.get_by_role("button", name="Dismiss SRV-FILES").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert").first).to_contain_text("Dismissed the lifecycle suggestion for “SRV-FILES”")
    expect(panel).not_to_contain_text("SRV-FILES")
    expect(page.locator("#lifecycle-empty")).to_be_visible()
    with scopes_disabled():
        assert sorted(LifecycleDecision.objects.values_list("asset__name", "decision")) == [
            ("LT-RECEPTION", "accepted"), ("SRV-FILES", "dismissed")]


def test_on_a_tablet_the_board_scrolls_sideways_not_the_page(page_at, tenant, setup):
    client, quarters = setup
    page = page_at(TABLET)
    sign_in(page, "tam@alpha.test", PASSWORD)
    page.goto(f"/roadmaps/client/{client.pk}/")
    expect(page.locator(".rm-quarter")).to_have_count(12)
    board = page.locator(".rm-scroll")
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_fits(page)
    board.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(page.locator(".rm-quarter").last).to_be_in_viewport()
    # The TAM reads the plan but does not move it.
    expect(page.locator("[draggable=true]")).to_have_count(0)
    expect(page.get_by_role("link", name="New initiative")).to_have_count(0)
