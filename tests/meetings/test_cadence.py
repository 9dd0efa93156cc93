"""The default cadence rule (clients/cadence.py) against DOMAIN.md's reference table, its overrides, and
the client API's cadence fields."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from clients.cadence import default_rhythm
from clients.models import Client
from clients.selectors import client_cadence_get
from clients.services import client_update
from msp.roles import Role
from tests.meetings.conftest import REFERENCE

API = "/api/v1"
JSON = "application/json"


@pytest.mark.parametrize(("name", "expected"), [("A", (4, 1, 1)), ("B", (4, 1, 0)), ("C", (6, 2, 2))])
def test_the_default_rule_reproduces_the_reference_table(name, expected):
    mrr, users, complexity = REFERENCE[name]
    assert default_rhythm(mrr=mrr, user_count=users, complexity=complexity) == expected


def test_the_rule_never_gives_less_to_a_bigger_or_more_complex_client():
    mrrs = [Decimal(v) for v in ("0", "1500", "3000", "9999.99", "10000", "24999", "25000", "80000")]
    users = [None, 5, 24, 99, 100, 249, 250, 1000]
    complexities = [None, 1, 4, 5, 7, 8, 10]
    grid = list(itertools.product(mrrs, users, complexities))
    results = {point: default_rhythm(mrr=point[0], user_count=point[1], complexity=point[2])[:2] for point in grid}
    worse = []
    for (mrr, u, c), rhythm in results.items():
        for other, other_rhythm in results.items():
            bigger = (other[0] >= mrr and (other[1] or 0) >= (u or 0)
                      and (5 if other[2] is None else other[2]) >= (5 if c is None else c))
            if bigger and (other_rhythm[0] < rhythm[0] or other_rhythm[1] < rhythm[1]):
                worse.append(((mrr, u, c), other))
    assert worse == []
    assert sorted(set(results.values())) == [(4, 1), (6, 2), (12, 4)]


def test_a_small_simple_client_still_meets_quarterly_and_a_large_complex_one_monthly():
    assert default_rhythm(mrr=Decimal("400"), user_count=3, complexity=1)[:2] == (4, 1)
    assert default_rhythm(mrr=Decimal("30000"), user_count=300, complexity=9)[:2] == (12, 4)
    assert default_rhythm(mrr=Decimal("12000"), user_count=60, complexity=5)[:2] == (6, 2)


def test_why_this_cadence_reads_the_clients_figures(world):
    assert client_cadence_get(client=world.refs["A"]).explanation == (
        "The default rule gives 4 meetings a year (quarterly) and 1 unique touch a month: complexity 5 scores 1, "
        "size ($3,000 MRR, 24 users) scores 0, 1 point in all.")
    assert world.refs["C"].cadence.explanation == (
        "The default rule gives 6 meetings a year (every other month) and 2 unique touches a month: complexity 8 "
        "scores 2, size ($1,500 MRR, 12 users) scores 0, 2 points in all.")


def test_an_override_wins_and_says_why(world):
    client = client_update(client=world.refs["A"], actor=world.users[Role.VCIO], meetings_per_year_override=12,
                           cadence_override_reason="Merger in progress")
    cadence = Client.objects.get(pk=client.pk).cadence
    assert (cadence.meetings_per_year, cadence.touches_per_month) == (12, 1)
    assert (cadence.meetings_source, cadence.touches_source) == ("override", "rule")
    assert cadence.explanation.startswith("Set by hand: 12 meetings a year (monthly) (Merger in progress). "
                                          "The default rule gives 4 meetings a year")


@pytest.mark.parametrize(("fields", "errors"), [
    ({"meetings_per_year_override": 5, "cadence_override_reason": "Odd"},
     {"meetings_per_year_override": ["Value 5 is not a valid choice."]}),
    ({"touches_per_month_override": 21, "cadence_override_reason": "Lots"},
     {"touches_per_month_override": ["Ensure this value is less than or equal to 20."]}),
    ({"touches_per_month_override": 3}, {"__all__": ["Say why the cadence is overridden."]}),
])
def test_bad_overrides_are_refused_and_change_nothing(world, fields, errors):
    client = world.refs["B"]
    with pytest.raises(ValidationError) as caught:
        client_update(client=client, actor=world.users[Role.VCIO], **fields)
    assert caught.value.message_dict == errors
    with scopes_disabled():
        row = Client.objects.get(pk=client.pk)
    assert (row.meetings_per_year_override, row.touches_per_month_override, row.version) == (None, None, 1)


@pytest.fixture
def api(login):
    def _api(tenant, role=Role.VCIO):
        return login(tenant.users[role])
    return _api


def test_the_client_api_exposes_the_effective_cadence_and_takes_overrides(world, api):
    c = api(world)
    client = world.refs["C"]
    body = c.get(f"{API}/clients/{client.pk}/").json()
    assert (body["meetings_per_year"], body["touches_per_month"]) == (6, 2)
    assert (body["meetings_per_year_override"], body["touches_per_month_override"]) == (None, None)
    assert body["cadence_explanation"].startswith("The default rule gives 6 meetings a year")
    refused = c.patch(f"{API}/clients/{client.pk}/", {"meetings_per_year_override": 4}, content_type=JSON,
                      HTTP_IF_MATCH='"1"')
    assert (refused.status_code, refused.json()) == (400, {"cadence_override_reason": [
        "Say why the cadence is overridden."]})
    response = c.patch(f"{API}/clients/{client.pk}/", {"meetings_per_year_override": 4, "touches_per_month_override": 3,
                                                       "cadence_override_reason": "Quiet year"},
                       content_type=JSON, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["meetings_per_year"], body["touches_per_month"], body["version"]) == (4, 3, 2)
    assert body["cadence_explanation"].startswith("Set by hand: 4 meetings a year (quarterly) and 3 unique touches "
                                                  "a month (Quiet year).")
    cleared = c.patch(f"{API}/clients/{client.pk}/", {"meetings_per_year_override": None,
                                                      "touches_per_month_override": None},
                      content_type=JSON, HTTP_IF_MATCH='"2"').json()
    assert (cleared["meetings_per_year"], cleared["touches_per_month"]) == (6, 2)
    bad = c.patch(f"{API}/clients/{client.pk}/", {"meetings_per_year_override": 5, "cadence_override_reason": "x"},
                  content_type=JSON, HTTP_IF_MATCH='"3"')
    assert (bad.status_code, bad.json()) == (400, {"meetings_per_year_override": ['"5" is not a valid choice.']})
