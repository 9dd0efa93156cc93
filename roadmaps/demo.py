"""Demo roadmaps and budgets: every active Demo MSP client gets a three-year plan, and Lakeshore Family Dental
(the portal client) gets proposals awaiting the decision maker and a published roadmap PDF.

Per active client: one initiative made from a recommendation of its latest review (with a one-time and a
recurring budget line), one replacement accepted from the asset lifecycle suggestions (budgets'
lifecycle_accept: an initiative and its budget line, then priced with a markup), and five initiatives from
a small catalogue in business words, each with budget lines (one-time and recurring; markup and margin).
Statuses rotate so the demo shows every status. A few clients had their budget presented (v1).

Called by `seed_demo` inside the MSP's scope, after the review history. Safe to run again: a client that
has initiatives gets no more (dates move with the calendar, so a plan is made once per client, never
topped up), and the roadmap PDF is made once. Counts are exact: one recommendation and one lifecycle
suggestion per client (see tests/msp/test_seed_demo.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from alignment.models import Recommendation
from budgets import services as budget_services
from budgets.choices import ExpenseType, LineCategory, LineKind, Pricing
from budgets.models import BudgetLine, BudgetVersion
from budgets.rollups import unit_price
from budgets.selectors import client_horizon
from clients.choices import ClientStatus, DocumentKind
from clients.demo import PORTAL_CLIENT, PORTAL_EMAIL
from clients.models import BusinessObjective, Client, ClientAccess, Document
from msp.models import User
from msp.quarters import Quarter
from standards.choices import Priority

from . import reports, selectors, services
from .choices import InitiativeCategory, InitiativeStatus
from .models import Initiative, LifecycleDecision

I = InitiativeStatus  # noqa: E741 - a short alias keeps the status tables below readable
PRESENTED_CLIENTS = 4  # the first few active clients (by name) had their budget presented
PRESENT_NOTE = "Presented at the annual strategy meeting."
# A lifecycle suggestion this far ahead is inside the 12-quarter horizon whatever the day of the quarter.
LIFECYCLE_WINDOW = (60, 900)


@dataclass(frozen=True)
class Line:
    """A budget line of a catalogue initiative. `quantity` may be "users", "endpoints" or a number;
    `start` and `end` are quarters after the initiative's start (end None: recurring with no end)."""

    description: str
    category: str
    expense_type: str
    kind: str
    quantity: str
    unit_cost: str
    pricing: str
    rate: str
    start: int = 0
    end: int | None = None


@dataclass(frozen=True)
class Plan:
    """A catalogue initiative: where it starts in the horizon, how many quarters it runs, its lines, and the
    words of the client's objectives it answers."""

    title: str
    description: str
    category: str
    priority: str
    start: int
    span: int
    hours: str
    lines: tuple[Line, ...]
    answers: tuple[str, ...] = ()


