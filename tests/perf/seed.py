"""The bench seeder: an MSP at a realistic scale, written in bulk.

`seed_msp(scale)` builds one MSP with its vCIOs, TAMs, standards library, clients and their history:
completed alignment reviews with every answer, an open review per client, initiatives, budget lines, a year of
held meetings and a survey campaign with responses. Rows are validated in bulk before they are written (field
rules of each model with `clean_fields`, foreign keys by construction, choices and uniqueness by set checks on
the answers), then inserted with `bulk_create`; the answers, by far the largest table, go through COPY into a
table whose triggers are off for the load and, when it is empty, whose secondary indexes and foreign keys are
built and validated once after it (`loading`). History triggers are left out for the seed (it stands for data
imported long ago); the database's own constraints still hold every row.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from alignment import scoring
from alignment.choices import Response, ReviewStatus
from alignment.models import Answer, Recommendation, Review
from budgets.choices import LineDecision, LineKind, Pricing
from budgets.models import BudgetLine
from clients.choices import ClientStatus
from clients.models import Client, Contact
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from msp.models import Membership, Msp, User
from msp.roles import Role
from roadmaps.choices import InitiativeStatus
from roadmaps.models import Initiative
from standards.choices import Priority
from standards.models import Category, Standard, StandardRevision
from surveys.models import Survey, SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion, SurveyResponse

PASSWORD = "Bench!2026pass"  # noqa: S105 - the bench's sign-in, also used by the load run


@dataclass(frozen=True)
class Scale:
    vcios: int = 10
    clients: int = 400
    categories: int = 12
    standards_per_category: int = 7
    completed_reviews: int = 36
    initiatives: int = 20
    budget_lines: int = 60
    contacts: int = 3


LARGE = Scale()
SMALL = Scale(vcios=1, clients=40)


@dataclass
class Seeded:
    msp: Msp
    owner: User
    vcios: list[User] = field(default_factory=list)
    tams: list[User] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    answers: int = 0

    def counts(self) -> dict[str, int]:
        return {"clients": len(self.clients), "answers": self.answers}


def validate(objs: Sequence[models.Model]) -> None:
    """The models' field rules (lengths, choices, validators) on every object, without a query per foreign key:
    the seeder builds each relation from objects it holds."""
    if not objs:
        return
    fks = [f.name for f in objs[0]._meta.concrete_fields if f.is_relation]
    for obj in objs:
        obj.clean_fields(exclude=fks)


def bulk(model: type[models.Model], objs: list, batch: int = 2000) -> list:
    validate(objs)
    return model.objects.bulk_create(objs, batch_size=batch)


def copy_in(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write rows (tuples of the `columns`' attribute values) with COPY: the bulk path for the answers, over a
    million rows in seconds."""
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:  # noqa: S608 - names from the model
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _table_empty(model: type[models.Model]) -> bool:
    return not model._base_manager.exists()


