"""Shared fixtures: two MSPs with every role, clients, and logged-in test clients."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.roles import Role

from . import factories as f


@pytest.fixture(autouse=True)
def _no_scope_leak_between_tests(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@dataclass
class Tenant:
    """One MSP with a user per staff role, two clients, and a portal user on the first client."""

    msp: object
    users: dict = field(default_factory=dict)
    clients: list = field(default_factory=list)
    contact: object = None
    access: object = None
    objective: object = None
    asset: object = None


def build_tenant(name: str, slug: str) -> Tenant:
    with scopes_disabled():
        msp = f.MspFactory(name=name, slug=slug)
        t = Tenant(msp=msp)
        for role in (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER):
            user = f.UserFactory(email=f"{role}@{slug}.test")
            f.MembershipFactory(msp=msp, user=user, role=role)
            t.users[role] = user
        t.clients = [
            f.ClientFactory(msp=msp, name=f"{name} Dental", vcio=t.users[Role.VCIO], tam=t.users[Role.TAM]),
            f.ClientFactory(msp=msp, name=f"{name} Logistics", mrr="6500.00", user_count=52, complexity=3),
        ]
        t.contact = f.ContactFactory(client=t.clients[0], name=f"{name} Boss", email=f"boss@{slug}-client.test")
        t.objective = f.ObjectiveFactory(client=t.clients[0], title=f"{name}: open a second office")
        t.asset = f.AssetFactory(client=t.clients[0])
        portal_user = f.UserFactory(email=f"client@{slug}.test")
        f.MembershipFactory(msp=msp, user=portal_user, role=Role.CLIENT)
        t.access = f.ClientAccessFactory(contact=t.contact, user=portal_user)
        t.users[Role.CLIENT] = portal_user
    return t


@pytest.fixture
def tenant(db) -> Tenant:
    return build_tenant("Alpha", "alpha")


@pytest.fixture
def other_tenant(db) -> Tenant:
    return build_tenant("Bravo", "bravo")


def confirm_password(c: HttpClient, user) -> None:
    """Record in the test client's session that `user` just re-entered their password (allauth's record)."""
    session = c.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}]
    session.save()


@pytest.fixture
def login():
    """login(user) -> a Django test client signed in as that user, who confirmed the password just now
    (so account-changing pages do not ask again); `recent=False` for a session that did not."""

    def _login(user, *, recent: bool = True) -> HttpClient:
        c = HttpClient()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if recent:
            confirm_password(c, user)
        return c

    return _login


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process by default; tests about Celery itself start a real worker."""
    from msp.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """The production hasher is slow on purpose; tests only need passwords to round-trip."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
