"""/api/v1/reviews/ and /api/v1/recommendations/: scheduling, scores, bulk answers with versions, completion,
recommendations with findings, roles and tenancy."""

from __future__ import annotations

import json
import uuid

import pytest
import yaml
from django.core.management import call_command
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from alignment import services
from alignment.choices import Response, ReviewStatus
from alignment.models import Recommendation, Review
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from tests.alignment.conftest import answer, answer_all, answers_of, reload, schedule

pytestmark = pytest.mark.django_db

API = "/api/v1"
JSON = "application/json"
A, M, NA = Response.ALIGNED, Response.MISALIGNED, Response.NOT_APPLICABLE


@pytest.fixture
def api(tenant):
    """api(role) -> a test client with a Bearer token of that role in the first tenant."""

    def _api(role=Role.VCIO) -> HttpClient:
        with scopes_disabled():
            membership = Membership.objects.get(user=tenant.users[role], msp=tenant.msp)
            _, raw = api_token_create(membership=membership, name="tests")
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _api


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type=JSON, **headers)


def test_schedule_review_over_the_api(tenant, lib, api):
    response = post(api(), f"{API}/reviews/", {
        "client": str(tenant.clients[0].pk), "scheduled_for": "2026-09-01", "tam": tenant.users[Role.TAM].pk,
        "categories": [str(lib.email.pk)], "frequencies": ["yearly"]})
    assert response.status_code == 201, response.content
    body = response.json()
    with scopes_disabled():
        review = Review.objects.get()
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/api/v1/reviews/{review.pk}/")
    assert (body["title"], body["status"], body["score"], body["answered"], body["total"]) == (
        "Alignment review September 2026", "scheduled", None, 0, 2)
    assert body["categories"] == [str(lib.email.pk)]
    assert body["frequencies"] == ["yearly"]
    assert [(a["standard_name"], a["response"], a["version"], a["revision"]) for a in body["answers"]] == [
        ("Email signature", "", 1, 1), ("MFA on mailboxes", "", 1, 1)]


def test_schedule_refusals_are_clear(tenant, other_tenant, lib, api):
    empty = post(api(), f"{API}/reviews/", {"client": str(tenant.clients[0].pk), "tam": tenant.users[Role.TAM].pk,
                                            "tags": ["none-such"]})
    assert empty.status_code == 400
    assert empty.json() == {"non_field_errors": [
        "No active standard is in this scope (tags none-such). Widen the scope, or add standards to the library "
        "first."]}
    foreign = post(api(), f"{API}/reviews/", {"client": str(tenant.clients[0].pk),
                                              "tam": other_tenant.users[Role.TAM].pk})
    assert foreign.status_code == 400
    assert foreign.json() == {"tam": [f"User {other_tenant.users[Role.TAM].pk} is not an active staff member of "
                                      "your MSP."]}
    assert post(api(Role.TAM), f"{API}/reviews/", {"client": str(tenant.clients[0].pk),
                                                   "tam": tenant.users[Role.TAM].pk}).status_code == 403
    with scopes_disabled():
        assert not Review.objects.exists()


def test_review_detail_has_score_and_category_scores(tenant, lib, api):
    review = schedule(tenant)
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": M, "MFA on mailboxes": M,
                                "Email signature": A, "SPF and DMARC": NA})
    response = api(Role.VIEWER).get(f"{API}/reviews/{review.pk}/")
    assert response.status_code == 200
    body = response.json()
    # (5 + 1) / (5 + 3 + 5 + 1) = 6 / 14 = 42.9 (open: the score so far)
    assert (body["score"], body["answered"], body["total"], body["status"]) == ("42.9", 5, 5, "in_progress")
    assert body["category_scores"] == [
        {"category": str(lib.backup.pk), "name": "Backup", "aligned": 1, "misaligned": 1, "not_applicable": 0,
         "unanswered": 0, "score": "62.5"},
        {"category": str(lib.email.pk), "name": "Email", "aligned": 1, "misaligned": 1, "not_applicable": 1,
         "unanswered": 0, "score": "16.7"},
    ]
    first = body["answers"][0]
    assert (first["standard_name"], first["question"], first["response"], first["version"]) == (
        "Backups monitored", "Are backup jobs monitored every day?", "misaligned", 2)
    listed = api(Role.VIEWER).get(f"{API}/reviews/", {"client": str(tenant.clients[0].pk)}).json()
    assert [(r["id"], r["score"], r["answered"]) for r in listed["results"]] == [(str(review.pk), "42.9", 5)]
    assert "answers" not in listed["results"][0]


