"""The victim tenant, its sentinels and its ids, and the attackers.

The victim is the MSP "Alpha" with two clients: client A, whose rows every attacker tries to reach, and
client B, whose portal user is one of the attackers. Every tenant model of the project gets at least one
victim row (`build_victim_rows`); afterwards every text column of every victim row, history events and
link tables included, is overwritten with a unique sentinel (`plant_sentinels`). A response may then be
judged by content alone: any sentinel or victim id an attacker is not entitled to is a leak.

New tenant models and text columns join by themselves: `coverage_problems` lists a tenant model with no
victim row, a text column that received no sentinel and a column of a type the harness does not know.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.utils import timezone
from django_scopes import scopes_disabled

from alignment.models import Answer, Evidence, Recommendation, Review
from budgets.models import BudgetLine, BudgetVersion
from clients.documents import sha256_hex
from clients.models import Document
from meetings.feeds import calendar_feed_create
from meetings.models import ActionItem, Meeting, MeetingAttendee, QuestionnaireAnswer, QuestionnaireStatement, Touch
from msp.models import Activity, ApiToken, IdempotencyKey, Job, Membership, Msp, Notification, User
from msp.roles import Role
from msp.services import api_token_create, invitation_create
from playbook.models import Escalation, Objective, PracticeAssessment
from roadmaps.models import Initiative, LifecycleDecision
from standards.models import StandardRevision
from surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from tests import factories as f
from tests.conftest import Tenant, build_tenant

ROOT = Path(settings.BASE_DIR).resolve()
SENTINEL_RE = re.compile(r"sntl-(\d{4})", re.IGNORECASE)
# A whole sentinel as written into a text column (for replacing the victim's words in a file).
SENTINEL_TEXT_RE = re.compile(r"(?:https://victim\.test/|/victim/)?sntl-\d{4}(?:-[a-z_]+)*(?:@victim\.test|/)?",
                              re.IGNORECASE)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
PDF = b"%PDF-1.4\n% isolation harness\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

# Text columns that keep their value, each with the reason. Everything else of type char/text/JSON
# receives a sentinel; a column with `choices` keeps its value too (the choices are the same constants
# in every tenant, so they identify nobody).
EXEMPT_COLUMNS = {
    "*.pgh_label": "pghistory's own event label (insert/update), the same words in every tenant",
    "clients.ClientAccess.token_hash": "a SHA-256 digest of the invitation secret, never shown",
    "msp.Invitation.token_hash": "a SHA-256 digest of the invitation secret, never shown",
    "clients.Document.checksum": "the file's SHA-256, checked on every download (the portal user's "
                                 "download of the victim document must work)",
    "clients.Document.content_type": "sent as the download's Content-Type header",
    "clients.DocumentEvent.checksum": "history copy of the file's SHA-256",
    "clients.DocumentEvent.content_type": "history copy of the download's media type",
    "alignment.Evidence.content_type": "sent as the photo's Content-Type header",
    "alignment.EvidenceEvent.content_type": "history copy of the photo's media type",
    "meetings.CalendarFeed.key_hash": "a SHA-256 digest of the calendar address's key, never shown",
    "msp.Job.kind": "selects the code that reads the job's result (a registry key, not text)",
    "msp.JobEvent.kind": "history copy of the job's registry key",
    "meetings.Meeting.time_zone": "an IANA zone name every page and invitation converts the meeting's times "
                                  "with (the same names in every tenant)",
    "meetings.MeetingEvent.time_zone": "history copy of the meeting's zone name",
}

TEXT_TYPES = (models.CharField, models.TextField, models.JSONField, ArrayField)
# Column types that hold no free text: ids, numbers, dates, flags and file paths (made of ids).
PLAIN_TYPES = (models.UUIDField, models.ForeignKey, models.OneToOneField, models.DateTimeField, models.DateField,
               models.DecimalField, models.IntegerField, models.BooleanField, models.FileField, models.AutoField,
               models.BigAutoField, models.FloatField, models.DurationField, models.TimeField)
JSON_TEXT_KEYS = {"description", "title", "name", "note", "text", "message", "label_text"}


@dataclass(frozen=True)
class Sentinel:
    number: int
    where: str  # app_label.Model.field or a description
    row: str
    client_id: uuid.UUID | None  # the client the row belongs to; None: MSP-wide or a person's
    msp_wide: bool = False  # readable by every member of the victim MSP (the MSP's own name)
    user_id: int | None = None  # a person's own row: readable by that person


@dataclass
class World:
    victim: Tenant
    attacker: Tenant
    client_a: object
    client_b: object
    portal_a: User
    portal_b: User
    owner_token: str = ""
    invitation_token: str = ""
    objects: dict = field(default_factory=dict)  # model label -> the victim row a URL placeholder stands for
    sentinels: dict = field(default_factory=dict)  # number -> Sentinel
    ids: dict = field(default_factory=dict)  # victim uuid (str, lower) -> client id or None
    ids_msp_wide: set = field(default_factory=set)  # ids every member of the victim MSP may see
    staff_user_ids: set = field(default_factory=set)  # the victim MSP's people (no attacker among them)
    bystander_msp_ids: set = field(default_factory=set)  # the victim owner's other workspace: not an attacker
    exempt_used: set = field(default_factory=set)
    problems: list = field(default_factory=list)

    # --- who may see what -----------------------------------------------------------------------------

    def forbidden_sentinels(self, text: str, *, portal_client=None, portal_user=None) -> list[Sentinel]:
        found = []
        for match in SENTINEL_RE.finditer(text):
            s = self.sentinels.get(int(match.group(1)))
            if s is None:
                found.append(Sentinel(int(match.group(1)), "an unknown sentinel", "?", None))
                continue
            if portal_client is not None and (s.client_id == portal_client or s.msp_wide or
                                              (s.user_id is not None and s.user_id == portal_user)):
                continue
            found.append(s)
        return found

    def forbidden_ids(self, text: str, *, sent: str = "", portal_client=None) -> list[str]:
        sent_ids = {m.lower() for m in UUID_RE.findall(sent)}
        out = []
        for match in {m.lower() for m in UUID_RE.findall(text)}:
            if match not in self.ids or match in sent_ids:
                continue
            if portal_client is not None and (self.ids[match] == portal_client or match in self.ids_msp_wide):
                continue
            out.append(match)
        return sorted(out)


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the project's own apps (history event models included)."""
    out = []
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(ROOT):
            continue
        for model in config.get_models():
            if not model._meta.proxy and not model._meta.abstract:
                out.append(model)
    return out