@contextmanager
def loading(model: type[models.Model], *, rebuild: bool) -> Iterator[None]:
    """Load a large table in bulk. Its pgtrigger triggers are off meanwhile: under `pgtrigger.ignore()` (the
    whole seed) they do nothing, but they would still run once per row. With `rebuild` (an empty table) its
    secondary indexes and foreign keys are dropped too, then each index is built in one pass and each key
    checked by one VALIDATE over the whole table, instead of an index insert and a deferred check per row
    and key. The table ends as its migrations made it; a row that breaks a key still fails the seed."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    keys, indexes = [], []
    with connection.cursor() as cursor:
        # A table with checks pending may not be altered (nor, for a key, the table it points to): the checks
        # of the rows written so far run first, here and before the table is put back.
        _run_pending_checks(cursor)
        if rebuild:
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [table])
            keys = cursor.fetchall()
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                           "AND tablename = %s AND indexname NOT IN "
                           "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
                           [table, table])
            indexes = cursor.fetchall()
            for name, _ in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        _run_pending_checks(cursor)
        cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition} NOT VALID")
            cursor.execute(f"ALTER TABLE {quote(table)} VALIDATE CONSTRAINT {quote(name)}")


def _run_pending_checks(cursor) -> None:
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_quarters(day: date, n: int) -> date:
    months = day.month - 1 + 3 * n
    return date(day.year + months // 12, months % 12 + 1, 1)


FISCAL_MONTHS = (1, 1, 4, 7, 10, 2)
RESPONSES = [Response.ALIGNED] * 15 + [Response.MISALIGNED] * 4 + [Response.NOT_APPLICABLE]
PRIORITIES = [Priority.HIGH, Priority.MEDIUM, Priority.MEDIUM, Priority.LOW]


def seed_msp(*, name: str, slug: str, scale: Scale, now: datetime | None = None, seed: int = 7) -> Seeded:
    """One MSP at `scale`, all in bulk. Deterministic for a given `seed`."""
    rng = random.Random(seed)  # noqa: S311 - figures, not secrets
    now = now or timezone.now()
    today = now.date()
    password = make_password(PASSWORD)  # hashed once, shared by every bench account
    with transaction.atomic(), scopes_disabled(), pgtrigger.ignore():
        # Two-factor sign-in off: the bench signs its people in with a password only.
        msp = Msp.objects.create(name=name, slug=slug, mfa_required=False)
        users: list[User] = []

        def user(email: str, full_name: str) -> User:
            u = User(email=email, full_name=full_name, password=password)
            users.append(u)
            return u

        owner = user(f"owner@{slug}.test", f"{name} Owner")
        vcios = [user(f"vcio{i}@{slug}.test", f"vCIO {i}") for i in range(scale.vcios)]
        tams = [user(f"tam{i}@{slug}.test", f"TAM {i}") for i in range(scale.vcios)]
        bulk(User, users)
        bulk(Membership, [Membership(msp=msp, user=owner, role=Role.OWNER)]
             + [Membership(msp=msp, user=u, role=Role.VCIO) for u in vcios]
             + [Membership(msp=msp, user=u, role=Role.TAM) for u in tams])
        out = Seeded(msp=msp, owner=owner, vcios=vcios, tams=tams)

        # The standards library: categories of standards, each with its first text revision.
        categories = bulk(Category, [Category(msp=msp, name=f"Category {i:02d}", position=i)
                                     for i in range(scale.categories)])
        standards = bulk(Standard, [
            Standard(msp=msp, category=c, name=f"{c.name} standard {j}", question=f"Is control {i}.{j} in place?",
                     why="An unmet control is a business risk.", how="Check the console.",
                     priority=PRIORITIES[(i + j) % len(PRIORITIES)], tags=["bench"])
            for i, c in enumerate(categories) for j in range(scale.standards_per_category)])
        revisions = bulk(StandardRevision, [
            StandardRevision(msp=msp, standard=s, number=1, question=s.question, why=s.why, how=s.how)
            for s in standards])
        pinned = list(zip(standards, revisions, strict=True))

        clients = bulk(Client, [
            Client(msp=msp, name=f"{name} client {i:04d}", status=ClientStatus.ACTIVE,
                   mrr=Decimal(2000 + 100 * (i % 30)), user_count=10 + i % 60, complexity=1 + i % 5,
                   vcio=vcios[i % scale.vcios], tam=tams[i % scale.vcios], industry="Dental",
                   fiscal_year_start_month=FISCAL_MONTHS[i % len(FISCAL_MONTHS)])
            for i in range(scale.clients)])
        out.clients = clients
        contacts = bulk(Contact, [
            Contact(msp=msp, client=c, name=f"Person {j}", email=f"p{j}.{i}@{slug}-clients.test",
                    is_decision_maker=j == 0)
            for i, c in enumerate(clients) for j in range(scale.contacts)])

        # Completed reviews, monthly back from today, then one open review per client.
        reviews: list[Review] = []
        for i, c in enumerate(clients):
            tam = tams[i % scale.vcios]
            for k in range(scale.completed_reviews, 0, -1):
                done = now - timedelta(days=30 * k - i % 25)
                reviews.append(Review(msp=msp, client=c, title=f"Alignment review {k}", tam=tam,
                                      scheduled_for=done.date(), status=ReviewStatus.COMPLETED,
                                      started_at=done - timedelta(hours=2), completed_at=done, completed_by=tam))
            reviews.append(Review(msp=msp, client=c, title="Alignment review (open)", tam=tam,
                                  scheduled_for=today + timedelta(days=7 + i % 20), status=ReviewStatus.SCHEDULED))
        # The answers stream into COPY review by review (foreign keys are checked at commit, so the reviews,
        # which carry the score of their answers, are written after them).
        checker = _AnswerCheck()

        def answer_rows():
            for review in reviews:
                completed = review.status == ReviewStatus.COMPLETED
                rows = []
                for position, (s, rev) in enumerate(pinned, start=1):
                    response = rng.choice(RESPONSES) if completed else ""
                    rows.append((uuid.uuid4(), msp.pk, now, now, 1, review.pk, s.pk, rev.pk, s.category_id,
                                 s.priority, position, response, "", review.tam_id if completed else None,
                                 review.completed_at if completed else None))
                checker.check(rows)
                if completed:
                    review.score = scoring.score((row[11], row[9]) for row in rows)
                yield from rows

        # The first MSP seeded fills the empty answers table: it is rebuilt around the load (see loading).
        with loading(Answer, rebuild=_table_empty(Answer)):
            out.answers = copy_in(Answer, ANSWER_COLUMNS, answer_rows())
            bulk(Review, reviews)

        # Recommendations from the latest review's findings (two a client).
        latest = {r.client_id: r for r in reviews if r.status == ReviewStatus.COMPLETED}
        bulk(Recommendation, [
            Recommendation(msp=msp, client=c, review=latest[c.pk], title=f"Recommendation {k}", created_by=c.vcio)
            for c in clients for k in range(2)])

        # The plan: initiatives over the 12 quarters ahead and budget lines, a third tied to an initiative.
        first = _quarter_start(today)
        statuses = [InitiativeStatus.PROPOSED, InitiativeStatus.APPROVED, InitiativeStatus.IDEA,
                    InitiativeStatus.SCHEDULED, InitiativeStatus.DECLINED]
        initiatives = bulk(Initiative, [
            Initiative(msp=msp, client=c, title=f"Initiative {k}", status=statuses[k % len(statuses)],
                       start_quarter=_add_quarters(first, k % 12), end_quarter=_add_quarters(first, k % 12),
                       owner=c.vcio, estimated_hours=Decimal(8 + k),
                       archived_at=now if k % 9 == 8 else None)
            for c in clients for k in range(scale.initiatives)])
        by_client: dict[uuid.UUID, list[Initiative]] = {}
        for ini in initiatives:
            by_client.setdefault(ini.client_id, []).append(ini)
        lines = []
        for c in clients:
            for k in range(scale.budget_lines):
                recurring = k % 4 == 0
                # Some lines start before the horizon or end after it; some recurring ones never end.
                start = _add_quarters(first, k % 14 - 1)
                decision = (LineDecision.APPROVED if k % 5 == 0 else LineDecision.DECLINED if k % 7 == 0
                            else LineDecision.PROPOSED)
                lines.append(BudgetLine(
                    msp=msp, client=c, initiative=by_client[c.pk][k % scale.initiatives] if k % 3 == 0 else None,
                    description=f"Line {k}", kind=LineKind.RECURRING if recurring else LineKind.ONE_TIME,
                    start_quarter=start,
                    end_quarter=_add_quarters(start, k % 6) if recurring and k % 8 else None,
                    quantity=Decimal(1 + k % 10) + Decimal("0.25") * (k % 2),
                    unit_cost=Decimal("49.99") * (1 + k % 20),
                    pricing=Pricing.MARGIN if k % 2 else Pricing.MARKUP, rate=Decimal("17.5") + k % 3,
                    decision=decision,
                    decided_at=None if decision == LineDecision.PROPOSED else now - timedelta(days=k),
                    archived_at=now if k % 11 == 10 else None))
        bulk(BudgetLine, lines)

        # A year of held meetings: pre-planning, strategy and four QBRs a client.
        meetings = []
        year_kinds = [MeetingKind.PRE_PLANNING, MeetingKind.STRATEGY] + [MeetingKind.QBR] * 4
        for i, c in enumerate(clients):
            for k, kind in enumerate(year_kinds):
                at = (now - timedelta(days=360 - 60 * k + i % 20)).replace(hour=15, minute=0, second=0,
                                                                           microsecond=0)
                meetings.append(Meeting(msp=msp, client=c, kind=kind, status=MeetingStatus.HELD, title=kind.label,
                                        starts_at=at, duration_minutes=60, time_zone="UTC", organizer=c.vcio,
                                        tam=c.tam, held_at=at + timedelta(hours=1),
                                        decision_maker_attended=k % 3 != 2))
        bulk(Meeting, meetings)

        # The survey: a campaign sent this year, every client's contacts invited, one answer a client.
        survey = Survey.objects.create(msp=msp, name="Client satisfaction", is_default=True)
        questions = bulk(SurveyQuestion, [SurveyQuestion(msp=msp, survey=survey, position=p, text=f"Question {p}")
                                          for p in (1, 2, 3)])
        sent = now - timedelta(days=40)
        campaign = SurveyCampaign.objects.create(msp=msp, survey=survey, year=sent.year, send_on=sent.date(),
                                                 status="closed", sent_at=sent, closed_at=sent + timedelta(days=30))
        invitations = bulk(SurveyInvitation, [
            SurveyInvitation(msp=msp, campaign=campaign, client_id=ct.client_id, contact=ct, email=ct.email,
                             sent_at=sent, expires_at=sent + timedelta(days=30),
                             answered_at=sent + timedelta(days=3) if ct.is_decision_maker else None)
            for ct in contacts])
        responses = bulk(SurveyResponse, [
            SurveyResponse(msp=msp, invitation=inv, campaign=campaign, client_id=inv.client_id,
                           submitted_at=inv.answered_at)
            for inv in invitations if inv.answered_at])
        bulk(SurveyAnswer, [SurveyAnswer(msp=msp, response=r, question=q, score=5 + (n + q.position) % 6)
                            for n, r in enumerate(responses) for q in questions])
    return out


ANSWER_COLUMNS = ("id", "msp", "created_at", "updated_at", "version", "review", "standard", "revision", "category",
                  "priority", "position", "response", "note", "answered_by", "answered_at")


class _AnswerCheck:
    """The answers' rules, in bulk: known response and priority, one answer per standard in a review, and every
    field rule of the model on the first answer of each review (a review's rows differ only in those values)."""

    responses = frozenset(Response.values) | {""}
    priorities = frozenset(Priority.values)

    def check(self, rows: Sequence[tuple]) -> None:
        if len({row[6] for row in rows}) != len(rows):
            raise ValueError("Two answers to one standard in a review.")
        for row in rows:
            if row[11] not in self.responses or row[9] not in self.priorities:
                raise ValueError(f"Invalid answer {row[11]!r} / {row[9]!r}.")
        values = dict(zip(ANSWER_COLUMNS, rows[0], strict=True))
        Answer(**{Answer._meta.get_field(k).attname: v for k, v in values.items()}).clean_fields(
            exclude=["msp", "review", "standard", "revision", "category", "answered_by"])
