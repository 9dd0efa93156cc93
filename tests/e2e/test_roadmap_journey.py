"""A vCIO builds a client's roadmap: initiatives from two recommendations, one dragged from the backlog into a
quarter and one placed through its edit form, then a lifecycle suggestion accepted (it becomes an initiative
with a budget line) and another dismissed."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from alignment.models import Recommendation
from budgets.selectors import client_horizon
from msp.roles import Role
from roadmaps.models import Initiative, LifecycleDecision
from roadmaps.services import initiative_create
from tests import factories as f
from tests.e2e.conftest import LAPTOP, TABLET, assert_fits, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}


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

    # Drag one card from the backlog onto the fourth quarter's column: the board changes in place.
    target = quarters[3]
    page.evaluate("window.notReloaded = true")
    page.locator(f"#initiative-{backup.pk}").drag_to(
        page.locator(f'.rm-col[data-drop-quarter="{target.start.isoformat()}"]'))
    page.wait_for_load_state("networkidle")
    moved = page.locator(f".rm-grid #initiative-{backup.pk}")
    expect(moved).to_have_attribute("data-column", "3")
    expect(moved).to_contain_text(target.label)
    expect(page.locator("#roadmap-status")).to_have_text(f"Moved “Keep a backup copy off site” to {target.label}.")
    expect(backlog.locator("article.rm-card")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    expect(moved).to_be_focused()

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


def test_at_1280_the_board_reads_and_moves_from_the_keyboard(page_at, tenant, setup):
    """Wide quarters scrolling sideways under headers that stay in view, the backlog beside the board, and a
    card moved with the arrow keys and B without the page reloading."""
    client, quarters = setup
    with scope(msp=tenant.msp):
        card = initiative_create(client=client, actor=tenant.users[Role.VCIO],
                                 title="Replace the firewall at head office and the branch",
                                 start_quarter=quarters[1].start, end_quarter=quarters[1].start)
    page = page_at(DESK)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    page.goto(f"/roadmaps/client/{client.pk}/")
    assert_fits(page)
    columns = page.locator(".rm-quarter")
    expect(columns).to_have_count(12)
    assert columns.first.bounding_box()["width"] >= 176
    board, side = page.locator("#board").bounding_box(), page.locator("#backlog").bounding_box()
    assert side["x"] >= board["x"] + board["width"]
    assert abs(side["y"] - board["y"]) < 2
    scroller = page.locator(".rm-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    # The headers stay at the top of the board when it scrolls down.
    scroller.evaluate("el => { el.style.maxHeight = '12rem'; el.scrollTop = 400; }")
    assert abs(columns.first.bounding_box()["y"] - page.locator(".rm-year").first.bounding_box()["y"]
               - 30.4) < 2
    assert columns.first.bounding_box()["y"] - scroller.bounding_box()["y"] < 40
    scroller.evaluate("el => { el.style.maxHeight = ''; el.scrollTop = 0; }")

    page.evaluate("window.notReloaded = true")
    moved = page.locator(f"#initiative-{card.pk}")
    moved.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#roadmap-status")).to_have_text(f"Moved “{card.title}” to {quarters[2].label}.")
    expect(moved).to_have_attribute("data-column", "2")
    expect(moved).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(moved).to_have_attribute("data-column", "1")
    expect(moved).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(moved).to_have_attribute("data-column", "0")
    page.keyboard.press("b")
    expect(page.locator("#roadmap-status")).to_have_text(f"Moved “{card.title}” to the backlog.")
    expect(page.locator(f"#backlog-cards #initiative-{card.pk}")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f".rm-grid #initiative-{card.pk}")).to_have_attribute("data-column", "0")
    assert page.evaluate("window.notReloaded") is True
    with scopes_disabled():
        card.refresh_from_db()
        assert (card.start_quarter, card.end_quarter, card.version) == (quarters[0].start, None, 6)

    # Someone else moved it meanwhile: the refusal shows above the board and nothing moves.
    with scopes_disabled():
        Initiative.objects.filter(pk=card.pk).update(version=9)
    page.locator(f"#initiative-{card.pk}").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#roadmap-alert")).to_contain_text("was changed by someone else since this page was loaded")
    expect(page.locator(f"#initiative-{card.pk}")).to_have_attribute("data-column", "0")
