"""`manage.py seed_demo`: two demo MSPs with staff, clients, contacts, objectives, assets, a portal user,
review history, roadmaps and budgets (with a published roadmap PDF for the portal client), and the demo MSP's
next 12 months of meetings as the scheduler plans them.

Safe to run again: every row is found by a natural key (email, MSP slug, client name, asset serial...)
and only created when missing. Nothing is ever updated or deleted, so a second run changes nothing,
and whatever someone changed in the demo since is left alone.

The demo password is public (README.md); the data is meant for `make run` and local development.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import pghistory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django_scopes import scope

from alignment import demo as alignment_demo
from clients import demo
from meetings import demo as meetings_demo
from msp.models import Membership, Msp, User
from msp.roles import Role
from msp.services import msp_create
from msp.tenancy import history
from playbook import demo as playbook_demo
from roadmaps import demo as roadmaps_demo
from standards.models import Category, Framework, Standard
from standards.starter import starter_library_load
from surveys import demo as surveys_demo

DEMO_PASSWORD = "Demo!2026pass"  # noqa: S105 - published in README.md, demo data only


@dataclass(frozen=True)
class DemoMsp:
    slug: str
    name: str
    currency: str
    time_zone: str
    fiscal_year_start_month: int


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    msp: str  # slug
    role: str


DEMO, OTHER = "demo", "other"
MSPS = (
    DemoMsp(DEMO, "Demo MSP", "USD", "America/Chicago", 1),
    DemoMsp(OTHER, "Other MSP", "GBP", "Europe/London", 4),
)
# The first user of each MSP is its owner; the portal user's client membership comes with its access.
USERS = (
    DemoUser("owner@demo.test", "Marcus Bell", DEMO, Role.OWNER),
    DemoUser("vcio@demo.test", "Priya Raman", DEMO, Role.VCIO),
    DemoUser("vcio2@demo.test", "Tom Kowalski", DEMO, Role.VCIO),
    DemoUser("tam@demo.test", "Alicia Moreno", DEMO, Role.TAM),
    DemoUser("viewer@demo.test", "Jordan Lee", DEMO, Role.VIEWER),
    DemoUser(demo.PORTAL_EMAIL, "Karen Whitfield", DEMO, Role.CLIENT),
    DemoUser("owner@other.test", "Graham Oduya", OTHER, Role.OWNER),
)
# Summary rows, in this order.
LABELS = ("users", "email addresses", "MSPs", "memberships", "clients", "contacts", "objectives", "assets",
          "portal accesses", "frameworks", "categories", "standards", "reviews", "initiatives", "budget lines",
          "lifecycle decisions", "budget versions", "roadmap documents", "past meetings", "action items",
          "touches", "meetings", "objectives (playbook)", "escalations", "survey campaigns")


class Command(BaseCommand):
    help = "Load the demo data (two MSPs, their staff and clients). Running it again changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unless-present", action="store_true",
                            help="Do nothing when both demo MSPs and every demo login exist (`make run`).")
        parser.add_argument("--migrate", action="store_true",
                            help="Apply the migrations first, in the same process (`make run`).")

    def handle(self, *args, **options) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, stdout=self.stdout, stderr=self.stderr)
        if options["unless_present"] and self._present():
            self.stdout.write("Demo data already there; not loaded again (`manage.py seed_demo` tops it up).")
            return
        self._started = time.monotonic()
        self._password = None
        tally = demo.Tally()
        # The demo's history would otherwise email the vCIOs about reviews "completed" long ago; the
        # override also covers the emails queued until the transaction commits.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                transaction.atomic():
            self._progress("demo logins")
            users = {u.email: self._user(tally, u) for u in USERS}
            for m in MSPS:
                owner = next(users[u.email] for u in USERS if u.msp == m.slug and u.role == Role.OWNER)
                self._progress(m.name)
                msp, msp_created = self._msp(tally, m, owner)
                with scope(msp=msp), pghistory.context(user=str(owner.pk), msp=str(msp.pk)):
                    for u in USERS:
                        if u.msp == m.slug and not (msp_created and users[u.email] == owner):
                            self._membership(tally, msp=msp, user=users[u.email], role=u.role, actor=owner)
                    today = demo.demo_today(msp)
                    self._progress(f"{m.name}: standards library")
                    self._library(tally, msp=msp, actor=owner)
                    if m.slug == DEMO:
                        self._progress(f"{m.name}: clients, contacts and assets")
                        vcios = {demo.VCIO_1: users["vcio@demo.test"], demo.VCIO_2: users["vcio2@demo.test"]}
                        clients = demo.demo_msp_seed(tally, msp=msp, actor=owner, today=today, vcios=vcios,
                                                     tam=users["tam@demo.test"])
                        demo.demo_portal_access_ensure(tally, msp=msp, user=users[demo.PORTAL_EMAIL], actor=owner)
                        self._progress(f"{m.name}: two years of alignment reviews")
                        alignment_demo.demo_reviews_seed(tally, clients=clients, tam=users["tam@demo.test"],
                                                         vcios=vcios, today=today)
                        self._progress(f"{m.name}: roadmaps, budgets and the roadmap PDF")
                        roadmaps_demo.demo_roadmaps_seed(tally, clients=clients, vcios=vcios, today=today)
                        self._progress(f"{m.name}: meetings, playbook and surveys")
                        meetings_demo.demo_meetings_seed(tally, msp=msp)
                        playbook_demo.demo_playbook_seed(tally, msp=msp, vcios=list(vcios.values()), today=today,
                                                         actor=owner)
                        surveys_demo.demo_surveys_seed(tally, msp=msp, owner=owner, today=today)
                    else:
                        demo.other_msp_seed(tally, msp=msp, actor=owner, today=today)
        self._report(tally)

    def _user(self, tally: demo.Tally, spec: DemoUser) -> User:
        user = tally.ensure(
            "users", User.objects.filter(email__iexact=spec.email).first(),
            lambda: self._create_user(spec),
        )
        # Verified and primary, so signing in never stops at an email-confirmation prompt.
        tally.ensure(
            "email addresses", EmailAddress.objects.filter(user=user, email__iexact=spec.email).first(),
            lambda: EmailAddress.objects.create(user=user, email=spec.email, verified=True, primary=True),
        )
        return user

    def _create_user(self, spec: DemoUser) -> User:
        """Every demo login has the same public password, so it is hashed once per run (with the project's
        own hasher, so signing in checks it as usual) and the hash is given to each of them."""
        if self._password is None:
            self._password = make_password(DEMO_PASSWORD)
        user = User.objects.create_user(spec.email, None, full_name=spec.full_name)
        user.password = self._password
        user.save(update_fields=["password"])
        return user

    def _present(self) -> bool:
        emails = {u.email for u in USERS}
        return (Msp.objects.filter(slug__in=[m.slug for m in MSPS]).count() == len(MSPS)
                and User.objects.filter(email__in=emails).count() == len(emails))

    def _progress(self, step: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self._started:5.1f} s] {step}")
        self.stdout.flush()

    def _msp(self, tally: demo.Tally, spec: DemoMsp, owner: User) -> tuple[Msp, bool]:
        found = Msp.objects.filter(slug=spec.slug).first()
        msp = tally.ensure(
            "MSPs", found,
            lambda: msp_create(name=spec.name, owner=owner, slug=spec.slug, currency=spec.currency,
                               time_zone=spec.time_zone, fiscal_year_start_month=spec.fiscal_year_start_month,
                               # The demo logins sign in with the published password alone (README.md).
                               mfa_required=False),
        )
        if found is None:
            tally.created["memberships"] += 1  # msp_create makes the owner's membership
        return msp, found is None

    def _membership(self, tally: demo.Tally, *, msp: Msp, user: User, role: str, actor: User) -> Membership:
        # A removed membership counts as found: someone took that person out of the demo on purpose.
        found = (Membership.objects.filter(msp=msp, user=user)
                 .order_by(F("removed_at").desc(nulls_first=True)).first())

        def create() -> Membership:
            with history(actor):
                return Membership.objects.create(msp=msp, user=user, role=role)

        return tally.ensure("memberships", found, create)

    def _library(self, tally: demo.Tally, *, msp: Msp, actor: User) -> None:
        """The starter standards library; what exists by name is left alone."""
        created = starter_library_load(msp=msp, actor=actor)
        if created["standards"]:
            self._committee_reviews(msp)
        totals = {"frameworks": Framework.objects.count(), "categories": Category.objects.count(),
                  "standards": Standard.objects.count()}
        for label, total in totals.items():
            tally.created[label] += created[label]
            tally.existing[label] += total - created[label]

    def _committee_reviews(self, msp: Msp) -> None:
        """A fresh demo library looks lived in: most standards were reviewed by the committee this year,
        every seventh is overdue."""
        today = demo.demo_today(msp)
        for i, standard in enumerate(Standard.objects.order_by("category__position", "name")):
            if i % 7 == 6:
                continue
            Standard.objects.filter(pk=standard.pk).update(
                last_reviewed_on=today - timedelta(days=20 + (i * 37) % 320))

    def _report(self, tally: demo.Tally) -> None:
        self._progress("done")
        width = max(len(label) for label in LABELS)
        for label in LABELS:
            self.stdout.write(f"  {label:<{width}}  {tally.created[label]:>4} created  "
                              f"{tally.existing[label]:>4} already there")
        created = sum(tally.created.values())
        if created:
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded: {created} records created. Sign in as owner@demo.test "
                f"(password {DEMO_PASSWORD}); README.md lists the other logins."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the demo data was already complete."))
