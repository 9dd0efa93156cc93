"""The roadmap PDF: a hand-made plan on a July fiscal year, rendered and checked by its text (pdftotext) and
page count (pdfinfo); the background job (eager here) stores it as the client's next `roadmap` document."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from alignment.models import Recommendation
from budgets import services as budget_services
from budgets.selectors import client_budget, client_horizon
from clients.models import Client, Document
from msp.choices import JobStatus
from msp.models import Job, Msp
from msp.money import format_money
from msp.roles import Role
from roadmaps import reports
from roadmaps import services as roadmap_services
from roadmaps.models import Initiative
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)  # FY2027 Q2 of a July fiscal year: the plan runs FY2027 Q2 - FY2030 Q1
D = dt.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def build_plan(tenant) -> dict:
    """A plan by hand for the first client (renamed Lakeshore Family Dental, July fiscal year), through the
    services. Prices (budgets.rollups: markup = cost x (1 + r), margin = cost / (1 - r)):

    A "Move backups to the cloud" (approved, FY2027 Q3 - Q4; recommendation + objective):
        one-time 2,000.00 at 30 % markup -> 2,600.00 in FY2027 Q3;
        recurring 10 x 12.00/month at 25 % margin -> 16.00 a unit, 480.00 a quarter from FY2027 Q3, no end
        (11 quarters in the plan: 5,280.00, across every fiscal year).
    B "Replace the firewall" (proposed, FY2028 Q2): one-time 3,000.00 at 30 % markup -> 3,900.00.
    C "Security awareness <training> & phishing tests" (proposed, FY2029 Q1 - Q4): recurring 24 x 2.50 at
        40 % markup -> 3.50 a unit, 252.00 a quarter, ends FY2029 Q4 (4 quarters: 1,008.00).
    D "Declined idea: on-site server room" (declined, FY2028 Q1): one-time 1,000.00, left out of the budget.
    E "Document management" (idea, backlog, no lines).
    No initiative: "Microsoft 365 Business Premium" recurring 24 x 22.00 at 10 % markup -> 24.20 a unit,
        1,742.40 a quarter, FY2027 Q2 - FY2027 Q4 (5,227.20); proposed until the client approves it.

    FY2027: one-time 2,600.00, recurring 1,742.40 x 3 + 480.00 x 2 = 6,187.20, total 8,787.20
    FY2028: one-time 3,900.00, recurring 480.00 x 4 = 1,920.00, total 5,820.00
    FY2029: one-time 0.00, recurring 480.00 x 4 + 252.00 x 4 = 2,928.00, total 2,928.00
    FY2030 (Q1 only): recurring 480.00, total 480.00
    Three years: one-time 6,500.00, recurring 11,515.20, total 18,015.20; approved (A) 7,880.00, awaiting
    the client (B, C and the Microsoft 365 line) 3,900.00 + 1,008.00 + 5,227.20 = 10,135.20.
    """
    vcio = tenant.users[Role.VCIO]
    with scopes_disabled():
        Msp.objects.filter(pk=tenant.msp.pk).update(name="Northwind Managed IT")
        Client.objects.filter(pk=tenant.clients[0].pk).update(name="Lakeshore Family Dental",
                                                              fiscal_year_start_month=7)
        rec = Recommendation.objects.create(msp=tenant.msp, client=tenant.clients[0],
                                            title="Keep a copy of every backup off site", priority="high")
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)

        def initiative(title, **fields):
            return roadmap_services.initiative_create(client=client, actor=vcio, title=title, **fields)

        def line(**fields):
            fields.setdefault("quantity", Decimal("1"))
            return budget_services.budget_line_create(client=client, actor=vcio, **fields)

        a = initiative("Move backups to the cloud", status="approved", category="continuity",
                       description="Nightly encrypted copies to a cloud vault.", start_quarter=D(2027, 1, 1),
                       end_quarter=D(2027, 4, 1), recommendations=[rec], objectives=[tenant.objective])
        line(initiative=a, description="Backup appliance set-up", kind="one_time", start_quarter=D(2027, 1, 1),
             unit_cost=Decimal("2000.00"), pricing="markup", rate=Decimal("30"))
        line(initiative=a, description="Cloud vault seats", kind="recurring", category="services",
             expense_type="opex", start_quarter=D(2027, 1, 1), quantity=Decimal("10"),
             unit_cost=Decimal("12.00"), pricing="margin", rate=Decimal("25"))
        b = initiative("Replace the firewall", status="proposed", category="security",
                       start_quarter=D(2027, 10, 1), proposal_amount=Decimal("4500.00"), assets=[tenant.asset])
        line(initiative=b, description="Firewall", kind="one_time", start_quarter=D(2027, 10, 1),
             unit_cost=Decimal("3000.00"), pricing="markup", rate=Decimal("30"))
        c = initiative("Security awareness <training> & phishing tests", status="proposed", category="security",
                       start_quarter=D(2028, 7, 1), end_quarter=D(2029, 4, 1))
        line(initiative=c, description="Training seats", kind="recurring", category="services",
             expense_type="opex", start_quarter=D(2028, 7, 1), end_quarter=D(2029, 4, 1),
             quantity=Decimal("24"), unit_cost=Decimal("2.50"), pricing="markup", rate=Decimal("40"))
        d = initiative("Declined idea: on-site server room", status="declined", start_quarter=D(2027, 7, 1))
        line(initiative=d, description="Server room", kind="one_time", start_quarter=D(2027, 7, 1),
             unit_cost=Decimal("1000.00"), pricing="markup", rate=Decimal("0"))
        e = initiative("Document management", description="Scan and file patient paperwork.")
        line(description="Microsoft 365 Business Premium", kind="recurring", category="software",
             expense_type="opex", start_quarter=D(2026, 10, 1), end_quarter=D(2027, 4, 1),
             quantity=Decimal("24"), unit_cost=Decimal("22.00"), pricing="markup", rate=Decimal("10"))
    return {"client": client, "a": a, "b": b, "c": c, "d": d, "e": e}


@pytest.fixture
def plan(tenant):
    return build_plan(tenant)


def render(tenant, client, tmp_path) -> tuple[str, int]:
    with scope(msp=tenant.msp):
        content = reports.roadmap_report_pdf(client=client, today=TODAY)
    path = tmp_path / "roadmap.pdf"
    path.write_bytes(content)
    return pdf_text(path), pdf_pages(path)


def test_the_pdf_shows_the_plan_and_exact_budget_figures(tenant, plan, tmp_path):
    text, pages = render(tenant, plan["client"], tmp_path)
    flat = " ".join(text.split())
    # Cover
    assert "THREE-YEAR TECHNOLOGY ROADMAP AND BUDGET" in text  # the cover's kicker, in capitals
    assert "Technology roadmap · Lakeshore Family Dental · 21 November 2026" in text  # running footer
    assert "Lakeshore Family Dental" in text
    assert "Northwind Managed IT" in text
    assert "FY2027 Q2 to FY2030 Q1 (1 October 2026 – 30 September 2029)" in flat
    # Executive summary: statuses of every initiative in the plan, three-year figures, the biggest items
    assert re.search(r"\$6,500\.00\s+\$11,515\.20\s+\$18,015\.20\s+\$160\.00", text)
    # A line of no initiative is not approved until the client approves it: 7,880.00 + 10,135.20 = 18,015.20
    assert "$7,880.00 is for work you have approved and $10,135.20 for proposals awaiting your decision" in flat
    for status, count in (("Idea", 1), ("Proposed", 2), ("Approved", 1), ("Declined", 1)):
        assert re.search(rf"^\s*{status}\s+{count}$", text, re.MULTILINE), status
    assert re.search(r"All initiatives\s+5$", text, re.MULTILINE)
    biggest = flat[flat.index("The biggest items"):flat.index("Timeline")]
    # (titles wrap in their cells), by price: the quote of B (4,500.00) ranks it, not its lines (3,900.00)
    assert biggest.index("Move backups to the") < biggest.index("Replace the firewall") \
        < biggest.index("Security awareness") < biggest.index("<training> & phishing")
    assert re.search(r"Move backups to the\s+FY2027 Q3 – FY2027 Q4\s+Budgeted: \$2,600\.00 one-time,", text)
    assert "Declined idea" not in biggest
    # Initiatives under their quarter labels, with what they answer; declined ones are not in the plan
    by_quarter = flat[flat.index("Initiatives by quarter"):flat.index("Budget by fiscal year")]
    order = [by_quarter.index(s) for s in (
        "FY2027 Q3 1 Jan 2027 – 31 Mar 2027", "Move backups to the cloud",
        "FY2028 Q2 1 Oct 2027 – 31 Dec 2027", "Replace the firewall",
        "FY2029 Q1 1 Jul 2028 – 30 Sep 2028", "Security awareness <training> & phishing tests",
        "Not yet scheduled", "Document management")]
    assert order == sorted(order)
    assert "Recommendation: Keep a copy of every backup off site" in by_quarter
    assert "Business objective: Alpha: open a second office" in by_quarter
    assert f"Asset: {tenant.asset.name}" in by_quarter
    assert "Price: Budgeted: $2,600.00 one-time, $160.00 per month; $7,880.00 over the plan" in by_quarter
    assert "Price: Quoted price $4,500.00 · Budgeted: $3,900.00 one-time; $3,900.00 over the plan" in by_quarter
    assert "Price: Budgeted: $84.00 per month; $1,008.00 over the plan" in by_quarter
    assert "Document management Idea · Other Price: Price to be confirmed" in by_quarter
    assert ("Budget items of no initiative Microsoft 365 Business Premium Awaiting your decision · "
            "FY2027 Q2 – FY2027 Q4 Price: Budgeted: $580.80 per month; $5,227.20 over the plan") in by_quarter
    assert "Quarter budget: $2,600.00 one-time, $2,222.40 monthly services, $4,822.40 in all." in by_quarter
    assert "Declined idea" not in by_quarter
    # Budget tables per fiscal year: quarter rows and the fiscal year's totals
    assert re.search(r"FY2027 Q2\s+\$0\.00\s+\$1,742\.40\s+\$1,742\.40", text)
    assert re.search(r"FY2027 total\s+\$2,600\.00\s+\$6,187\.20\s+\$8,787\.20", text)
    assert re.search(r"FY2028 total\s+\$3,900\.00\s+\$1,920\.00\s+\$5,820\.00", text)
    assert re.search(r"FY2029 total\s+\$0\.00\s+\$2,928\.00\s+\$2,928\.00", text)
    assert re.search(r"FY2030 total\s+\$0\.00\s+\$480\.00\s+\$480\.00", text)
    assert re.search(r"Three years\s+\$6,500\.00\s+\$11,515\.20\s+\$18,015\.20", text)
    # ... which are exactly client_budget's
    with scope(msp=tenant.msp):
        budget = client_budget(client=plan["client"], quarters=client_horizon(client=plan["client"], today=TODAY))
    for label, rollup in budget.years.items():
        money = [format_money(v, "USD") for v in (rollup.one_time.price, rollup.recurring.price,
                                                   rollup.total.price)]
        assert re.search(rf"{label} total\s+" + r"\s+".join(re.escape(m) for m in money), text), label
    # Typed text stays text, in the chart too (where long titles are cut)
    assert flat.count("Security awareness <training> & phishing tests") == 1  # by quarter
    assert "Security awareness <training> &…" in text  # the timeline's label
    timeline = text[text.index("Roadmap timeline"):text.index("Initiatives by quarter")]
    assert re.search(r"FY2027\s+FY2028\s+FY2029\s+FY2030", timeline)
    assert "Declined idea" not in timeline
    # Page numbers agree with the real page count
    assert pages >= 4
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text


def test_the_timeline_chart_escapes_text_and_places_bars():
    from msp.quarters import Quarter, horizon

    quarters = horizon(Quarter.of(2027, 2, 7))
    svg = reports.timeline_chart([reports.TimelineBar(label="<script>x</script>", column=1, span=2,
                                                      status="approved")], quarters, title="T & <b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "T &amp; &lt;b&gt;" in svg
    # FY2027 has three quarters of the plan, FY2030 one
    assert [t for t in re.findall(r">(FY\d{4})<", svg)] == ["FY2027", "FY2028", "FY2029", "FY2030"]
    # 12 columns of 45 from x = 212: the bar starts in the second column and spans two (minus its margins)
    assert '<rect x="259" y="61" width="86" height="14" rx="3" fill="#198754">' in svg


def make_report(login, tenant, client, django_capture_on_commit_callbacks, *, publish: bool, role=Role.VCIO):
    data = {"publish": "on"} if publish else {}
    with django_capture_on_commit_callbacks(execute=True):
        return login(tenant.users[role]).post(f"/roadmaps/client/{client.pk}/report/", data)


def test_the_page_action_renders_stores_and_publishes(tenant, plan, login, django_capture_on_commit_callbacks):
    client = plan["client"]
    response = make_report(login, tenant, client, django_capture_on_commit_callbacks, publish=True)
    with scopes_disabled():
        job = Job.objects.get(kind="roadmap_report")
        document = Document.objects.get(client=client, kind="roadmap")
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.message == "The roadmap is ready: edition 1, published to the client's portal."
    with scope(msp=tenant.msp):
        plan_quarters = client_horizon(client=client)
    title = f"Technology roadmap and budget {plan_quarters[0].label} – {plan_quarters[-1].label}"
    download_url = f"/clients/{client.pk}/documents/{document.pk}/download/"
    assert job.result == {"document": f"{title}, edition 1", "edition": 1,
                          "size": f"{document.size} bytes", "published": "yes",
                          "links": [{"label": "Download edition 1", "url": download_url}],
                          "records": {"document": str(document.pk)}}
    assert job.subject_url == f"/clients/{client.pk}/documents/"
    job_page = login(tenant.users[Role.VCIO]).get(f"/jobs/{job.pk}/").content.decode()
    assert "Back to Lakeshore Family Dental documents" in job_page
    assert f'href="{download_url}"' in job_page
    assert "Download edition 1" in job_page
    # The source of a roadmap is the client: a new rendering is compared with its newest roadmap edition.
    assert (document.kind, document.edition, document.source_id) == ("roadmap", 1, client.pk)
    assert document.title == title
    assert document.published_at is not None
    assert document.published_by == document.created_by == tenant.users[Role.VCIO]
    data = document.file.read()
    assert data.startswith(b"%PDF-")
    assert (document.size, document.checksum) == (len(data), hashlib.sha256(data).hexdigest())
    text = pdf_text(document.file.path)
    assert "Lakeshore Family Dental" in text
    assert "Move backups to the cloud" in text
    # The job rendered today's plan: its fiscal-year totals are client_budget's for today's horizon.
    with scope(msp=tenant.msp):
        budget = client_budget(client=client, quarters=client_horizon(client=client))
    for label, rollup in budget.years.items():
        assert re.search(rf"{label} total\s+{re.escape(format_money(rollup.total.price, 'USD'))}", text) \
            or re.search(rf"{label} total\s+\S+\s+\S+\s+{re.escape(format_money(rollup.total.price, 'USD'))}",
                         text), label

    # Published: the client's portal user downloads exactly these bytes.
    portal = login(tenant.users[Role.CLIENT])
    assert "Technology roadmap and budget" in portal.get("/portal/").content.decode()
    download = portal.get(f"/portal/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert download.content == data
    assert download["Content-Disposition"] == 'attachment; filename="Lakeshore-Family-Dental-roadmap-e1.pdf"'


def test_a_second_rendering_is_the_next_edition_and_unpublished(tenant, plan, login,
                                                                django_capture_on_commit_callbacks):
    client = plan["client"]
    make_report(login, tenant, client, django_capture_on_commit_callbacks, publish=True)
    with scopes_disabled():  # the plan changes, so the PDF does
        Initiative.objects.filter(pk=plan["b"].pk).update(title="Replace the firewall and the switches")
    response = make_report(login, tenant, client, django_capture_on_commit_callbacks, publish=False,
                           role=Role.OWNER)
    assert response.status_code == 302
    with scopes_disabled():
        docs = list(Document.objects.filter(client=client, kind="roadmap").order_by("edition"))
        job = Job.objects.filter(kind="roadmap_report").order_by("-created_at").first()
    assert [(d.edition, d.published_at is not None) for d in docs] == [(1, True), (2, False)]
    assert job.result["published"] == "no"
    assert job.message.startswith("The roadmap is ready: edition 2, not published")
    # The portal shows only the published edition.
    portal = login(tenant.users[Role.CLIENT])
    assert portal.get(f"/portal/documents/{docs[1].pk}/download/").status_code == 404


def test_rendering_again_with_nothing_changed_keeps_the_edition(tenant, plan, login,
                                                                django_capture_on_commit_callbacks):
    """The same plan on the same day gives the same bytes: no second edition with the same checksum; the
    job says it kept the edition, and publishing still applies when asked."""
    client = plan["client"]
    make_report(login, tenant, client, django_capture_on_commit_callbacks, publish=False)
    response = make_report(login, tenant, client, django_capture_on_commit_callbacks, publish=True,
                           role=Role.OWNER)
    with scopes_disabled():
        docs = list(Document.objects.filter(client=client, kind="roadmap"))
        first, again = Job.objects.filter(kind="roadmap_report").order_by("created_at")
    assert len(docs) == 1
    document = docs[0]
    assert (document.edition, document.created_by) == (1, tenant.users[Role.VCIO])
    assert (document.published_at is not None, document.published_by) == (True, tenant.users[Role.OWNER])
    assert first.message == "The roadmap is ready: edition 1, not published (publish it from the client's documents)."
    assert again.status == JobStatus.SUCCEEDED
    assert again.message == "Nothing changed since edition 1; kept it. It is published to the client's portal."
    assert again.summary == {"document": str(document), "edition": 1, "size": f"{document.size} bytes",
                             "published": "yes", "note": "Nothing changed since edition 1; kept it."}
    assert again.records == {"document": str(document.pk)}
    page = login(tenant.users[Role.OWNER]).get(response["Location"]).content.decode()
    assert "Nothing changed since edition 1; kept it." in page
    assert f'href="/clients/{client.pk}/documents/{document.pk}/download/"' in page
    # The portal offers the one edition.
    assert login(tenant.users[Role.CLIENT]).get(f"/portal/documents/{document.pk}/download/").status_code == 200


def test_portal_user_gets_404_for_another_clients_roadmap(tenant, plan, login, django_capture_on_commit_callbacks):
    with scopes_disabled():
        other = tenant.clients[1]
        contact = f.ContactFactory(client=other, name="Second Boss", email="boss2@alpha.test")
        user = f.UserFactory(email="client2@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=user, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact, user=user)
    make_report(login, tenant, plan["client"], django_capture_on_commit_callbacks, publish=True)
    with scopes_disabled():
        document = Document.objects.get(kind="roadmap")
    second = login(user)
    assert "Technology roadmap and budget" not in second.get("/portal/").content.decode()
    assert second.get(f"/portal/documents/{document.pk}/download/").status_code == 404
    assert login(tenant.users[Role.CLIENT]).get(f"/portal/documents/{document.pk}/download/").status_code == 200


def test_an_archived_client_gets_no_roadmap(tenant, plan, login, django_capture_on_commit_callbacks):
    client = plan["client"]
    with scopes_disabled():
        Client.objects.filter(pk=client.pk).update(archived_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    c = login(tenant.users[Role.VCIO])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/roadmaps/client/{client.pk}/report/", {"publish": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/documents/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [reports.ARCHIVED_CLIENT]
    with scopes_disabled():
        assert not Job.objects.filter(kind="roadmap_report").exists()
        assert not Document.objects.exists()
    with scope(msp=tenant.msp), pytest.raises(ValidationError, match="archived"):
        reports.roadmap_report_enqueue(client=Client.objects.get(pk=client.pk), actor=tenant.users[Role.VCIO])


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_only_owner_and_vcio_make_roadmaps(tenant, plan, login, role, django_capture_on_commit_callbacks):
    response = make_report(login, tenant, plan["client"], django_capture_on_commit_callbacks, publish=True,
                           role=role)
    assert response.status_code == 403
    with scopes_disabled():
        assert not Document.objects.exists()


def test_the_page_action_is_post_only_and_scoped(tenant, other_tenant, plan, login):
    url = f"/roadmaps/client/{plan['client'].pk}/report/"
    assert login(tenant.users[Role.VCIO]).get(url).status_code == 405
    assert login(other_tenant.users[Role.VCIO]).post(url).status_code == 404
    assert login(tenant.users[Role.CLIENT]).post(url).status_code == 404


def test_an_empty_plan_still_makes_a_document(tenant, tmp_path):
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp").get(pk=tenant.clients[1].pk)
        document = reports.roadmap_report_make(client=client, actor=tenant.users[Role.VCIO], publish=False,
                                               today=TODAY)
    assert (document.kind, document.edition, document.published_at) == ("roadmap", 1, None)
    text = pdf_text(document.file.path)
    assert "Alpha Logistics" in text
    assert "Nothing is planned in these quarters yet." in text
    assert "No initiatives are planned in these quarters yet." in text
    assert re.search(r"Three years\s+\$0\.00\s+\$0\.00\s+\$0\.00", text)
