"""The starter library loader: counts, idempotence, what it leaves alone; and the real starter content."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django_scopes import scope

from msp.roles import Role
from standards import csv_io, services, starter
from standards.models import Category, Framework, Standard, StandardRevision

pytestmark = pytest.mark.django_db

SMALL = SimpleNamespace(
    FRAMEWORKS=[("HIPAA", "HIPAA Security Rule"), ("CIS", "CIS Controls v8.1")],
    CATEGORIES=[
        {"name": "Backup", "description": "Copies of data.", "standards": [
            {"name": "Offsite copy", "question": "Is a copy of every backup kept offsite?", "why": "Fire.",
             "how": "Check the job.", "reference_url": "https://www.cisa.gov/resources-tools",
             "priority": "high", "frequency": "quarterly", "tags": ["backup", "Offsite"], "frameworks": ["HIPAA"]},
            {"name": "Restore test", "question": "Was a restore tested this year?", "why": "Untested.",
             "how": "Restore a file.", "reference_url": "", "priority": "medium", "frequency": "yearly",
             "tags": [], "frameworks": ["CIS", "NIST CSF 2.0"]},
        ]},
        {"name": "Power", "description": "Keeping the lights on.", "standards": [
            {"name": "UPS", "question": "Is every server on a UPS?", "why": "Power cuts.", "how": "Look.",
             "reference_url": "https://www.ready.gov/power-outages", "priority": "low", "frequency": "yearly",
             "tags": ["power"], "frameworks": []},
        ]},
    ],
)


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(starter, "starter_data", lambda: SMALL)
    return SMALL


def test_loads_everything_once(tenant, small):
    counts = starter.starter_library_load(msp=tenant.msp, actor=tenant.users[Role.OWNER])
    # NIST CSF 2.0 is not in FRAMEWORKS but a standard names it: it is created with the code as its name.
    assert counts == {"frameworks": 3, "categories": 2, "standards": 3}
    with scope(msp=tenant.msp):
        assert [(c.name, c.description, c.position) for c in Category.objects.order_by("position")] == [
            ("Backup", "Copies of data.", 1), ("Power", "Keeping the lights on.", 2)]
        assert sorted(Framework.objects.values_list("code", "name")) == [
            ("CIS", "CIS Controls v8.1"), ("HIPAA", "HIPAA Security Rule"), ("NIST CSF 2.0", "NIST CSF 2.0")]
        offsite = Standard.objects.get(name="Offsite copy")
        assert (offsite.priority, offsite.frequency, offsite.tags, offsite.revision) == (
            "high", "quarterly", ["backup", "offsite"], 1)
        assert [f.code for f in offsite.frameworks.all()] == ["HIPAA"]
        assert StandardRevision.objects.count() == 3
    assert starter.starter_library_load(msp=tenant.msp, actor=None) == {"frameworks": 0, "categories": 0,
                                                                         "standards": 0}
    with scope(msp=tenant.msp):
        assert Standard.objects.count() == 3


def test_keeps_what_exists_and_adds_the_rest(tenant, small):
    msp = tenant.msp
    with scope(msp=msp):
        backup = services.category_create(msp=msp, actor=None, name="BACKUP")
        services.framework_create(msp=msp, actor=None, code="hipaa", name="Our HIPAA")
        services.standard_create(msp=msp, actor=None, category=backup, name="offsite COPY",
                                 question="Is our own offsite rule met?", why="w", how="h")
        power = services.category_create(msp=msp, actor=None, name="Power")
        services.category_archive(category=power, actor=None)
    counts = starter.starter_library_load(msp=msp, actor=None)
    assert counts == {"frameworks": 2, "categories": 0, "standards": 1}
    with scope(msp=msp):
        assert Standard.objects.get(name="offsite COPY").question == "Is our own offsite rule met?"
        assert Standard.objects.get(name="Restore test").category == backup
        assert not Standard.objects.filter(name="UPS").exists()  # its category was archived on purpose
        assert Framework.objects.get(code="hipaa").name == "Our HIPAA"


def test_the_real_starter_library_loads_and_round_trips(tenant, other_tenant):
    from standards.starter_data import CATEGORIES, FRAMEWORKS

    total = sum(len(c["standards"]) for c in CATEGORIES)
    counts = starter.starter_library_load(msp=tenant.msp, actor=tenant.users[Role.OWNER])
    assert counts["standards"] == total >= 60
    assert counts["categories"] == len(CATEGORIES)
    assert counts["frameworks"] >= len(FRAMEWORKS)
    with scope(msp=tenant.msp):
        text = csv_io.export_csv()
    with scope(msp=other_tenant.msp):
        csv_io.library_import_apply(msp=other_tenant.msp, actor=None, content=text)
        assert csv_io.export_csv() == text