def tenant_models() -> list[type[models.Model]]:
    return [m for m in project_models() if any(f.name == "msp" for f in m._meta.concrete_fields)]


def is_event_model(model) -> bool:
    return hasattr(model, "pgh_tracked_model")


def client_path_of(model) -> str | None:
    """How a row of `model` reaches its client (None: it belongs to no client)."""
    if is_event_model(model):
        path = getattr(model.pgh_tracked_model, "client_path", None)
        if path is None:
            return None
        return "pgh_obj_id" if path == "pk" else f"pgh_obj__{path}"
    path = getattr(model, "client_path", None)
    if path is None and model is Membership:
        return None
    return path


# --- building the victim -----------------------------------------------------------------------------


def _large_user_ids() -> None:
    """People get ids of six digits or more: a form's small numbers (a month, a count) never read as a
    victim's user id when the harness swaps the victim's ids for ids that exist nowhere."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('msp_user', 'id'), "
                       "greatest(nextval(pg_get_serial_sequence('msp_user', 'id')), 700000))")


def build_world() -> World:
    _large_user_ids()
    victim = build_tenant("Alpha", "alpha")
    attacker = build_tenant("Bravo", "bravo")
    # Owners and vCIOs have a second factor, so an MSP that requires one (a settings form posted in the
    # walk may turn that on) still lets them reach every page.
    for t in (victim, attacker):
        for role in (Role.OWNER, Role.VCIO):
            TOTP.activate(t.users[role], generate_totp_secret())
    with scopes_disabled():
        client_a, client_b = victim.clients
        contact_b = f.ContactFactory(client=client_b, name="Second client boss", email="boss2@alpha-client.test")
        portal_b = f.UserFactory(email="client2@alpha.test")
        f.MembershipFactory(msp=victim.msp, user=portal_b, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact_b, user=portal_b)
        # A second workspace of the victim's owner: the workspace switcher then renders a form whose
        # choices carry the victim MSP's id, which the attackers post back.
        charlie = f.MspFactory(name="Charlie", slug="charlie")
        f.MembershipFactory(msp=charlie, user=victim.users[Role.OWNER], role=Role.OWNER)
    world = World(victim=victim, attacker=attacker, client_a=client_a, client_b=client_b,
                  portal_a=victim.users[Role.CLIENT], portal_b=portal_b, bystander_msp_ids={charlie.pk})
    build_victim_rows(world)
    plant_sentinels(world)
    return world


def build_victim_rows(world: World) -> None:
    """At least one row of every tenant model for the victim MSP; client A's rows are the targets.

    A new tenant model gets its rows here (the coverage test names it otherwise)."""
    t, client, client_b = world.victim, world.client_a, world.client_b
    msp, owner, vcio, tam = t.msp, t.users[Role.OWNER], t.users[Role.VCIO], t.users[Role.TAM]
    q1 = dt.date(2027, 1, 1)
    with scopes_disabled():
        invitation, world.invitation_token = invitation_create(msp=msp, email="pending@alpha.test", role=Role.TAM,
                                                               actor=owner)
        token, world.owner_token = api_token_create(membership=Membership.objects.get(msp=msp, user=owner),
                                                    name="Alpha sync")
        job = Job.objects.create(msp=msp, kind="asset_import", title="Import alpha-assets.csv", created_by=owner,
                                 payload={"text": "name\nAlpha secret asset\n"}, result={"created": 1},
                                 error="row 2: bad", message="Checked 1 of 1 rows", subject_id=client.pk,
                                 subject_label=client.name, subject_url=f"/clients/{client.pk}/")
        Notification.objects.create(msp=msp, user=vcio, title="Alpha review completed", body="All answered",
                                    url=f"/clients/{client.pk}/")
        # The owner's own: the owner is the rightful user of every staff route in the victim's visit.
        notification = Notification.objects.create(msp=msp, user=owner, title="For the owner", body="Owner note",
                                                   url="/")
        # A finished export of the MSP's data, with its zip in the storage (the download route's row).
        export_job = Job.objects.create(msp=msp, kind="msp_export", title="Export of Alpha", created_by=owner,
                                        status="succeeded", finished_at=timezone.now(), message="Exported",
                                        result={"rows": 1, "records": {"export": f"exports/{msp.pk}/alpha.zip"}})
        default_storage.delete(f"exports/{msp.pk}/alpha.zip")
        default_storage.save(f"exports/{msp.pk}/alpha.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
        idempotency_key = IdempotencyKey.objects.create(
            msp=msp, user=owner, key="alpha-key-1", request_hash="0" * 64, status_code=201,
            content_type="application/json", headers={"Location": f"/api/v1/clients/{client.pk}/"},
            body='{"name": "Alpha secret client"}')
        category = f.CategoryFactory(msp=msp, name="Alpha Firewalls", description="Perimeter")
        empty_category = f.CategoryFactory(msp=msp, name="Alpha Backup", description="Copies")  # no standards
        f.ContactFactory(client=client, name="Alpha second contact", email="second@alpha-client.test")
        # An asset whose warranty ends soon: a lifecycle suggestion to accept or dismiss.
        f.AssetFactory(client=client, name="Alpha old switch",
                       warranty_end=timezone.localdate() + dt.timedelta(days=60))
        framework = f.FrameworkFactory(msp=msp, code="ALPHAFW", name="Alpha framework")
        standard = f.StandardFactory(category=category, name="Alpha secret standard",
                                     question="Is the Alpha vault locked?",
                                     reference_url="https://alpha.test/standard")
        standard.frameworks.add(framework, through_defaults={"msp": msp})
        revision = StandardRevision.objects.get(standard=standard)
        review = Review.objects.create(msp=msp, client=client, title="Alpha review 2026", tam=tam, status="in_progress",
                                       summary="Alpha summary", created_by=vcio)
        review.scope_categories.add(category, through_defaults={"msp": msp})
        answer = Answer.objects.create(msp=msp, review=review, standard=standard, revision=revision,
                                       category=category, priority="high", response="misaligned",
                                       note="Alpha vault open")
        evidence = Evidence.objects.create(msp=msp, answer=answer, content_type="image/png", size=len(PNG),
                                           original_name="alpha.png", image=ContentFile(PNG, name="alpha.png"))
        recommendation = Recommendation.objects.create(msp=msp, client=client, review=review,
                                                       title="Alpha recommendation", description="Close it",
                                                       impact_description="Risk")
        recommendation.findings.add(answer, through_defaults={"msp": msp})
        Recommendation.objects.create(msp=msp, client=client, review=review, title="Alpha second recommendation")
        document = Document.objects.create(msp=msp, client=client, kind="alignment_report", title="Alpha report",
                                           checksum=sha256_hex(PDF), size=len(PDF),
                                           file=ContentFile(PDF, name="alpha.pdf"), created_by=vcio,
                                           published_at=timezone.now(), published_by=vcio, source_id=review.pk)
        initiative = Initiative.objects.create(msp=msp, client=client, title="Alpha initiative",
                                               description="Replace the firewall", status="proposed",
                                               start_quarter=q1, decision_note="", created_by=vcio)
        initiative.recommendations.add(recommendation, through_defaults={"msp": msp})
        initiative.objectives.add(t.objective, through_defaults={"msp": msp})
        initiative.assets.add(t.asset, through_defaults={"msp": msp})
        line = BudgetLine.objects.create(msp=msp, client=client, initiative=initiative, description="Alpha firewall",
                                         start_quarter=q1, unit_cost=Decimal("1234.00"))
        free_line = BudgetLine.objects.create(msp=msp, client=client, description="Alpha laptops", start_quarter=q1,
                                              unit_cost=Decimal("800.00"), decision_note="")
        version = BudgetVersion.objects.create(
            msp=msp, client=client, number=1, note="First presentation", presented_by=vcio,
            presented_at=timezone.now(),
            snapshot={"lines": [{"description": "Alpha firewall"}], "quarters": [], "years": [], "total": {}})
        decision = LifecycleDecision.objects.create(msp=msp, client=client, asset=t.asset, reason="warranty_end",
                                                    due_date=q1, decision="dismissed", decided_by=vcio)
        activity = Activity.objects.create(msp=msp, kind="review_completed", actor=tam, client_id=client.pk,
                                           subject_id=review.pk)
        meeting = Meeting.objects.create(msp=msp, client=client, kind="qbr", title="Alpha QBR",
                                         starts_at=timezone.now() + dt.timedelta(days=7), time_zone=msp.time_zone,
                                         organizer=vcio, location="Alpha boardroom", agenda="Alpha agenda",
                                         notes="Alpha notes", outcome="Alpha outcome")
        attendee = MeetingAttendee.objects.create(msp=msp, meeting=meeting, contact=t.contact)
        action_item = ActionItem.objects.create(msp=msp, meeting=meeting, client=client, text="Alpha action",
                                                owner=vcio, due_on=q1)
        touch = Touch.objects.create(msp=msp, client=client, kind="call", by=vcio, contact=t.contact,
                                     note="Alpha touch note")
        objective = Objective.objects.create(msp=msp, vcio=vcio, year=2027, activity="touches", annual=480)
        escalation = Escalation.objects.create(msp=msp, client=client, vcio=vcio, occurred_on=dt.date(2026, 5, 4),
                                               summary="Alpha server down")
        statement = QuestionnaireStatement.objects.create(msp=msp, text="Alpha statement", service="Alpha service")
        answer_q = QuestionnaireAnswer.objects.create(msp=msp, meeting=meeting, statement=statement, selected=True,
                                                      answered_by=vcio)
        calendar_feed, world.calendar_key = calendar_feed_create(msp=msp, user=owner, actor=owner)
        # The survey: last year's campaign answered by client A's decision maker, this year's scheduled.
        survey = Survey.objects.create(msp=msp, name="Alpha survey", is_default=True)
        question = SurveyQuestion.objects.create(msp=msp, survey=survey, position=1, text="Alpha question?")
        SurveyQuestion.objects.create(msp=msp, survey=survey, position=2, text="Alpha second question?")
        # A second survey no campaign uses: the one the routes edit and archive.
        short_survey = Survey.objects.create(msp=msp, name="Alpha short survey")
        SurveyQuestion.objects.create(msp=msp, survey=short_survey, position=1, text="Alpha short question?")
        sent_campaign = SurveyCampaign.objects.create(msp=msp, survey=survey, year=2025, send_on=dt.date(2025, 3, 2),
                                                      status="sent", sent_at=timezone.now(), created_by=owner)
        campaign = SurveyCampaign.objects.create(msp=msp, survey=survey, year=2031, send_on=dt.date(2031, 3, 2),
                                                 created_by=owner)
        survey_invitation = SurveyInvitation.objects.create(
            msp=msp, campaign=sent_campaign, client=client, contact=t.contact, email="boss@alpha-client.test",
            sent_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=20), answered_at=timezone.now())
        survey_response = SurveyResponse.objects.create(msp=msp, invitation=survey_invitation,
                                                        campaign=sent_campaign, client=client,
                                                        comment="Alpha comment", follow_up=action_item)
        survey_answer = SurveyAnswer.objects.create(msp=msp, response=survey_response, question=question, score=6)
        assessment = PracticeAssessment.objects.create(msp=msp, year=2026, answers={"first_call": True},
                                                       evidence={"book_size": "Alpha evidence"},
                                                       notes="Alpha assessment notes", assessed_by=owner)
        # Client B's own rows: its portal user may see these and nothing of client A.
        Initiative.objects.create(msp=msp, client=client_b, title="B initiative", status="proposed",
                                  start_quarter=q1)
        BudgetLine.objects.create(msp=msp, client=client_b, description="B laptops", start_quarter=q1,
                                  unit_cost=Decimal("10.00"))
        Document.objects.create(msp=msp, client=client_b, kind="roadmap", title="B roadmap",
                                checksum=sha256_hex(PDF), size=len(PDF), file=ContentFile(PDF, name="b.pdf"),
                                published_at=timezone.now())
    world.objects = {
        "clients.Client": client, "clients.Contact": t.contact, "clients.BusinessObjective": t.objective,
        "clients.Asset": t.asset, "clients.ClientAccess": t.access, "clients.Document": document,
        "msp.Membership": Membership.objects.get(msp=msp, user=vcio), "msp.Invitation": invitation,
        "msp.ApiToken": token, "msp.Job": job, "msp.Job:export": export_job,
        "msp.IdempotencyKey": idempotency_key,
        "msp.Notification": notification, "msp.Activity": activity,
        "standards.Category": category, "standards.Framework": framework, "standards.Standard": standard,
        "standards.StandardRevision": revision, "alignment.Review": review, "alignment.Answer": answer,
        "alignment.Evidence": evidence, "alignment.Recommendation": recommendation,
        "roadmaps.Initiative": initiative, "roadmaps.LifecycleDecision": decision,
        "budgets.BudgetLine": line, "budgets.BudgetVersion": version, "msp.User": vcio, "msp.Msp": msp,
        "budgets.BudgetLine:free": free_line, "standards.Category:empty": empty_category,
        "meetings.Meeting": meeting, "meetings.MeetingAttendee": attendee, "meetings.ActionItem": action_item,
        "meetings.Touch": touch, "playbook.Objective": objective, "playbook.Escalation": escalation,
        "meetings.QuestionnaireStatement": statement,
        "meetings.QuestionnaireAnswer": answer_q,
        "meetings.CalendarFeed": calendar_feed,

        "surveys.Survey": short_survey, "surveys.SurveyQuestion": question, "surveys.SurveyCampaign": campaign,
        "surveys.SurveyInvitation": survey_invitation, "surveys.SurveyResponse": survey_response,
        "surveys.SurveyAnswer": survey_answer,
        "playbook.PracticeAssessment": assessment,
    }


# --- sentinels ---------------------------------------------------------------------------------------


class _Counter:
    def __init__(self):
        self.n = 0

    def next(self) -> int:
        self.n += 1
        if self.n > 9999:
            raise AssertionError("isolation harness: more than 9999 sentinels; widen SENTINEL_RE")
        return self.n


def sentinel_text(n: int, model, column, *, max_length: int | None = None) -> str:
    if isinstance(column, models.EmailField):
        return f"sntl-{n:04d}@victim.test"
    if isinstance(column, models.URLField):
        return f"https://victim.test/sntl-{n:04d}"
    if isinstance(column, models.SlugField):
        return f"sntl-{n:04d}"
    if column.name.endswith("url"):  # a link inside the product: a path
        return f"/victim/sntl-{n:04d}/"
    text = f"SNTL-{n:04d}-{model._meta.model_name}-{column.name}"
    limit = max_length or column.max_length
    if limit is not None:
        if limit < 9:
            raise AssertionError(f"{model._meta.label}.{column.name}: max_length {limit} is too short for a "
                                 f"sentinel; exempt it in EXEMPT_COLUMNS with the reason")
        text = text[:limit]
    return text


def exemption(model, column) -> str | None:
    label = f"{model._meta.label}.{column.name}"
    for key in (label, f"*.{column.name}"):
        if key in EXEMPT_COLUMNS:
            return key
    return None


def _json_with_sentinels(value, make):
    """The JSON value with every free-text leaf replaced, plus one sentinel of its own."""

    def walk(v, key=None):
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, key) for x in v]
        if isinstance(v, str) and key in JSON_TEXT_KEYS:
            return make()
        return v

    out = walk(value)
    if isinstance(out, dict) or out is None:
        out = dict(out or {})
        out["harness_text"] = make()
    elif isinstance(out, list):
        out.append(make())
    return out


def plant_sentinels(world: World) -> None:
    """Overwrite every text column of every victim row with a unique sentinel; record the victim ids."""
    counter = _Counter()
    msp = world.victim.msp
    ordered = sorted(tenant_models(), key=is_event_model)  # tracked rows first: their updates write events
    with scopes_disabled():
        for model in ordered:
            path = client_path_of(model)
            columns = [c for c in model._meta.concrete_fields if isinstance(c, TEXT_TYPES)
                       and not (isinstance(c, ArrayField) and not isinstance(c.base_field, TEXT_TYPES))]
            for column in model._meta.concrete_fields:
                inner = column.base_field if isinstance(column, ArrayField) else column
                if not isinstance(inner, TEXT_TYPES + PLAIN_TYPES):
                    world.problems.append(f"{model._meta.label}.{column.name}: a column of type "
                                          f"{type(column).__name__} the harness does not know; teach "
                                          f"tests/isolation/world.py whether it holds text")
            rows = model._base_manager.filter(msp=msp)
            values = ["pk", *(c.attname for c in columns)]
            if path:
                values.append(path)
            for row in list(rows.values(*values)):
                client_id = row.get(path) if path else None
                if path == "pk":
                    client_id = row["pk"]
                update = {}
                for column in columns:
                    key = exemption(model, column)
                    choices = column.base_field.choices if isinstance(column, ArrayField) else column.choices
                    if key or choices:
                        if key:
                            world.exempt_used.add(key)
                        continue

                    def make(model=model, column=column, row=row, client_id=client_id):
                        n = counter.next()
                        world.sentinels[n] = Sentinel(n, f"{model._meta.label}.{column.name}", str(row["pk"]),
                                                      client_id)
                        return n

                    if isinstance(column, models.JSONField):
                        update[column.attname] = _json_with_sentinels(
                            row[column.attname], lambda make=make, model=model, column=column: sentinel_text(
                                make(), model, models.TextField(name=column.name)))
                    elif isinstance(column, ArrayField):
                        update[column.attname] = [sentinel_text(make(), model, column.base_field,
                                                                max_length=column.base_field.max_length)]
                    else:
                        update[column.attname] = sentinel_text(make(), model, column)
                if update:
                    model._base_manager.filter(pk=row["pk"]).update(**update)
                if isinstance(row["pk"], uuid.UUID):
                    world.ids[str(row["pk"]).lower()] = client_id
        # Not tenant rows, but the victim's all the same: its name, its people and their tokens.
        n = counter.next()
        world.sentinels[n] = Sentinel(n, "msp.Msp.name", str(msp.pk), None, msp_wide=True)
        Msp.objects.filter(pk=msp.pk).update(name=f"SNTL-{n:04d}-msp-name")
        world.ids[str(msp.pk)] = None
        world.ids_msp_wide.add(str(msp.pk))
        for membership in Membership.objects.filter(msp=msp).select_related("user"):
            user = membership.user
            owner_of = world.client_b.pk if user == world.portal_b else None
            email_n, name_n = counter.next(), counter.next()
            for number, what in ((email_n, "email"), (name_n, "full_name")):
                world.sentinels[number] = Sentinel(number, f"msp.User.{what}", str(user.pk), owner_of,
                                                   user_id=user.pk)
            User.objects.filter(pk=user.pk).update(email=f"sntl-{email_n:04d}@victim.test",
                                                   full_name=f"SNTL-{name_n:04d}-user-name")
            world.ids[str(membership.pk)] = owner_of
            if membership.role != Role.CLIENT:
                world.staff_user_ids.add(user.pk)
            for token in ApiToken.objects.filter(membership=membership):
                n = counter.next()
                world.sentinels[n] = Sentinel(n, "msp.ApiToken.name", str(token.pk), None, user_id=user.pk)
                ApiToken.objects.filter(pk=token.pk).update(name=f"SNTL-{n:04d}-token")
                world.ids[str(token.pk)] = None
        world.staff_user_ids.add(world.portal_a.pk)
    for model in tenant_models():
        with scopes_disabled():
            if not model._base_manager.filter(msp=msp).exists():
                world.problems.append(f"{model._meta.label}: no victim row; give the victim one in "
                                      f"tests/isolation/world.py build_victim_rows()")
    # Refresh the objects the URLs stand for, so later reads see the sentinel values.
    with scopes_disabled():
        for key, obj in list(world.objects.items()):
            world.objects[key] = type(obj)._base_manager.get(pk=obj.pk)


def coverage_problems(world: World) -> list[str]:
    """What the harness cannot vouch for: empty tenant tables, unknown columns, stale exemptions."""
    problems = list(world.problems)
    for key in EXEMPT_COLUMNS:
        if key not in world.exempt_used:
            problems.append(f"EXEMPT_COLUMNS names {key}, which no victim row has; remove it")
    return problems
