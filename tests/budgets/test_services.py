"""Budget writes: line validation, presenting versions and what changed since, accepting lifecycle
suggestions."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from budgets import services
from budgets.choices import BudgetActivity
from budgets.models import BudgetLine, BudgetVersion
from budgets.rollups import Amount
from budgets.selectors import budget_changes_since_presented, client_horizon
from msp.models import Activity
from msp.roles import Role
from msp.tenancy import StaleVersionError
from roadmaps.models import Initiative, LifecycleDecision
from tests import factories as f

from .conftest import initiative, line, reload

D = Decimal
pytestmark = pytest.mark.django_db


# --- line validation ------------------------------------------------------------------------------------

def test_a_quarter_must_start_a_quarter_of_the_clients_fiscal_year(tenant, july):
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "Wrong", start=dt.date(2026, 8, 1), unit_cost="10")
    assert exc.value.message_dict == {"start_quarter": [
        "2026-08-01 is not the first day of a quarter of Alpha Dental’s fiscal year (which starts in July). "
        "Use the quarter’s first day, e.g. 2026-07-01 for FY2027 Q1."]}
    # January is a quarter start for a July fiscal year (Q3), April too; February is not.
    assert line(tenant, july, "Right", start=dt.date(2027, 1, 1), unit_cost="10").start_quarter == dt.date(2027, 1, 1)


def test_end_quarter_only_for_recurring_lines_and_not_before_the_start(tenant, july):
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "One-time", start=dt.date(2026, 10, 1), end=dt.date(2027, 1, 1), unit_cost="10")
    assert exc.value.message_dict["end_quarter"] == [
        "Only a recurring line has an end quarter; leave it empty for a one-time cost."]
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "Backwards", kind="recurring", start=dt.date(2027, 1, 1), end=dt.date(2026, 10, 1),
             unit_cost="10")
    assert exc.value.message_dict["end_quarter"] == ["The end quarter cannot come before the start quarter."]
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "Bad end", kind="recurring", start=dt.date(2027, 1, 1), end=dt.date(2027, 2, 1),
             unit_cost="10")
    assert "not the first day of a quarter" in exc.value.message_dict["end_quarter"][0]
    with scopes_disabled():
        assert not BudgetLine.objects.exists()


def test_initiative_must_be_the_same_clients(tenant, july):
    other_client = tenant.clients[1]
    theirs = initiative(other_client, "Not yours")
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "Mixed up", start=dt.date(2026, 10, 1), unit_cost="10", initiative=theirs)
    assert exc.value.message_dict == {"initiative": ["Choose an initiative of Alpha Dental’s roadmap."]}


def test_margin_of_100_percent_is_refused(tenant, july):
    with pytest.raises(ValidationError) as exc:
        line(tenant, july, "Free money", start=dt.date(2026, 10, 1), unit_cost="10", pricing="margin", rate="100")
    assert "below 100 %" in exc.value.message_dict["rate"][0]


def test_update_checks_the_version_and_the_new_values(tenant, july):
    x = line(tenant, july, "Switch", start=dt.date(2026, 10, 1), unit_cost="800")
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        services.budget_line_update(line=x, actor=vcio, expected_version=1, quantity=D("2"))
        with pytest.raises(StaleVersionError):
            services.budget_line_update(line=reload(x), actor=vcio, expected_version=1, quantity=D("3"))
        with pytest.raises(ValidationError) as exc:
            services.budget_line_update(line=reload(x), actor=vcio, expected_version=2, end_quarter=dt.date(2027, 1, 1))
        assert list(exc.value.message_dict) == ["end_quarter"]
        services.budget_line_update(line=reload(x), actor=vcio, expected_version=2, kind="recurring",
                                    end_quarter=dt.date(2027, 1, 1))
    x = reload(x)
    assert (x.version, x.quantity, x.kind, x.end_quarter) == (3, D("2.00"), "recurring", dt.date(2027, 1, 1))


def test_archived_client_budget_cannot_change(tenant, july):
    with scopes_disabled():
        from django.utils import timezone
        july.archived_at = timezone.now()
        july.save()
    with pytest.raises(ValidationError, match="archived"):
        line(tenant, july, "Late", start=dt.date(2026, 10, 1), unit_cost="10")


# --- versions and changes -----------------------------------------------------------------------------

def _present(tenant, client, note=""):
    with scope(msp=tenant.msp):
        return services.budget_present(client=client, actor=tenant.users[Role.VCIO], note=note)


def _changes(tenant, client):
    with scope(msp=tenant.msp):
        return budget_changes_since_presented(client=client)


def test_versions_freeze_the_budget_and_the_changes_panel_compares_with_the_last(tenant, july):
    with scope(msp=tenant.msp):
        q = client_horizon(client=july)
    vcio = tenant.users[Role.VCIO]
    a = line(tenant, july, "Laptops", start=q[1].start, quantity="4", unit_cost="1000", rate="25")  # 4,000 / 5,000
    b = line(tenant, july, "Backup", kind="recurring", start=q[0].start, end=q[3].start, quantity="10",
             unit_cost="10", rate="20")  # 300 / 360 a quarter x 4
    c = line(tenant, july, "Printer", start=q[5].start, unit_cost="500")  # 500 / 500
    assert _changes(tenant, july) is None

    v1 = _present(tenant, july, note="Strategy meeting")
    assert (v1.number, v1.note, v1.presented_by) == (1, "Strategy meeting", tenant.users[Role.VCIO])
    snap = v1.snapshot
    assert snap["total"]["total"] == {"cost": "5700.00", "price": "6940.00"}
    assert snap["horizon"][0] == q[0].start.isoformat()
    assert len(snap["quarters"]) == 12
    assert [y["label"] for y in snap["years"]] == sorted({f"FY{x.fiscal_year}" for x in q})
    laptops = next(x for x in snap["lines"] if x["description"] == "Laptops")
    assert {k: laptops[k] for k in ("unit_cost", "unit_price", "pricing_label", "start_label", "total")} == {
        "unit_cost": "1000.00", "unit_price": "1250.00", "pricing_label": "25 % markup", "start_label": q[1].label,
        "total": {"cost": "4000.00", "price": "5000.00"}}
    assert laptops["amounts"] == {q[1].start.isoformat(): {"cost": "4000.00", "price": "5000.00"}}
    changes = _changes(tenant, july)
    assert (changes.version, changes.has_changes) == (v1, False)

    with scope(msp=tenant.msp):
        services.budget_line_archive(line=c, actor=vcio)
        services.budget_line_update(line=b, actor=vcio, expected_version=1, quantity=D("12"), rate=D("25"))
        services.budget_line_update(line=a, actor=vcio, expected_version=1, rate=D("25.00"))  # same value
    d = line(tenant, july, "Firewall", start=q[2].start, unit_cost="2000", pricing="margin", rate="20")  # 2,500

    changes = _changes(tenant, july)
    assert [x["description"] for x in changes.added] == ["Firewall"]
    assert [x["description"] for x in changes.removed] == ["Printer"]
    assert [(c.description, [(f.field, f.before, f.after) for f in c.fields]) for c in changes.changed] == [
        ("Backup", [("quantity", "10", "12"), ("pricing", "20 % markup", "25 % markup")])]
    # Now: laptops 4,000 / 5,000; backup 12 x 10 x 3 = 360 / 12 x 12.50 x 3 = 450 a quarter, x 4 = 1,440 /
    # 1,800; firewall 2,000 / 2,500; the printer is gone.
    assert changes.total.before == Amount(D("5700.00"), D("6940.00"))
    assert changes.total.after == Amount(D("7440.00"), D("9300.00"))
    assert changes.total.difference == Amount(D("1740.00"), D("2360.00"))
    assert sum((y.difference for y in changes.years), Amount.zero()) == changes.total.difference

    v2 = _present(tenant, july)
    assert v2.number == 2
    assert _changes(tenant, july).has_changes is False
    assert _changes(tenant, july).version == v2
    with scopes_disabled():
        assert list(BudgetVersion.objects.filter(client=july).values_list("number", flat=True)) == [2, 1]
        assert BudgetVersion.objects.get(number=2).snapshot["lines"][-1]["id"] == str(d.pk)


def test_an_initiative_decision_shows_as_a_change(tenant, july):
    with scope(msp=tenant.msp):
        q = client_horizon(client=july)
    idea = initiative(july, "Wi-Fi refresh", "proposed")
    line(tenant, july, "Access points", start=q[2].start, quantity="6", unit_cost="300", initiative=idea)
    _present(tenant, july)
    with scopes_disabled():
        Initiative.objects.filter(pk=idea.pk).update(status="declined")
    changes = _changes(tenant, july)
    # A declined initiative's lines leave the budget.
    assert [x["description"] for x in changes.removed] == ["Access points"]
    assert changes.total.difference == Amount(D("-1800.00"), D("-1800.00"))
    with scopes_disabled():
        Initiative.objects.filter(pk=idea.pk).update(status="approved")
    changes = _changes(tenant, july)
    assert [(f.label, f.before, f.after) for c in changes.changed for f in c.fields] == [
        ("Counts as", "Proposed", "Approved")]


def test_presenting_records_one_activity_per_version(tenant, july):
    with scope(msp=tenant.msp):
        q = client_horizon(client=july)
    line(tenant, july, "Laptops", start=q[1].start, unit_cost="1000")
    v1 = _present(tenant, july)
    line(tenant, july, "Monitors", start=q[2].start, unit_cost="200")
    v2 = _present(tenant, july)
    with scopes_disabled():
        acts = list(Activity.objects.filter(kind=BudgetActivity.BUDGET_PRESENTED).order_by("occurred_at"))
    assert [(a.subject_id, a.client_id, a.actor, a.msp_id) for a in acts] == [
        (v1.pk, july.pk, tenant.users[Role.VCIO], tenant.msp.pk), (v2.pk, july.pk, tenant.users[Role.VCIO],
                                                                   tenant.msp.pk)]


def test_presenting_an_unchanged_budget_makes_no_new_version(tenant, july, login):
    with scope(msp=tenant.msp):
        q = client_horizon(client=july)
    line(tenant, july, "Laptops", start=q[1].start, unit_cost="1000")
    v1 = _present(tenant, july, note="QBR")
    day = f"{v1.presented_at.astimezone(dt.UTC):%-d %b %Y}"
    local_day = f"{v1.presented_at.astimezone(zoneinfo.ZoneInfo(tenant.msp.time_zone)):%-d %b %Y}"
    with pytest.raises(services.BudgetUnchanged) as unchanged:
        _present(tenant, july, note="Again")
    assert unchanged.value.version == v1
    assert unchanged.value.messages == [f"No change since version 1 ({day}); no new version was made."]
    # The page says so and shows the version presented last.
    response = login(tenant.users[Role.VCIO]).post(f"/budgets/client/{july.pk}/present/", follow=True)
    assert response.redirect_chain[-1][0] == f"/budgets/client/{july.pk}/versions/{v1.pk}/"
    assert [str(m) for m in response.context["messages"]] == [
        f"No change since version 1 ({local_day}); no new version was made."]
    with scopes_disabled():
        assert list(BudgetVersion.objects.filter(client=july).values_list("number", flat=True)) == [1]
        assert Activity.objects.filter(kind=BudgetActivity.BUDGET_PRESENTED).count() == 1
    # Any change (here a price) makes the next version.
    line(tenant, july, "Dock", start=q[1].start, unit_cost="150")
    assert _present(tenant, july).number == 2


def test_an_empty_budget_is_not_presented(tenant, july):
    with pytest.raises(ValidationError, match="nothing to present"):
        _present(tenant, july)
    with scopes_disabled():
        assert not BudgetVersion.objects.exists()
        assert not Activity.objects.exists()


# --- lifecycle acceptance -----------------------------------------------------------------------------

@pytest.fixture
def laptops(tenant, july):
    """Four laptops whose warranty ends in the 5th quarter of the horizon (suggested in the 4th), and a server
    of the same client with no replacement cost."""
    with scope(msp=tenant.msp):
        q = client_horizon(client=july)
    due = q[4].start + dt.timedelta(days=40)
    with scopes_disabled():
        items = [f.AssetFactory(client=july, kind="laptop", name=f"LT-{i}", warranty_end=due,
                                replacement_cost=D("1200.00")) for i in range(4)]
        server = f.AssetFactory(client=july, kind="server", name="SRV-9", warranty_end=due, replacement_cost=None)
    return {"quarters": q, "due": due, "assets": items, "server": server}


def _accept(tenant, client, suggestions):
    with scope(msp=tenant.msp):
        return services.lifecycle_accept(client=client, actor=tenant.users[Role.VCIO], suggestions=suggestions)


def test_accepting_suggestions_creates_initiative_decisions_and_lines(tenant, july, laptops):
    due, q = laptops["due"], laptops["quarters"]
    picked = [(a.pk, "warranty_end", due) for a in laptops["assets"]]
    init = _accept(tenant, july, picked)
    with scopes_disabled():
        init = Initiative.objects.get(pk=init.pk)
        assert (init.title, init.category, init.status, init.start_quarter, init.client) == (
            "Replace 4 laptops", "lifecycle", "idea", q[3].start, july)
        assert set(init.assets.all()) == set(laptops["assets"])
        decisions = LifecycleDecision.objects.filter(initiative=init)
        assert sorted((d.asset.name, d.reason, d.due_date, d.decision, d.decided_by) for d in decisions) == [
            (f"LT-{i}", "warranty_end", due, "accepted", tenant.users[Role.VCIO]) for i in range(4)]
        lines = BudgetLine.objects.filter(initiative=init).order_by("description")
        assert [(x.description, x.kind, x.category, x.expense_type, x.start_quarter, x.quantity, x.unit_cost,
                 x.pricing, x.rate) for x in lines] == [
            (f"Replace LT-{i}", "one_time", "hardware", "capex", q[3].start, D("1.00"), D("1200.00"), "markup",
             D("0.00")) for i in range(4)]
    # Accepting the same suggestions again is refused and changes nothing.
    with pytest.raises(ValidationError, match="Already decided"):
        _accept(tenant, july, picked[:1])
    with scopes_disabled():
        assert Initiative.objects.count() == 1
        assert BudgetLine.objects.count() == 4


def test_mixed_kinds_and_missing_cost(tenant, july, laptops):
    due = laptops["due"]
    init = _accept(tenant, july, [(laptops["assets"][0].pk, "warranty_end", due),
                                  (str(laptops["server"].pk), "warranty_end", due.isoformat())])
    with scopes_disabled():
        assert Initiative.objects.get(pk=init.pk).title == "Replace 1 laptop and 1 server"
        assert sorted(BudgetLine.objects.filter(initiative=init).values_list("description", "unit_cost")) == [
            ("Replace LT-0", D("1200.00")), ("Replace SRV-9 (cost to confirm)", D("0.00"))]


def test_refused_suggestions_change_nothing(tenant, july, laptops, other_tenant):
    due = laptops["due"]
    with scopes_disabled():
        foreign = f.AssetFactory(client=other_tenant.clients[0], kind="laptop", warranty_end=due)
        sibling = f.AssetFactory(client=tenant.clients[1], kind="laptop", warranty_end=due)
    ok = (laptops["assets"][0].pk, "warranty_end", due)
    for bad, message in [
        ((foreign.pk, "warranty_end", due), "not one of"),
        ((sibling.pk, "warranty_end", due), "not one of"),
        ((laptops["assets"][1].pk, "warranty_end", due + dt.timedelta(days=1)), "No longer a lifecycle suggestion"),
        ((laptops["assets"][1].pk, "end_of_support", due), "No longer a lifecycle suggestion"),
        ((laptops["assets"][1].pk, "sunset", due), "Unknown lifecycle reason"),
        (("not-a-uuid", "warranty_end", due), "Choose an asset"),
        ((laptops["assets"][1].pk, "warranty_end", "31/12/2027"), "is not a date"),
    ]:
        with pytest.raises(ValidationError, match=message):
            _accept(tenant, july, [ok, bad])
    with pytest.raises(ValidationError, match="at least one"):
        _accept(tenant, july, [])
    with scopes_disabled():
        assert not Initiative.objects.exists()
        assert not LifecycleDecision.objects.exists()
        assert not BudgetLine.objects.exists()
