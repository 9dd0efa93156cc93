"""A TAM answers a small review on a tablet and completes it; the vCIO then sees the exact score and turns the
findings into a recommendation."""

import datetime as dt

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from alignment import services
from alignment.models import Answer, Recommendation, Review
from msp.models import Notification
from msp.roles import Role
from tests import factories as f
from tests.e2e.conftest import TABLET, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.fixture
def review(tenant, settings, tmp_path):
    """Backup: offsite copy (high), backups monitored (medium); Email: MFA (low), DMARC (low)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        backup = f.CategoryFactory(msp=tenant.msp, name="Backup", position=1)
        email = f.CategoryFactory(msp=tenant.msp, name="Email", position=2)
        f.StandardFactory(category=backup, name="Offsite copy", priority="high",
                          question="Is a copy of every backup kept off site?")
        f.StandardFactory(category=backup, name="Backups monitored", priority="medium",
                          question="Are backup jobs monitored every day?")
        f.StandardFactory(category=email, name="MFA on mailboxes", priority="low",
                          question="Do all mailboxes require MFA?")
        f.StandardFactory(category=email, name="DMARC enforced", priority="low",
                          question="Is DMARC set to reject spoofed mail?")
    with scope(msp=tenant.msp):
        return services.review_schedule(client=tenant.clients[0], actor=tenant.users[Role.VCIO],
                                        title="Spring review", scheduled_for=dt.date(2026, 4, 2),
                                        tam=tenant.users[Role.TAM])


def card(page, question):
    return page.locator("article[data-answer-card]").filter(has_text=question)


def test_tam_completes_a_review_on_a_tablet_and_the_vcio_recommends(page_at, tenant, review):
    page = page_at(TABLET)
    sign_in(page, "tam@alpha.test", PASSWORD)
    page.goto("/reviews/")
    mine = page.locator("#my-reviews")
    expect(mine).to_contain_text("Spring review")
    mine.get_by_role("link", name="Start").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=2, name="Backup").is_visible()
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("0 of 4 answered")

    offsite = card(page, "Is a copy of every backup kept off site?")
    aligned = offsite.get_by_role("button", name="Aligned", exact=True)
    assert aligned.bounding_box()["height"] >= 48  # big enough for a finger
    aligned.click()
    expect(progress).to_have_text("1 of 4 answered")
    expect(offsite).to_have_attribute("data-response", "aligned")

    monitored = card(page, "Are backup jobs monitored every day?")
    monitored.get_by_label("Note").fill("Nobody reads the failure emails")
    monitored.get_by_role("button", name="Misaligned").click()
    expect(progress).to_have_text("2 of 4 answered")
    monitored.get_by_label("Photo for Backups monitored").set_input_files(
        files=[{"name": "console.png", "mimeType": "image/png", "buffer": PNG}])  # uploads on choose
    expect(monitored.get_by_role("status").filter(has_text="Photo added")).to_be_visible()
    expect(page.locator("#category-nav")).to_contain_text("Backup 2/2")

    page.locator("#next-category").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=2, name="Email").is_visible()
    # On a laptop keyboard as well: focus a card, press A.
    mfa = card(page, "Do all mailboxes require MFA?")
    mfa.focus()
    page.keyboard.press("a")
    expect(progress).to_have_text("3 of 4 answered")
    expect(mfa).to_have_attribute("data-response", "aligned")
    card(page, "Is DMARC set to reject spoofed mail?").get_by_role("button", name="Misaligned").click()
    expect(progress).to_have_text("4 of 4 answered")

    page.get_by_role("button", name="Complete review").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/reviews/{review.pk}/")
    # (5 + 1) / (5 + 3 + 1 + 1) = 60.0
    expect(page.locator(".alert-success")).to_contain_text("Review completed. Score 60.0.")
    with scopes_disabled():
        done = Review.objects.get(pk=review.pk)
        assert (done.status, str(done.score)) == ("completed", "60.0")
        assert Notification.objects.filter(user=tenant.users[Role.VCIO], url=f"/reviews/{review.pk}/").count() == 1
        assert Answer.objects.get(review=review, standard__name="Backups monitored").evidence.count() == 1
    assert [m.subject for m in mail.outbox] == ["Alignment review completed: Alpha Dental (score 60.0)"]

    vcio = page_at(TABLET)
    sign_in(vcio, "vcio@alpha.test", PASSWORD)
    vcio.goto("/reviews/")
    vcio.locator("#completed-reviews").get_by_role("link", name="Spring review").click()
    vcio.wait_for_load_state("networkidle")
    expect(vcio.locator("#review-score")).to_have_text("60.0")
    rows = vcio.locator("#category-scores tbody tr")
    expect(rows.nth(0).locator("th, td")).to_have_text(["Backup", "1", "1", "0", "62.5"])
    expect(rows.nth(1).locator("th, td")).to_have_text(["Email", "1", "1", "0", "50.0"])
    findings = vcio.locator("#findings")
    expect(findings).to_contain_text("Nobody reads the failure emails")
    expect(findings.locator("img.evidence-thumb")).to_have_count(1)
    findings.get_by_label("Select Backups monitored").check()
    findings.get_by_label("Select DMARC enforced").check()
    findings.get_by_role("button", name="Create recommendation from selected").click()
    vcio.wait_for_load_state("networkidle")
    title = vcio.locator("#id_title")
    expect(title).to_have_value("Address 2 findings: Backups monitored, DMARC enforced")
    # The drafted words are the findings' own: confirming them as they are is refused.
    confirm = vcio.get_by_label("Title ready for the client")
    expect(confirm).not_to_be_checked()
    confirm.check()
    vcio.get_by_role("button", name="Create recommendation").click()
    vcio.wait_for_load_state("networkidle")
    expect(vcio.locator("#id_title_confirmed_errors")).to_have_text(
        "This is still the wording drafted from the findings. Write what the client gains or avoids, then confirm it.")
    title.fill("Stop data loss and email fraud before they cost a working day")
    vcio.get_by_label("Estimated monthly cost").fill("45.00")
    vcio.get_by_role("button", name="Create recommendation").click()
    vcio.wait_for_load_state("networkidle")
    recs = vcio.locator("#recommendations")
    expect(recs.locator(".wording-badge")).to_have_count(0)
    expect(recs).to_contain_text("Stop data loss and email fraud before they cost a working day")
    expect(recs).to_contain_text("Covers: Backups monitored, DMARC enforced")
    with scopes_disabled():
        rec = Recommendation.objects.get()
        assert sorted(a.standard.name for a in rec.findings.all()) == ["Backups monitored", "DMARC enforced"]
        assert (rec.review_id, str(rec.monthly_cost), rec.title_confirmed) == (review.pk, "45.00", True)
