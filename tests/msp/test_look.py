"""One visual language: every status word of every app has one colour and icon, used alike by the pages, the
client PDFs and the charts; one red/amber/green rule for scores, with its thresholds in settings."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from decimal import Decimal

import pytest
from django.db import models
from django.template import Context, Template
from django_scopes import scope, scopes_disabled

from msp.look import STATUSES, TONES, score_band, status_look
from playbook.scorecard import rating
from roadmaps.models import Initiative
from roadmaps.reports import STATUS_COLOURS, TEMPLATE, roadmap_report_data

APPS = ["alignment", "budgets", "clients", "meetings", "msp", "playbook", "roadmaps", "standards", "surveys"]


def status_words() -> set[str]:
    words = set()
    for app in APPS:
        for name, choices in inspect.getmembers(importlib.import_module(f"{app}.choices"), inspect.isclass):
            if issubclass(choices, models.TextChoices) and name.endswith(("Status", "State", "Decision")):
                words |= set(choices.values)
    return words


def test_every_status_word_of_every_app_has_a_look():
    missing = sorted(status_words() - set(STATUSES))
    assert missing == [], f"add these to msp/look.py STATUSES: {missing}"


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


@pytest.mark.parametrize(("status", "badge", "icon"), [
    ("idea", "text-bg-light border", "lightbulb"),
    ("proposed", "text-bg-warning", "hourglass-split"),
    ("scheduled", "text-bg-info", "calendar-event"),
    ("in_progress", "text-bg-primary", "arrow-repeat"),
    ("approved", "text-bg-success", "check-circle"),
    ("done", "text-bg-dark", "check2-all"),
    ("declined", "text-bg-danger", "x-circle"),
    ("cancelled", "text-bg-secondary", "slash-circle"),
    ("nonsense", "text-bg-secondary", "question-circle"),
])
def test_status_badge_class_and_icon(status, badge, icon):
    html = render("{% status_badge s 'Label' %}", s=status)
    tone, _ = status_look(status)
    assert html == (f'<span class="badge {badge} status-badge tone-{tone.name}" data-status="{status}">'
                    f'<i class="bi bi-{icon}" aria-hidden="true"></i> Label</span>')
    assert render("{{ s|tone_badge }}", s=status) == badge


@pytest.mark.django_db
def test_proposed_is_the_same_amber_on_the_roadmap_the_budget_the_portal_and_the_pdf(tenant):
    client = tenant.clients[0]
    with scopes_disabled():
        initiative = Initiative.objects.create(msp=tenant.msp, client=client, title="New firewall",
                                               status="proposed", start_quarter=dt.date(2027, 1, 1))
    roadmap = render('{% include "roadmaps/includes/status_badge.html" %}', initiative=initiative)
    portal = render("{% status_badge 'proposed' 'Awaiting your decision' %}")
    budget = render("{{ 'proposed'|tone_badge }}")
    for html in (roadmap, portal):
        assert 'class="badge text-bg-warning status-badge tone-waiting" data-status="proposed"' in html
    assert budget == "text-bg-warning"
    assert STATUS_COLOURS["proposed"] == TONES["waiting"].fill == "#ffc107"
    with scope(msp=tenant.msp):
        report = roadmap_report_data(client=client, today=dt.date(2026, 12, 3))
    html = Template("{% include template %}").render(Context({"template": TEMPLATE, "report": report}))
    assert ".chip-proposed { background: #ffc107; color: #000000; }" in html
    assert ".status-proposed { border-left-color: #ffc107; }" in html
    assert '<div class="initiative status-proposed">' in html
    assert '<span class="chip chip-proposed">Proposed</span>' in html


@pytest.mark.parametrize(("score", "band"), [
    (Decimal("100"), "green"), (Decimal("75.0"), "green"), (Decimal("74.9"), "amber"), (60, "amber"),
    ("59.9", "red"), (0, "red"), (None, "none"), ("—", "none"),
])
def test_score_bands(score, band):
    assert score_band(score) == band
    assert render("{{ s|score_band }}", s=score) == band


def test_score_bands_follow_the_settings(settings):
    settings.SCORE_BANDS = {"green": 90, "amber": 80}
    assert [score_band(v) for v in (90, 89.9, 80, 79.9)] == ["green", "amber", "amber", "red"]
    html = render('{% include "alignment/includes/score.html" with value=v %}', v=Decimal("85.0"))
    assert html == '<span class="rag rag-amber" data-band="amber">85.0</span>'


def test_the_scorecard_uses_the_same_bands_for_the_alignment_score():
    assert rating("alignment_score", Decimal("75.0")) == "green"
    assert rating("alignment_score", Decimal("74.9")) == "amber"
    assert rating("alignment_score", Decimal("59.9")) == "red"
    assert render("{{ b|band_badge }}", b="amber") == "text-bg-warning"
