"""The on-site review on a tablet held upright: the current category stays in view in its bar, every control
is at least 44 x 44 px, and a chosen photo uploads at once (docs/ui.md)."""

import datetime as dt

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from alignment import services
from alignment.models import Answer, Evidence
from msp.roles import Role
from tests import factories as f
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD
from tests.isolation.world import PNG

pytestmark = pytest.mark.django_db(transaction=True)

IPAD = {"width": 820, "height": 1180}
NAMES = ["Backup and recovery", "Email security", "Endpoint protection", "Network perimeter", "Identity and access",
         "Business continuity", "Physical security", "Vendor management"]


@pytest.fixture
def review(tenant, settings, tmp_path):
    """Eight categories of one standard each: far more than the bar shows at 820 px."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        for i, name in enumerate(NAMES, start=1):
            category = f.CategoryFactory(msp=tenant.msp, name=name, position=i)
            f.StandardFactory(category=category, name=f"{name} standard", priority="medium",
                              question=f"Is {name.lower()} in place?", why="Because it matters.",
                              how="Look at the console.")
    with scope(msp=tenant.msp):
        return services.review_schedule(client=tenant.clients[0], actor=tenant.users[Role.VCIO],
                                        title="Tablet review", scheduled_for=dt.date(2026, 4, 2),
                                        tam=tenant.users[Role.TAM])


def box(locator) -> dict:
    b = locator.bounding_box()
    assert b is not None, locator
    return b


def test_tablet_review_keeps_the_category_in_view_has_big_targets_and_uploads_on_choose(browser, live_server,
                                                                                          tenant, review):
    context = browser.new_context(viewport=IPAD, has_touch=True, is_mobile=True, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, "tam@alpha.test", PASSWORD)
        with scopes_disabled():
            last = Answer.objects.get(review=review, category__name=NAMES[-1])
        page.goto(f"/reviews/{review.pk}/answer/?category={last.category_id}")
        page.wait_for_load_state("networkidle")

        bar = page.locator("#category-nav .category-pills")
        current = bar.locator(".nav-link.active")
        expect(current).to_contain_text(NAMES[-1])
        outer, inner = box(bar), box(current)
        assert bar.evaluate("b => b.scrollWidth > b.clientWidth")  # the bar does scroll at this width
        assert outer["x"] <= inner["x"], (outer, inner)
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"], (outer, inner)

        card = page.locator("article[data-answer-card]").first
        targets = [card.locator("summary").filter(has_text="Why we ask"), card.locator("summary").filter(
            has_text="How to check")] + [card.get_by_role("button", name=n, exact=True)
                                         for n in ("Aligned", "Misaligned", "Not applicable")]
        targets += [card.get_by_role("button", name="Save note"), card.get_by_label(f"Photo for {NAMES[-1]} standard"),
                    current]
        small = [(t, b) for t in targets if (b := box(t))["width"] < 44 or b["height"] < 44]
        assert small == [], small

        photo = card.locator('input[type="file"]')
        assert (photo.get_attribute("accept"), photo.get_attribute("capture")) == ("image/*", "environment")
        expect(card.locator(".evidence-submit")).to_be_hidden()  # no second tap
        photo.set_input_files({"name": "rack.png", "mimeType": "image/png", "buffer": PNG})
        expect(page.locator("article[data-answer-card]").first.get_by_role("status")).to_have_text("Photo added")
        with scopes_disabled():
            stored = list(Evidence.objects.filter(answer=last).values_list("original_name", "content_type", "size"))
        assert stored == [("rack.png", "image/png", len(PNG))]
        expect(page.locator("article[data-answer-card]").first.get_by_alt_text("Photo rack.png")).to_be_visible()
    finally:
        context.close()
