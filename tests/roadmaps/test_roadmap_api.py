"""The roadmap API: the 12-quarter plan as JSON (exact figures of a hand-made plan on a July fiscal year), the
roadmap PDF render endpoint (202 + job), and following the job."""

from __future__ import annotations

import uuid

import pytest
import yaml
from django.core.management import call_command
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from clients.models import Document
from msp.jobs import job_create
from msp.models import Job, Membership
from msp.roles import Role
from msp.services import api_token_create
from roadmaps.models import Initiative
from tests.roadmaps.test_report import TODAY, build_plan

pytestmark = pytest.mark.django_db

API = "/api/v1"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(tenant):
    def _api(role=Role.VCIO, t=None) -> HttpClient:
        t = t or tenant
        with scopes_disabled():
            membership = Membership.objects.get(user=t.users[role], msp=t.msp)
            _, raw = api_token_create(membership=membership, name="tests")
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _api


@pytest.fixture
def plan(tenant, monkeypatch):
    monkeypatch.setattr("budgets.selectors.msp_today", lambda client: TODAY)
    return build_plan(tenant)


def money(cost, price) -> dict:
    return {"cost": cost, "price": price}


def totals(label, one_time, recurring, total, approved, proposed) -> dict:
    return {"label": label, "one_time": money(*one_time), "recurring": money(*recurring), "total": money(*total),
            "approved": approved, "proposed": proposed}


ZERO = ("0.00", "0.00")


def test_the_plan_as_json_with_exact_figures(tenant, plan, api):
    a, d, e = plan["a"], plan["d"], plan["e"]
    response = api(Role.VIEWER).get(f"{API}/clients/{plan['client'].pk}/roadmap/")
    assert response.status_code == 200
    data = response.json()
    assert (data["client"], data["currency"], data["fiscal_year_start_month"]) == (
        str(plan["client"].pk), "USD", 7)

    quarters = data["quarters"]
    assert [q["label"] for q in quarters] == [
        "FY2027 Q2", "FY2027 Q3", "FY2027 Q4", "FY2028 Q1", "FY2028 Q2", "FY2028 Q3", "FY2028 Q4",
        "FY2029 Q1", "FY2029 Q2", "FY2029 Q3", "FY2029 Q4", "FY2030 Q1"]
    assert [(q["start"], q["end"], q["fiscal_year"], q["number"]) for q in quarters[:2]] == [
        ("2026-10-01", "2026-12-31", 2027, 2), ("2027-01-01", "2027-03-31", 2027, 3)]
    assert quarters[-1]["end"] == "2029-09-30"
    # Initiatives under the quarter they start in, whatever their status (the declined one too)
    assert {q["label"]: [i["title"] for i in q["initiatives"]] for q in quarters if q["initiatives"]} == {
        "FY2027 Q3": ["Move backups to the cloud"],
        "FY2028 Q1": ["Declined idea: on-site server room"],
        "FY2028 Q2": ["Replace the firewall"],
        "FY2029 Q1": ["Security awareness <training> & phishing tests"],
    }
    assert quarters[1]["initiatives"] == [{
        "id": str(a.pk), "title": "Move backups to the cloud", "status": "approved", "category": "continuity",
        "start_quarter": "2027-01-01", "end_quarter": "2027-04-01", "start_label": "FY2027 Q3",
        "end_label": "FY2027 Q4", "price": "7880.00", "budgeted": "7880.00", "one_time": "2600.00",
        "monthly": "160.00", "proposal_amount": None}]
    assert quarters[4]["initiatives"][0] | {"id": None} == {
        "id": None, "title": "Replace the firewall", "status": "proposed", "category": "security",
        "start_quarter": "2027-10-01", "end_quarter": None, "start_label": "FY2028 Q2", "end_label": "FY2028 Q2",
        # The quote is the initiative's price (budgets.selectors.InitiativePrice); its lines are budgeted.
        "price": "4500.00", "budgeted": "3900.00", "one_time": "3900.00", "monthly": "0.00",
        "proposal_amount": "4500.00"}
    assert (quarters[7]["initiatives"][0]["price"], quarters[7]["initiatives"][0]["monthly"]) == ("1008.00", "84.00")
    # A declined initiative keeps its price, but its line is out of the budget totals.
    assert quarters[3]["initiatives"][0]["id"] == str(d.pk)
    assert quarters[3]["initiatives"][0]["price"] == "1000.00"

    # Budget totals per quarter: Microsoft 365 (1,584.00 cost / 1,742.40 price a quarter, FY2027 Q2-Q4; no
    # initiative, so proposed until the client approves it),
    # the vault seats (360.00 / 480.00 a quarter from FY2027 Q3, no end), training (180.00 / 252.00, FY2029).
    Q = [{k: q[k] for k in ("label", "one_time", "recurring", "total", "approved", "proposed")} for q in quarters]
    assert Q[0] == totals("FY2027 Q2", ZERO, ("1584.00", "1742.40"), ("1584.00", "1742.40"), "0.00", "1742.40")
    assert Q[1] == totals("FY2027 Q3", ("2000.00", "2600.00"), ("1944.00", "2222.40"), ("3944.00", "4822.40"),
                          "3080.00", "1742.40")
    assert Q[2] == totals("FY2027 Q4", ZERO, ("1944.00", "2222.40"), ("1944.00", "2222.40"), "480.00", "1742.40")
    assert Q[3] == totals("FY2028 Q1", ZERO, ("360.00", "480.00"), ("360.00", "480.00"), "480.00", "0.00")
    assert Q[4] == totals("FY2028 Q2", ("3000.00", "3900.00"), ("360.00", "480.00"), ("3360.00", "4380.00"),
                          "480.00", "3900.00")
    for i in (7, 8, 9, 10):
        assert Q[i] == totals(Q[i]["label"], ZERO, ("540.00", "732.00"), ("540.00", "732.00"), "480.00", "252.00")
    assert Q[11] == totals("FY2030 Q1", ZERO, ("360.00", "480.00"), ("360.00", "480.00"), "480.00", "0.00")

    # Fiscal years (FY2027 has three quarters of the plan, FY2030 one) and the three years
    assert data["fiscal_years"] == [
        totals("FY2027", ("2000.00", "2600.00"), ("5472.00", "6187.20"), ("7472.00", "8787.20"), "3560.00",
               "5227.20")
        | {"fiscal_year": 2027, "quarters": 3},
        totals("FY2028", ("3000.00", "3900.00"), ("1440.00", "1920.00"), ("4440.00", "5820.00"), "1920.00",
               "3900.00") | {"fiscal_year": 2028, "quarters": 4},
        totals("FY2029", ZERO, ("2160.00", "2928.00"), ("2160.00", "2928.00"), "1920.00", "1008.00")
        | {"fiscal_year": 2029, "quarters": 4},
        totals("FY2030", ZERO, ("360.00", "480.00"), ("360.00", "480.00"), "480.00", "0.00")
        | {"fiscal_year": 2030, "quarters": 1},
    ]
    assert data["total"] == totals("Total", ("5000.00", "6500.00"), ("9432.00", "11515.20"),
                                   ("14432.00", "18015.20"), "7880.00", "10135.20")
    assert data["backlog"] == [{
        "id": str(e.pk), "title": "Document management", "status": "idea", "category": "other",
        "start_quarter": None, "end_quarter": None, "start_label": "", "end_label": "", "price": "0.00",
        "budgeted": "0.00", "one_time": "0.00", "monthly": "0.00", "proposal_amount": None}]


