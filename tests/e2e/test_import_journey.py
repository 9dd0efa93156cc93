"""A TAM imports a client's assets from a CSV file and follows the background job to its result."""

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from clients.models import Asset
from msp.jobs import job_create, job_progress, job_start, job_succeed
from msp.models import Job
from msp.roles import Role
from tests.e2e.conftest import TABLET, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_tam_imports_assets_and_sees_the_result(page_at, tenant):
    client = tenant.clients[1]
    page = page_at(TABLET)
    sign_in(page, "tam@alpha.test", PASSWORD)
    page.goto(f"/clients/{client.pk}/assets/import/")
    page.get_by_label("CSV file").set_input_files(files=[{
        "name": "rack.csv", "mimeType": "text/csv",
        "buffer": b"name,serial,kind\nCore switch,SW-1,switch\nNAS,NAS-1,storage\n"}])
    page.get_by_role("button", name="Check file").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Preview of rack.csv").is_visible()

    page.get_by_role("button", name="Apply: import 2 rows").click()
    page.wait_for_load_state("networkidle")
    assert "/jobs/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Import rack.csv"
    assert page.locator("#job-status").get_attribute("data-status") == "succeeded"
    assert page.locator("#job-message").inner_text() == "Imported 2 assets: 2 created, 0 updated."
    page.get_by_role("link", name="Back to Alpha Logistics").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha Logistics"
    with scopes_disabled():
        assert sorted(Asset.objects.filter(client=client).values_list("name", flat=True)) == ["Core switch", "NAS"]


def test_job_page_follows_a_running_job_until_it_finishes(page_at, tenant):
    with scope(msp=tenant.msp):
        job = job_create(msp=tenant.msp, kind="asset_import", title="Import big.csv",
                         created_by=tenant.users[Role.TAM], subject_id=tenant.clients[0].pk,
                         subject_label="Alpha Dental", subject_url=f"/clients/{tenant.clients[0].pk}/#assets")
        job = job_start(job_id=job.pk)
        job_progress(job=job, done=100, total=400, message="Checked 100 of 400 rows")
    page = page_at(TABLET)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.headers.get("hx-request") else None)
    page.goto(f"/jobs/{job.pk}/")
    assert page.locator("#job-message").inner_text() == "Checked 100 of 400 rows"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "25"

    with scope(msp=tenant.msp):
        job_progress(job=job, done=300, total=400, message="Checked 300 of 400 rows")
    # Locator assertions poll without eval, which the page's Content-Security-Policy refuses.
    expect(page.locator("#job-message")).to_have_text("Checked 300 of 400 rows")
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "75"

    with scope(msp=tenant.msp):
        job_succeed(job=Job.objects.get(pk=job.pk), message="Imported 400 assets: 400 created, 0 updated.",
                    result={"created": 400, "updated": 0})
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded")
    assert page.locator("#job-result").inner_text().split() == ["Created", "400", "Updated", "0"]
    assert page.get_by_role("link", name="Back to Alpha Dental").is_visible()
    seen = len(polls)
    assert seen >= 2
    page.wait_for_timeout(2500)
    assert len(polls) == seen  # finished: the page stopped asking
