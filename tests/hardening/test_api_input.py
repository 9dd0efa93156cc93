"""No 500 from input: JSON bodies, query filters, ordering, paging and If-Match are checked with a 400 (or
412) that names the problem."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

pytestmark = pytest.mark.django_db
JSON = "application/json"
EMPTY = "is empty; leave the parameter out or give it a value."
WHOLE = "must be a whole number from 0 to 9223372036854775807"
DAYS = "must be a day from 1900-01-01 to 2999-12-31."


def contact_body(tenant, **extra) -> str:
    return json.dumps({"client": str(tenant.clients[0].pk), "name": "Dana Reyes", "email": "dana@alpha.test",
                       **extra})


def test_a_deeply_nested_body_is_refused_before_it_is_decoded(tenant, api):
    nested = '{"a":' * 100_000 + "1" + "}" * 100_000
    response = api().post("/api/v1/contacts/", nested, content_type=JSON)
    assert (response.status_code, response.json()) == (
        400, {"detail": "The JSON body is nested 100000 levels deep; at most 20 are accepted."})


def test_brackets_inside_strings_do_not_count_as_depth(tenant, api):
    response = api().post("/api/v1/contacts/", contact_body(tenant, title="[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{"),
                          content_type=JSON)
    assert (response.status_code, response.json()["title"]) == (201, "[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{")


def test_twenty_levels_pass_and_twenty_one_do_not(tenant, api):
    c = api()
    ok = c.post("/api/v1/contacts/", '{"x":' + "[" * 19 + "]" * 19 + "}", content_type=JSON)
    assert (ok.status_code, ok.json()["name"]) == (400, ["This field is required."])
    deep = c.post("/api/v1/contacts/", '{"x":' + "[" * 20 + "]" * 20 + "}", content_type=JSON)
    assert (deep.status_code, deep.json()) == (
        400, {"detail": "The JSON body is nested 21 levels deep; at most 20 are accepted."})


@override_settings(API_MAX_JSON_BYTES=1024)
def test_a_body_over_the_size_cap_is_refused(tenant, api):
    response = api().post("/api/v1/contacts/", contact_body(tenant, title="x" * 1100), content_type=JSON)
    assert (response.status_code, response.json()) == (
        400, {"detail": "The JSON body is larger than 1 KB; send less at a time."})


def test_nan_is_not_a_json_number(tenant, api):
    response = api().post("/api/v1/budget-lines/", '{"quantity": NaN}', content_type=JSON)
    assert (response.status_code, response.json()) == (
        400, {"detail": "JSON parse error - NaN is not a JSON number"})


BAD_QUERIES = [
    ("initiatives/?quarter_from=0001-01-01", {"quarter_from": [f"`quarter_from` {DAYS}"]}),
    ("initiatives/?quarter_to=3000-01-01", {"quarter_to": [f"`quarter_to` {DAYS}"]}),
    ("initiatives/?backlog=maybe", {"backlog": ["`backlog` must be `true` or `false`, not `maybe`."]}),
    ("initiatives/?status=idea&status=", {"status": [f"`status` {EMPTY}"]}),
    ("budget-lines/?kind=nonsense", {"kind": [
        "Select a valid choice. nonsense is not one of the available choices. "
        "Use one of: one_time, recurring."]}),
    ("budget-lines/?kind=", {"kind": [f"`kind` {EMPTY}"]}),
    ("budget-lines/?client=not-a-uuid", {"client": ["Enter a valid UUID."]}),
    ("reviews/?tam=1.5", {"tam": [f"`tam` {WHOLE}, not `1.5`."]}),
    ("reviews/?tam=99999999999999999999", {"tam": [f"`tam` {WHOLE}, not `99999999999999999999`."]}),
    ("reviews/?status=", {"status": [f"`status` {EMPTY}"]}),
    ("meetings/?starts_from=0001-01-01", {"starts_from": [f"`starts_from` {DAYS}"]}),
    ("touches/?at_from=0001-01-01T00:00:00", {"at_from": [f"`at_from` {DAYS}"]}),
    ("action-items/?due_before=99999-01-01", {"due_before": ["Enter a valid date."]}),
    ("escalations/?vcio=-1", {"vcio": [f"`vcio` {WHOLE}, not `-1`."]}),
    ("clients/?ordering=nonsense", {"ordering": [
        "`ordering` cannot sort by `nonsense`. Use one of: name, status, mrr, user_count, complexity, "
        "created_at, updated_at (a leading `-` sorts descending)."]}),
    ("clients/?ordering=-name,bogus", {"ordering": [
        "`ordering` cannot sort by `bogus`. Use one of: name, status, mrr, user_count, complexity, "
        "created_at, updated_at (a leading `-` sorts descending)."]}),
    ("clients/?page_size=0", {"page_size": ["`page_size` must be a whole number from 1 to 200, not `0`."]}),
    ("clients/?page_size=abc", {"page_size": ["`page_size` must be a whole number from 1 to 200, not `abc`."]}),
    ("clients/?page_size=%C2%B2", {"page_size": ["`page_size` must be a whole number from 1 to 200, not `\u00b2`."]}),
    ("clients/?page=abc", {"page": ["`page` must be a page number (1, 2, ...) or `last`, not `abc`."]}),
    ("clients/?page=" + "9" * 5000, {"page": [
        f"`page` must be a page number (1, 2, ...) or `last`, not `{'9' * 40}`."]}),
    ("clients/?vcio=" + "9" * 5000, {"vcio": [f"Give a user id or \u201cnone\u201d, not \u201c{'9' * 40}\u201d."]}),
    ("clients/?search=a%00b", {"search": ["`search` may not contain a NUL character."]}),
    ("clients/?search=" + "a" * 201, {"search": ["`search` is 201 characters long; at most 200 are searched."]}),
    ("clients/?status=%00", {"status": [
        "Select a valid choice. \x00 is not one of the available choices. Use one of: onboarding, active, churned."]}),
    ("budget-lines/?kind=nonsense&kind=one_time", {"kind": ["`kind` is given 2 times; give it once."]}),
]


@pytest.mark.parametrize(("query", "errors"), BAD_QUERIES, ids=[q[:50] for q, _ in BAD_QUERIES])
def test_a_bad_query_value_is_a_400_naming_the_parameter(tenant, api, query, errors):
    response = api().get(f"/api/v1/{query}")
    assert (response.status_code, response.json()) == (400, errors)


def test_good_values_of_the_same_parameters_still_filter(tenant, api):
    c = api()
    names = c.get("/api/v1/clients/?ordering=-name&page_size=1&page=2").json()
    assert [r["name"] for r in names["results"]] == ["Alpha Dental"]
    assert c.get("/api/v1/initiatives/?quarter_from=1900-01-01&backlog=false").json()["count"] == 0
    assert c.get(f"/api/v1/contacts/?client={tenant.clients[0].pk}").json()["count"] == 1
    assert c.get(f"/api/v1/reviews/?tam={tenant.users['tam'].pk}").status_code == 200


def test_if_match_is_compared_as_an_etag(tenant, api):
    c = api()
    url = f"/api/v1/contacts/{tenant.contact.pk}/"
    for value in ("abc", "*", '"v1"'):
        refused = c.patch(url, json.dumps({"title": "CEO"}), content_type=JSON, HTTP_IF_MATCH=value)
        assert (refused.status_code, refused.json()) == (412, {"detail": (
            f'If-Match must hold the ETag of your last read of the record, such as "3"; {value} is not an ETag '
            "this API sends.")})
    assert c.patch(url, json.dumps({"title": "CEO"}), content_type=JSON, HTTP_IF_MATCH="1")["ETag"] == '"2"'
    listed = c.patch(url, json.dumps({"title": "Owner"}), content_type=JSON, HTTP_IF_MATCH='"7", W/"2"')
    assert (listed.status_code, listed["ETag"], listed.json()["title"]) == (200, '"3"', "Owner")
    stale = c.patch(url, json.dumps({"title": "Boss"}), content_type=JSON, HTTP_IF_MATCH='"2"')
    assert (stale.status_code, stale.json()) == (412, {
        "detail": "The record was changed by someone else; fetch it again and reapply your change."})
    with scopes_disabled():
        tenant.contact.refresh_from_db()
    assert (tenant.contact.title, tenant.contact.version) == ("Owner", 3)