def test_the_plan_is_scoped(tenant, other_tenant, plan, api):
    url = f"{API}/clients/{plan['client'].pk}/roadmap/"
    assert api(Role.OWNER, other_tenant).get(url).status_code == 404
    assert api().get(f"{API}/clients/{uuid.uuid4()}/roadmap/").status_code == 404
    assert HttpClient().get(url).status_code == 401
    portal = HttpClient()
    portal.force_login(tenant.users[Role.CLIENT], backend="django.contrib.auth.backends.ModelBackend")
    assert portal.get(url).status_code == 404


def test_render_endpoint_queues_a_job_that_makes_the_document(tenant, plan, api,
                                                               django_capture_on_commit_callbacks):
    c = api(Role.VCIO)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"{API}/clients/{plan['client'].pk}/roadmap-pdf/", {"publish": True}, content_type=JSON)
    assert response.status_code == 202
    body = response.json()
    with scopes_disabled():
        job = Job.objects.get(kind="roadmap_report")
    assert body["id"] == str(job.pk)
    assert body["status"] == "queued"  # as it was when the request answered; the worker ran after the commit
    assert body["kind"] == "roadmap_report"
    assert body["status_url"] == f"http://testserver/api/v1/jobs/{job.pk}/"
    assert response["Location"] == body["status_url"]
    assert body["document"] is None

    done = c.get(f"{API}/jobs/{job.pk}/")
    assert done.status_code == 200
    data = done.json()
    with scopes_disabled():
        document = Document.objects.get(kind="roadmap", client=plan["client"])
    assert (data["status"], data["percent"], data["progress_done"], data["progress_total"]) == (
        "succeeded", 100, 3, 3)
    assert data["message"] == "The roadmap is ready: edition 1, published to the client's portal."
    assert data["errors"] == []
    assert data["result"]["published"] == "yes"
    shown = {k: data["document"][k] for k in ("id", "client", "kind", "title", "edition", "size", "checksum",
                                              "source_id", "published", "download_url")}
    assert shown == {
        "id": str(document.pk), "client": str(plan["client"].pk), "kind": "roadmap", "title": document.title,
        "edition": 1, "size": document.size, "checksum": document.checksum, "source_id": str(plan["client"].pk),
        "published": True, "download_url": f"http://testserver/api/v1/documents/{document.pk}/download/"}
    download = c.get(data["document"]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF-")

    # Nothing changed: the job keeps edition 1 (published as it was) and its result says so.
    with django_capture_on_commit_callbacks(execute=True):
        second = c.post(f"{API}/clients/{plan['client'].pk}/roadmap-pdf/", {}, content_type=JSON)
    assert second.status_code == 202
    data = c.get(second.json()["status_url"]).json()
    assert data["message"] == "Nothing changed since edition 1; kept it. It is published to the client's portal."
    assert data["result"]["note"] == "Nothing changed since edition 1; kept it."
    assert (data["document"]["id"], data["document"]["edition"], data["document"]["published"]) == (
        str(document.pk), 1, True)

    # The plan changed: the next edition, unpublished unless asked.
    with scopes_disabled():
        Initiative.objects.filter(pk=plan["b"].pk).update(title="Replace the firewall and the switches")
    with django_capture_on_commit_callbacks(execute=True):
        third = c.post(f"{API}/clients/{plan['client'].pk}/roadmap-pdf/", {}, content_type=JSON)
    data = c.get(third.json()["status_url"]).json()
    assert (data["document"]["edition"], data["document"]["published"]) == (2, False)
    assert "note" not in data["result"]


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_only_owner_and_vcio_render(tenant, plan, api, role):
    response = api(role).post(f"{API}/clients/{plan['client'].pk}/roadmap-pdf/", {"publish": True},
                              content_type=JSON)
    assert response.status_code == 403
    with scopes_disabled():
        assert not Job.objects.exists()


def test_render_endpoint_refuses_bad_input_and_other_tenants(tenant, other_tenant, plan, api):
    url = f"{API}/clients/{plan['client'].pk}/roadmap-pdf/"
    bad = api().post(url, {"publish": "perhaps"}, content_type=JSON)
    assert bad.status_code == 400
    assert bad.json() == {"publish": ["Must be a valid boolean."]}
    assert api(Role.OWNER, other_tenant).post(url, {}, content_type=JSON).status_code == 404
    with scopes_disabled():
        plan["client"].archived_at = plan["client"].created_at
        plan["client"].save(update_fields=["archived_at"])
    archived = api().post(url, {}, content_type=JSON)
    assert archived.status_code == 400
    assert archived.json() == {"non_field_errors": ["This client is archived; restore it before making documents."]}
    with scopes_disabled():
        assert not Job.objects.exists()


def test_jobs_are_scoped_and_read_only(tenant, other_tenant, api):
    with scopes_disabled():
        job = job_create(msp=tenant.msp, kind="asset_import", title="Import assets.csv",
                         created_by=tenant.users[Role.VCIO], payload={"text": "secret,row"})
    mine = api(Role.VIEWER).get(f"{API}/jobs/{job.pk}/")
    assert mine.status_code == 200
    assert mine.json()["title"] == "Import assets.csv"
    assert mine.json()["document"] is None
    assert "secret,row" not in mine.content.decode()  # the payload is never shown
    assert api(Role.OWNER, other_tenant).get(f"{API}/jobs/{job.pk}/").status_code == 404
    assert api().get(f"{API}/jobs/").status_code == 404  # no list
    assert api().delete(f"{API}/jobs/{job.pk}/").status_code == 405


def test_schema_describes_the_roadmap_routes(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert set(paths["/api/v1/clients/{client_id}/roadmap/"]) == {"get"}
    assert set(paths["/api/v1/clients/{client_id}/roadmap-pdf/"]) == {"post"}
    assert "202" in paths["/api/v1/clients/{client_id}/roadmap-pdf/"]["post"]["responses"]
    assert set(paths["/api/v1/jobs/{id}/"]) == {"get"}