ONE, REC = LineKind.ONE_TIME, LineKind.RECURRING
CATALOGUE: tuple[Plan, ...] = (
    Plan("Security awareness training for every employee",
         "Short monthly lessons and simulated phishing emails, so staff spot a fake invoice or a fake login page "
         "before it costs the business money.", InitiativeCategory.SECURITY, Priority.HIGH, 1, 1, "6",
         (Line("Awareness training and phishing simulation, per user", LineCategory.SERVICES, ExpenseType.OPEX,
               REC, "users", "2.75", Pricing.MARGIN, "35"),),
         ("hipaa", "security", "ransomware", "protect", "cmmc")),
    Plan("Second internet line with automatic failover",
         "A second line from another provider and a firewall that switches over by itself, so a cut cable "
         "does not stop the business.", InitiativeCategory.CONTINUITY, Priority.MEDIUM, 2, 1, "10",
         (Line("Failover appliance and installation", LineCategory.HARDWARE, ExpenseType.CAPEX, ONE, "1", "650.00",
               Pricing.MARKUP, "25"),
          Line("Backup internet circuit", LineCategory.SERVICES, ExpenseType.OPEX, REC, "1", "189.00",
               Pricing.MARGIN, "15")),
         ("running", "around the clock", "second office", "warehouse")),
    Plan("Managed detection and response on every computer",
         "Security analysts watch every computer day and night and isolate one that behaves like it is being "
         "attacked, before ransomware spreads.", InitiativeCategory.SECURITY, Priority.HIGH, 3, 1, "12",
         (Line("Endpoint detection and response, per endpoint", LineCategory.SERVICES, ExpenseType.OPEX, REC,
               "endpoints", "7.50", Pricing.MARGIN, "30"),
          Line("Roll-out and tuning", LineCategory.LABOR, ExpenseType.OPEX, ONE, "6", "95.00", Pricing.MARKUP,
               "40")),
         ("ransomware", "protect", "security", "cmmc", "defence")),
    Plan("Cloud phone system for the front office",
         "Replace the old phone system with a cloud service: calls follow staff to their laptop or mobile, and "
         "the front desk sees who is calling.", InitiativeCategory.PRODUCTIVITY, Priority.MEDIUM, 5, 2, "16",
         (Line("Desk phones", LineCategory.HARDWARE, ExpenseType.CAPEX, ONE, "half", "120.00", Pricing.MARKUP,
               "30"),
          Line("Cloud voice licences, per user", LineCategory.SOFTWARE, ExpenseType.OPEX, REC, "users", "19.00",
               Pricing.MARKUP, "15", 1, 6)),
         ("phone", "front desk", "patients", "work securely")),
    Plan("Yearly disaster recovery rehearsal",
         "Once a year we restore the business from its backups on a quiet weekend and time it, so the recovery "
         "plan is proven, not assumed.", InitiativeCategory.CONTINUITY, Priority.MEDIUM, 4, 5, "24",
         (Line("Recovery rehearsal, year one", LineCategory.LABOR, ExpenseType.OPEX, ONE, "12", "110.00",
               Pricing.MARKUP, "30"),
          Line("Recovery rehearsal, year two", LineCategory.LABOR, ExpenseType.OPEX, ONE, "12", "110.00",
               Pricing.MARKUP, "30", 4)),
         ("ransomware", "running", "recover", "records")),
)

# Statuses of (recommendation, lifecycle, catalogue 1-5), by client; together they use every status.
VARIANTS = (
    (I.SCHEDULED, I.IDEA, I.IN_PROGRESS, I.APPROVED, I.PROPOSED, I.IDEA, I.SCHEDULED),
    (I.IN_PROGRESS, I.SCHEDULED, I.DONE, I.DECLINED, I.SCHEDULED, I.CANCELLED, I.IDEA),
    (I.APPROVED, I.IDEA, I.IN_PROGRESS, I.SCHEDULED, I.PROPOSED, I.PROPOSED, I.IDEA),
)
# Lakeshore: the failover was proposed and approved by the decision maker in the portal; the detection
# service and the phone system wait for their decision.
PORTAL_VARIANT = (I.SCHEDULED, I.IDEA, I.IN_PROGRESS, I.PROPOSED, I.PROPOSED, I.PROPOSED, I.IDEA)
PORTAL_APPROVED = "Second internet line with automatic failover"
PORTAL_NOTE = "Yes, please have it in place before the Evanston office opens."
# Work that has started or finished sits in the current quarter.
UNDER_WAY = (I.IN_PROGRESS, I.DONE)

# A recommendation's budget: its estimates, or these when it has none.
RECOMMENDATION_ONE_TIME = Decimal("950.00")
RECOMMENDATION_MONTHLY = Decimal("25.00")