def test_bulk_answers_return_new_versions(tenant, lib, api):
    review = schedule(tenant)
    by_name = answers_of(review)
    response = post(api(Role.TAM), f"{API}/reviews/{review.pk}/answers/", [
        {"id": str(by_name["Offsite copy"].pk), "response": A, "note": "Cloud copy nightly", "version": 1},
        {"id": str(by_name["MFA on mailboxes"].pk), "response": M, "version": 1},
    ])
    assert response.status_code == 200, response.content
    assert [(a["standard_name"], a["response"], a["note"], a["version"]) for a in response.json()] == [
        ("Offsite copy", A, "Cloud copy nightly", 2), ("MFA on mailboxes", M, "", 2)]
    assert reload(review).status == ReviewStatus.IN_PROGRESS


def test_bulk_answers_with_a_stale_version_write_nothing(tenant, lib, api):
    review = schedule(tenant)
    by_name = answers_of(review)
    answer(tenant, review, "MFA on mailboxes", A)  # someone else saved: version 2
    response = post(api(Role.TAM), f"{API}/reviews/{review.pk}/answers/", [
        {"id": str(by_name["Offsite copy"].pk), "response": M, "version": 1},
        {"id": str(by_name["MFA on mailboxes"].pk), "response": M, "version": 1},
    ])
    assert response.status_code == 412
    assert response.json()["stale"] == [{"id": str(by_name["MFA on mailboxes"].pk), "version": 2}]
    after = answers_of(review)
    assert (after["Offsite copy"].response, after["Offsite copy"].version) == ("", 1)
    assert after["MFA on mailboxes"].response == A


def test_bulk_answers_validate_every_item_first(tenant, lib, api):
    review = schedule(tenant)
    other = schedule(tenant, title="Other")
    by_name = answers_of(review)
    bad = post(api(Role.TAM), f"{API}/reviews/{review.pk}/answers/", [
        {"id": str(by_name["Offsite copy"].pk), "response": "maybe", "version": 1},
        {"id": str(by_name["MFA on mailboxes"].pk), "version": 1}])
    assert bad.status_code == 400
    assert bad.json() == {"0": {"response": ['"maybe" is not a valid choice.']}}
    foreign_answer = answers_of(other)["Offsite copy"]
    wrong = post(api(Role.TAM), f"{API}/reviews/{review.pk}/answers/", [
        {"id": str(by_name["Offsite copy"].pk), "response": A, "version": 1},
        {"id": str(foreign_answer.pk), "response": A, "version": 1}])
    assert wrong.status_code == 400
    assert wrong.json() == {"answers": [f"Not an answer of this review: {foreign_answer.pk}."]}
    assert post(api(Role.TAM), f"{API}/reviews/{review.pk}/answers/", []).status_code == 400
    assert post(api(Role.VIEWER), f"{API}/reviews/{review.pk}/answers/", [
        {"id": str(by_name["Offsite copy"].pk), "response": A, "version": 1}]).status_code == 403
    assert answers_of(review)["Offsite copy"].response == ""


def test_complete_over_the_api(tenant, lib, api):
    review = schedule(tenant, categories=[lib.backup])
    answer(tenant, review, "Offsite copy", A)
    refused = post(api(Role.TAM), f"{API}/reviews/{review.pk}/complete/", {})
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [
        "1 of 2 standards are still unanswered. Answer them, or mark their category not applicable, before "
        "completing the review."]}
    answer(tenant, review, "Backups monitored", M)
    stale = post(api(Role.TAM), f"{API}/reviews/{review.pk}/complete/", {}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    version = reload(review).version
    done = post(api(Role.TAM), f"{API}/reviews/{review.pk}/complete/", {}, HTTP_IF_MATCH=f'"{version}"')
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["score"]) == ("completed", "62.5")
    assert done["ETag"] == f'"{version + 1}"'


def test_reviews_are_not_updated_or_deleted_over_the_api(tenant, lib, api):
    review = schedule(tenant)
    assert api().patch(f"{API}/reviews/{review.pk}/", {}, content_type=JSON).status_code == 405
    assert api().delete(f"{API}/reviews/{review.pk}/").status_code == 405


def _completed(tenant, lib):
    review = schedule(tenant, categories=[lib.backup])
    answer_all(tenant, review, {"Offsite copy": M, "Backups monitored": M})
    with scope(msp=tenant.msp):
        return services.review_complete(review=review, actor=tenant.users[Role.TAM])


def test_recommendations_crud(tenant, lib, api):
    review = _completed(tenant, lib)
    by_name = answers_of(review)
    created = post(api(), f"{API}/recommendations/", {
        "client": str(tenant.clients[0].pk), "title": "Keep a copy of the data away from the office",
        "impact": "business_risk", "priority": "high", "one_time_cost": "900.00",
        "findings": [str(by_name["Offsite copy"].pk), str(by_name["Backups monitored"].pk)]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["review"] == str(review.pk)  # taken from the findings
    assert sorted(body["findings"]) == sorted([str(by_name["Offsite copy"].pk), str(by_name["Backups monitored"].pk)])
    url = f"{API}/recommendations/{body['id']}/"
    assert api().patch(url, {"status": "planned"}, content_type=JSON).status_code == 428
    changed = api().patch(url, {"status": "planned", "findings": [str(by_name["Offsite copy"].pk)]},
                          content_type=JSON, HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["findings"], changed["ETag"]) == (
        "planned", [str(by_name["Offsite copy"].pk)], '"2"')
    assert api().patch(url, {"status": "done"}, content_type=JSON, HTTP_IF_MATCH='"1"').status_code == 412
    assert api().delete(url).status_code == 204
    with scopes_disabled():
        assert Recommendation.objects.get().archived_at is not None
    assert api().get(f"{API}/recommendations/").json()["count"] == 0
    assert api().get(f"{API}/recommendations/", {"archived": "true"}).json()["count"] == 1


def test_recommendation_findings_are_checked(tenant, other_tenant, lib, api):
    review = schedule(tenant)
    answer(tenant, review, "Offsite copy", A)
    aligned = answers_of(review)["Offsite copy"]
    response = post(api(), f"{API}/recommendations/", {
        "client": str(tenant.clients[0].pk), "title": "x", "findings": [str(aligned.pk)]})
    assert response.status_code == 400
    assert response.json() == {"findings": ["“Offsite copy” is not a finding: it is aligned."]}
    other = post(api(), f"{API}/recommendations/", {
        "client": str(tenant.clients[1].pk), "title": "x", "findings": [str(aligned.pk)]})
    assert other.status_code == 400
    assert other.json() == {"findings": ["“Offsite copy” is a finding of another client."]}
    missing = uuid.uuid4()
    unknown = post(api(), f"{API}/recommendations/", {
        "client": str(tenant.clients[0].pk), "title": "x", "findings": [str(missing)]})
    assert unknown.json() == {"findings": [f'Invalid pk "{missing}" - object does not exist.']}
    assert post(api(Role.TAM), f"{API}/recommendations/", {"client": str(tenant.clients[0].pk),
                                                           "title": "x"}).status_code == 403
    with scopes_disabled():
        assert not Recommendation.objects.exists()


def test_other_tenant_sees_no_review(tenant, other_tenant, lib):
    review = schedule(tenant)
    with scopes_disabled():
        membership = Membership.objects.get(user=other_tenant.users[Role.OWNER])
        _, raw = api_token_create(membership=membership, name="t")
    c = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert c.get(f"{API}/reviews/{review.pk}/").status_code == 404
    assert c.get(f"{API}/reviews/").json()["count"] == 0
    a = answers_of(review)["Offsite copy"]
    assert post(c, f"{API}/reviews/{review.pk}/answers/", [{"id": str(a.pk), "response": A,
                                                            "version": 1}]).status_code == 404
    assert answers_of(review)["Offsite copy"].response == ""


def test_schema_describes_the_review_routes(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert set(paths["/api/v1/reviews/"]) == {"get", "post"}
    assert set(paths["/api/v1/reviews/{id}/"]) == {"get"}
    assert set(paths["/api/v1/reviews/{id}/answers/"]) == {"post"}
    assert set(paths["/api/v1/reviews/{id}/complete/"]) == {"post"}
    assert set(paths["/api/v1/recommendations/{id}/"]) == {"get", "put", "patch", "delete"}
    assert "412" in paths["/api/v1/reviews/{id}/answers/"]["post"]["responses"]