def _quantity(spec: str, client: Client) -> Decimal:
    if spec == "users":
        return Decimal(client.user_count)
    if spec == "endpoints":
        return Decimal(client.endpoint_count or client.user_count)
    if spec == "half":
        return Decimal(max(2, client.user_count // 2))
    return Decimal(spec)


def _quote(lines: list[BudgetLine]) -> Decimal:
    """The price quoted for a proposal: its one-time lines plus a year of its recurring ones."""
    total = Decimal("0.00")
    for line in lines:
        price = line.quantity * unit_price(line.unit_cost, line.pricing, line.rate)
        total += price if line.kind == ONE else 12 * price
    return total.quantize(Decimal("0.01"))


def _objectives(client: Client, words: tuple[str, ...]) -> list[BusinessObjective]:
    return [o for o in BusinessObjective.objects.filter(client=client, archived_at__isnull=True).order_by("title")
            if any(w in o.title.lower() for w in words)][:2]


class _Seeder:
    def __init__(self, tally, *, client: Client, vcio: User, today: date):
        self.tally = tally
        self.client = client
        self.vcio = vcio
        self.quarters = client_horizon(client=client, today=today)
        self.today = today

    def q(self, index: int) -> Quarter:
        return self.quarters[min(index, len(self.quarters) - 1)]

    def line(self, initiative: Initiative | None, *, start: int, **fields) -> BudgetLine:
        line = budget_services.budget_line_create(client=self.client, actor=self.vcio, initiative=initiative,
                                                  start_quarter=self.q(start).start, **fields)
        self.tally.created["budget lines"] += 1
        return line

    def settle(self, initiative: Initiative, status: str, lines: list[BudgetLine]) -> Initiative:
        """Move a new idea to `status` as the vCIO would (a proposal gets its quoted price)."""
        if status == I.IDEA:
            return initiative
        fields = {"status": status}
        if status == I.PROPOSED:
            fields["proposal_amount"] = _quote(lines)
        return services.initiative_update(initiative=initiative, actor=self.vcio,
                                          expected_version=initiative.version, **fields)

    def from_recommendation(self, status: str) -> None:
        priority = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
        recs = sorted(selectors.recommendations_off_roadmap(client=self.client),
                      key=lambda r: (priority.get(r.priority, 3), r.title))
        if not recs:
            return
        rec: Recommendation = recs[0]
        (initiative,) = services.initiatives_from_recommendations(client=self.client, actor=self.vcio,
                                                                  recommendations=[rec])
        self.tally.created["initiatives"] += 1
        start = 0 if status in UNDER_WAY else 1
        initiative = services.initiative_update(
            initiative=initiative, actor=self.vcio, expected_version=initiative.version,
            start_quarter=self.q(start).start, end_quarter=self.q(start + 1).start, owner=self.vcio,
            category=InitiativeCategory.SECURITY, estimated_hours=Decimal("16"))
        lines = [
            self.line(initiative, start=start, description=f"{rec.title[:150]}: project work",
                      category=LineCategory.LABOR, expense_type=ExpenseType.OPEX, kind=ONE, quantity=Decimal("1"),
                      unit_cost=rec.one_time_cost or RECOMMENDATION_ONE_TIME, pricing=Pricing.MARKUP,
                      rate=Decimal("25")),
            self.line(initiative, start=start + 1, description=f"{rec.title[:150]}: monitoring",
                      category=LineCategory.SERVICES, expense_type=ExpenseType.OPEX, kind=REC, quantity=Decimal("1"),
                      unit_cost=rec.monthly_cost or RECOMMENDATION_MONTHLY, pricing=Pricing.MARGIN,
                      rate=Decimal("30")),
        ]
        self.settle(initiative, status, lines)

    def from_lifecycle(self, status: str) -> None:
        low, high = (self.today + timedelta(days=d) for d in LIFECYCLE_WINDOW)
        suggestions = [s for s in selectors.lifecycle_suggestions(client=self.client, quarters=self.quarters)
                       if low <= s.due_date <= high]
        if not suggestions:
            return
        s = min(suggestions, key=lambda s: (s.due_date, s.asset.name))
        initiative = budget_services.lifecycle_accept(client=self.client, actor=self.vcio,
                                                      suggestions=[(s.asset.pk, s.reason, s.due_date)])
        self.tally.created["initiatives"] += 1
        self.tally.created["budget lines"] += 1
        self.tally.created["lifecycle decisions"] += 1
        lines = []
        # Accepted lines come at cost; hardware is sold with a markup (DOMAIN.md: markup, not margin).
        for line in BudgetLine.objects.filter(initiative=initiative):
            lines.append(budget_services.budget_line_update(line=line, actor=self.vcio, expected_version=line.version,
                                                            rate=Decimal("20")))
        self.settle(initiative, status, lines)

    def from_catalogue(self, plan: Plan, status: str) -> Initiative:
        start = 0 if status in UNDER_WAY else plan.start
        initiative = services.initiative_create(
            client=self.client, actor=self.vcio, title=plan.title, description=plan.description,
            category=plan.category, priority=plan.priority, start_quarter=self.q(start).start,
            end_quarter=self.q(start + plan.span - 1).start if plan.span > 1 else None, owner=self.vcio,
            estimated_hours=Decimal(plan.hours), objectives=_objectives(self.client, plan.answers))
        self.tally.created["initiatives"] += 1
        lines = [self.line(initiative, start=start + spec.start, description=spec.description,
                           category=spec.category, expense_type=spec.expense_type, kind=spec.kind,
                           quantity=_quantity(spec.quantity, self.client), unit_cost=Decimal(spec.unit_cost),
                           pricing=spec.pricing, rate=Decimal(spec.rate),
                           end_quarter=self.q(start + spec.end).start if spec.end is not None else None)
                 for spec in plan.lines]
        return self.settle(initiative, status, lines)


def _existing(tally, client: Client) -> bool:
    found = Initiative.objects.filter(client=client).count()
    if not found:
        return False
    tally.existing["initiatives"] += found
    tally.existing["budget lines"] += BudgetLine.objects.filter(client=client).count()
    tally.existing["lifecycle decisions"] += LifecycleDecision.objects.filter(client=client).count()
    return True


def _portal_user(client: Client) -> User | None:
    access = (ClientAccess.objects.filter(client=client, email__iexact=PORTAL_EMAIL, accepted_at__isnull=False,
                                          revoked_at__isnull=True).select_related("user").first())
    return access.user if access else None


def _client_plan(tally, *, client: Client, vcio: User, today: date, variant: tuple) -> None:
    seeder = _Seeder(tally, client=client, vcio=vcio, today=today)
    seeder.from_recommendation(variant[0])
    seeder.from_lifecycle(variant[1])
    made = [seeder.from_catalogue(plan, status) for plan, status in zip(CATALOGUE, variant[2:], strict=True)]
    decider = _portal_user(client) if client.name == PORTAL_CLIENT else None
    if decider is not None:
        chosen = next(i for i in made if i.title == PORTAL_APPROVED)
        services.initiative_decide(initiative=chosen, actor=decider, decision=I.APPROVED, note=PORTAL_NOTE)


def _present(tally, *, client: Client, vcio: User) -> None:
    found = BudgetVersion.objects.filter(client=client).count()
    if found:
        tally.existing["budget versions"] += found
        return
    budget_services.budget_present(client=client, actor=vcio, note=PRESENT_NOTE)
    tally.created["budget versions"] += 1


def _roadmap_pdf(tally, *, client: Client, vcio: User, today: date) -> None:
    found = Document.objects.filter(client=client, kind=DocumentKind.ROADMAP).count()
    if found:
        tally.existing["roadmap documents"] += found
        return
    reports.roadmap_report_make(client=client, actor=vcio, publish=True, today=today)
    tally.created["roadmap documents"] += 1


def demo_roadmaps_seed(tally, *, clients: list[Client], vcios: dict[str, User], today: date) -> None:
    """Roadmaps and budgets for the active `clients` (inside the MSP's scope)."""
    active = sorted((c for c in clients if c.status == ClientStatus.ACTIVE and not c.archived_at),
                    key=lambda c: c.name)
    fallback = next(iter(vcios.values()))
    for index, client in enumerate(active):
        vcio = client.vcio or fallback
        if not _existing(tally, client):
            variant = PORTAL_VARIANT if client.name == PORTAL_CLIENT else VARIANTS[index % len(VARIANTS)]
            _client_plan(tally, client=client, vcio=vcio, today=today, variant=variant)
        if index < PRESENTED_CLIENTS or client.name == PORTAL_CLIENT:
            _present(tally, client=client, vcio=vcio)
        if client.name == PORTAL_CLIENT:
            _roadmap_pdf(tally, client=client, vcio=vcio, today=today)
