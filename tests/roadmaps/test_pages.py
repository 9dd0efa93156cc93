"""Roadmap pages: the board (quarters of a July fiscal year, cards with their span, cost and links, backlog,
filters, lifecycle suggestions), create / edit / archive, moving (drag and drop's JSON and the plain form),
initiatives from recommendations, dismissing suggestions, and who may do what."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from budgets.models import BudgetLine
from msp.roles import Role
from roadmaps import services
from roadmaps.models import Initiative, LifecycleDecision
from tests.roadmaps.conftest import asset, create, d, recommendation, reload

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def text(response) -> str:
    return response.content.decode()


def card(response, initiative) -> str:
    body = text(response)
    start = body.index(f'id="initiative-{initiative.pk}"')
    return body[body.rindex("<article", 0, start):body.index("</article>", start)]


def roadmap_url(client) -> str:
    return f"/roadmaps/client/{client.pk}/"


# --- the roadmap page -----------------------------------------------------------------------------------

def test_roadmap_shows_twelve_fiscal_quarters_and_placed_cards(tenant, july, frozen_today, login):
    rec = recommendation(tenant, "Offsite backups")
    overhaul = create(tenant, title="Backup overhaul", priority="high", status="proposed",
                      start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"), recommendations=[rec],
                      objectives=[tenant.objective], assets=[tenant.asset])
    later = create(tenant, title="Server refresh", start_quarter=d("2027-04-01"),
                   proposal_amount=Decimal("2500.00"))
    someday = create(tenant, title="Someday maybe")
    with scopes_disabled():
        BudgetLine.objects.create(msp=tenant.msp, client=july, initiative=overhaul, description="NAS",
                                  start_quarter=d("2027-01-01"), unit_cost=Decimal("3000.00"), rate=Decimal("30"))
    response = login(tenant.users[Role.VCIO]).get(roadmap_url(july))
    assert response.status_code == 200
    body = text(response)
    assert [q.label for q in response.context["board"].quarters] == [
        "FY2027 Q2", "FY2027 Q3", "FY2027 Q4", "FY2028 Q1", "FY2028 Q2", "FY2028 Q3", "FY2028 Q4", "FY2029 Q1",
        "FY2029 Q2", "FY2029 Q3", "FY2029 Q4", "FY2030 Q1"]
    assert re.findall(r'data-drop-quarter="([\d-]+)" data-quarter-label="(FY\d+ Q\d)" id=', body)[:3] == [
        ("2026-10-01", "FY2027 Q2"), ("2027-01-01", "FY2027 Q3"), ("2027-04-01", "FY2027 Q4")]
    years = r'class="rm-year" data-grid-column="(\d+) / span (\d)"[^>]*><span class="rm-year-label">(FY\d+)<'
    assert re.findall(years, body) == [
        ("1", "3", "FY2027"), ("4", "4", "FY2028"), ("8", "4", "FY2029"), ("12", "1", "FY2030")]
    html = card(response, overhaul)
    assert 'data-column="0" data-span="2" data-grid-column="1 / span 2" data-grid-row="3"' in html
    assert "Backup overhaul" in html
    assert "Proposed" in html
    assert "High<span class=\"visually-hidden\"> priority</span>" in html
    assert "$3,900.00" in html  # the budget line's price: $3,000.00 cost at 30 % markup
    assert "1 recommendation · 1 objective · 1 asset" in html
    assert f'href="/clients/{july.pk}/#objectives">Alpha: open a second office</a>' in html
    assert 'draggable="true"' in html
    assert f'data-move-url="/roadmaps/initiatives/{overhaul.pk}/move/"' in html
    assert 'data-column="2" data-span="1"' in card(response, later)
    assert 'Quoted price <strong class="price-quoted">$2,500.00</strong></span>' in card(response, later)
    backlog = body[body.index('id="backlog-cards"'):body.index('id="lifecycle"')]
    assert "Someday maybe" in backlog
    assert "Backup overhaul" not in backlog
    assert "data-column" not in card(response, someday)
    assert "js/roadmap.js" in body
    assert "New initiative" in body


def test_roadmap_filters_by_status_and_category(tenant, july, frozen_today, login):
    create(tenant, title="Firewall swap", category="security", status="proposed", start_quarter=d("2026-10-01"))
    create(tenant, title="Teams rollout", category="productivity", start_quarter=d("2026-10-01"))
    create(tenant, title="SIEM someday", category="security")
    c = login(tenant.users[Role.VIEWER])
    titles = lambda r: [i.title for i in r.context["board"].initiatives]  # noqa: E731
    assert titles(c.get(roadmap_url(july))) == ["Firewall swap", "Teams rollout", "SIEM someday"]
    assert titles(c.get(roadmap_url(july), {"category": "security"})) == ["Firewall swap", "SIEM someday"]
    assert titles(c.get(roadmap_url(july), {"category": "security", "status": "proposed"})) == ["Firewall swap"]
    # Unknown values are ignored.
    assert titles(c.get(roadmap_url(july), {"status": "bogus"})) == ["Firewall swap", "Teams rollout", "SIEM someday"]


def test_lifecycle_panel_groups_by_kind_and_quarter(tenant, july, frozen_today, login):
    laptops = [asset(tenant, f"LT-0{n}", warranty_end=d("2027-05-1" + str(n))) for n in range(4)]
    asset(tenant, "SRV-01", kind="server", end_of_support=d("2028-02-01"), cost="8000.00")
    response = login(tenant.users[Role.VCIO]).get(roadmap_url(july))
    body = text(response)
    titles = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'class="fw-semibold rm-group-title">(.*?)</div>',
                                                                  body, re.S)]
    assert titles == ["4 laptops — FY2027 Q3 — $6,400.00", "1 server — FY2028 Q2 — $8,000.00"]
    group = body[body.index('id="group-laptop-2027-01-01"'):body.index('id="group-server-2028-10-01"')
                 if 'id="group-server-2028-10-01"' in body else None]
    assert '<form method="post" action="/budgets/client/' + str(july.pk) + '/lifecycle/accept/">' in group
    accept_all = group[group.index("/lifecycle/accept/"):group.index("Accept all")]
    assert re.findall(r'name="asset" value="([\w-]+)"', accept_all) == [str(a.pk) for a in laptops]
    assert accept_all.count('name="reason" value="warranty_end"') == 4
    assert re.findall(r'name="due_date" value="([\d-]+)"', accept_all) == [
        "2027-05-10", "2027-05-11", "2027-05-12", "2027-05-13"]
    assert f'action="/roadmaps/client/{july.pk}/lifecycle/dismiss/"' in group
    # Readers see the suggestions but no buttons.
    viewer = text(login(tenant.users[Role.VIEWER]).get(roadmap_url(july)))
    assert "4 laptops — FY2027 Q3" in viewer
    assert "lifecycle/accept" not in viewer
    assert "Dismiss" not in viewer


def test_dismissing_from_the_page(tenant, july, frozen_today, login):
    first = asset(tenant, "LT-01", warranty_end=d("2027-05-10"))
    second = asset(tenant, "LT-02", warranty_end=d("2027-05-11"))
    kept = asset(tenant, "LT-03", warranty_end=d("2027-08-11"))
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/roadmaps/client/{july.pk}/lifecycle/dismiss/", {
        "asset": [first.pk, second.pk], "reason": ["warranty_end", "warranty_end"],
        "due_date": ["2027-05-10", "2027-05-11"]}, follow=True)
    assert response.redirect_chain == [(f"/roadmaps/client/{july.pk}/#lifecycle", 302)]
    assert "Dismissed the lifecycle suggestions for “LT-01”, “LT-02”." in text(response)
    assert [s.asset.name for g in response.context["groups"] for s in g.suggestions] == ["LT-03"]
    with scopes_disabled():
        assert sorted(LifecycleDecision.objects.values_list("asset__name", "decision")) == [
            ("LT-01", "dismissed"), ("LT-02", "dismissed")]
    # A wrong date for one of them dismisses nothing.
    response = c.post(f"/roadmaps/client/{july.pk}/lifecycle/dismiss/", {
        "asset": [kept.pk, kept.pk], "reason": ["warranty_end", "end_of_support"],
        "due_date": ["2027-08-11", "2027-08-11"]}, follow=True)
    assert "Nothing was dismissed" in text(response)
    with scopes_disabled():
        assert LifecycleDecision.objects.count() == 2


def test_readers_see_the_roadmap_without_editing(tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul", start_quarter=d("2026-10-01"))
    for role in (Role.TAM, Role.VIEWER):
        c = login(tenant.users[role])
        response = c.get(roadmap_url(july))
        assert response.status_code == 200
        html = card(response, initiative)
        assert "Backup overhaul" in html
        assert "draggable" not in html
        assert "/edit/" not in html
        assert "New initiative" not in text(response)
        assert "js/roadmap.js" not in text(response)
        assert c.get(f"/roadmaps/client/{july.pk}/initiatives/new/").status_code == 403
        assert c.post(f"/roadmaps/initiatives/{initiative.pk}/move/",
                      {"start_quarter": "2027-01-01", "version": 1}).status_code == 403
        assert c.post(f"/roadmaps/initiatives/{initiative.pk}/archive/").status_code == 403
        assert c.post(f"/roadmaps/client/{july.pk}/from-recommendations/").status_code == 403
        assert c.post(f"/roadmaps/client/{july.pk}/lifecycle/dismiss/").status_code == 403
    assert reload(initiative).start_quarter == d("2026-10-01")


def test_portal_users_and_other_tenants_get_404(tenant, other_tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul")
    portal = login(tenant.users[Role.CLIENT])
    for url in (roadmap_url(july), f"/roadmaps/initiatives/{initiative.pk}/edit/"):
        assert portal.get(url).status_code == 404
        assert login(other_tenant.users[Role.VCIO]).get(url).status_code == 404
    assert login(other_tenant.users[Role.OWNER]).post(f"/roadmaps/initiatives/{initiative.pk}/move/", {
        "start_quarter": "2027-01-01", "version": 1}).status_code == 404


# --- create, edit, archive ------------------------------------------------------------------------------

def test_create_page_offers_the_horizon_and_the_clients_records(tenant, july, frozen_today, login):
    rec = recommendation(tenant, "Offsite backups")
    recommendation(tenant, "Someone else's", client=tenant.clients[1])
    c = login(tenant.users[Role.VCIO])
    response = c.get(f"/roadmaps/client/{july.pk}/initiatives/new/?quarter=2027-01-01")
    body = text(response)
    options = re.findall(r'<option value="([\d-]*)"( selected)?>([^<]+)</option>',
                         body[body.index('name="start_quarter"'):body.index('name="end_quarter"')])
    assert options[:3] == [("", "", "Backlog (not scheduled)"), ("2026-10-01", "", "FY2027 Q2"),
                           ("2027-01-01", " selected", "FY2027 Q3")]
    assert options[-1] == ("2029-07-01", "", "FY2030 Q1")
    assert len(options) == 13
    assert "Offsite backups" in body
    assert "Someone else&#x27;s" not in body
    response = c.post(f"/roadmaps/client/{july.pk}/initiatives/new/", {
        "title": "Backup overhaul", "description": "Copies off site", "category": "continuity",
        "priority": "high", "status": "proposed", "start_quarter": "2027-01-01", "end_quarter": "2027-04-01",
        "owner": tenant.users[Role.VCIO].pk, "estimated_hours": "16", "proposal_amount": "4800",
        "recommendations": [rec.pk], "objectives": [tenant.objective.pk], "assets": [tenant.asset.pk]})
    with scopes_disabled():
        initiative = Initiative.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/roadmaps/client/{july.pk}/#initiative-{initiative.pk}"
        assert (initiative.title, initiative.status, initiative.start_quarter, initiative.end_quarter,
                initiative.owner, initiative.estimated_hours, initiative.proposal_amount) == (
            "Backup overhaul", "proposed", d("2027-01-01"), d("2027-04-01"), tenant.users[Role.VCIO],
            Decimal("16.0"), Decimal("4800.00"))
        assert [r.title for r in initiative.recommendations.all()] == ["Offsite backups"]
        assert [a.pk for a in initiative.assets.all()] == [tenant.asset.pk]


def test_create_refuses_bad_quarters_with_a_clear_message(tenant, july, frozen_today, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/roadmaps/client/{july.pk}/initiatives/new/", {
        "title": "Backwards", "category": "other", "priority": "low", "status": "idea",
        "start_quarter": "2027-04-01", "end_quarter": "2027-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"end_quarter": ["The end quarter cannot come before the start quarter."]}
    response = c.post(f"/roadmaps/client/{july.pk}/initiatives/new/", {
        "title": "Odd", "category": "other", "priority": "low", "status": "idea", "start_quarter": "2026-11-01"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_quarter": ["Select a valid choice. 2026-11-01 is not one of the available choices."]}
    with scopes_disabled():
        assert not Initiative.objects.exists()


def edit_data(initiative, **changes) -> dict:
    data = {"title": initiative.title, "description": initiative.description, "category": initiative.category,
            "priority": initiative.priority, "status": initiative.status,
            "start_quarter": initiative.start_quarter.isoformat() if initiative.start_quarter else "",
            "end_quarter": initiative.end_quarter.isoformat() if initiative.end_quarter else "",
            "version": initiative.version}
    data.update(changes)
    return data


def test_edit_moves_without_javascript_and_refuses_stale_saves(tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul")
    c = login(tenant.users[Role.VCIO])
    page = text(c.get(f"/roadmaps/initiatives/{initiative.pk}/edit/"))
    assert 'name="version" value="1"' in page
    response = c.post(f"/roadmaps/initiatives/{initiative.pk}/edit/",
                      edit_data(initiative, start_quarter="2027-04-01", end_quarter="2027-07-01"))
    assert response.status_code == 302
    saved = reload(initiative)
    assert (saved.start_quarter, saved.end_quarter, saved.version) == (d("2027-04-01"), d("2027-07-01"), 2)
    stale = c.post(f"/roadmaps/initiatives/{initiative.pk}/edit/", edit_data(initiative, title="Mine", version=1))
    assert stale.status_code == 409
    assert ("“Backup overhaul” was changed by someone else since you opened this page. Nothing was saved."
            in text(stale))
    assert reload(initiative).title == "Backup overhaul"


def test_archive_takes_it_off_the_roadmap(tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul", start_quarter=d("2026-10-01"))
    c = login(tenant.users[Role.OWNER])
    response = c.post(f"/roadmaps/initiatives/{initiative.pk}/archive/", follow=True)
    assert "Initiative “Backup overhaul” archived" in text(response)
    assert response.context["board"].initiatives == []
    assert reload(initiative).archived_at is not None
    assert c.get(f"/roadmaps/initiatives/{initiative.pk}/edit/").status_code == 302


# --- moving ---------------------------------------------------------------------------------------------

def test_drag_and_drop_move_answers_json(tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul", start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"))
    c = login(tenant.users[Role.VCIO])
    url = f"/roadmaps/initiatives/{initiative.pk}/move/"
    response = c.post(url, {"start_quarter": "2027-07-01", "version": 1}, **JSON)
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ok": True, "message": "Moved “Backup overhaul” to FY2028 Q1.", "version": 2,
        "start_quarter": "2027-07-01", "end_quarter": "2027-10-01"}
    # The page shown after the reload says so and places it.
    page = c.get(roadmap_url(july))
    assert "Moved “Backup overhaul” to FY2028 Q1." in text(page)
    assert 'data-column="3" data-span="2"' in card(page, initiative)
    stale = c.post(url, {"start_quarter": "2026-10-01", "version": 1}, **JSON)
    assert stale.status_code == 409
    assert json.loads(stale.content) == {"ok": False, "error": (
        "“Backup overhaul” was changed by someone else since this page was loaded, so it was not moved. Reload the "
        "page to see the current roadmap, then move it again.")}
    odd = c.post(url, {"start_quarter": "2027-08-01", "version": 2}, **JSON)
    assert odd.status_code == 400
    assert "2027-08-01 is not the first day of a quarter" in json.loads(odd.content)["error"]
    backlog = c.post(url, {"start_quarter": "", "version": 2}, **JSON)
    assert json.loads(backlog.content)["message"] == "Moved “Backup overhaul” to the backlog."
    moved = reload(initiative)
    assert (moved.start_quarter, moved.end_quarter, moved.version) == (None, None, 3)


def test_a_move_from_the_board_answers_the_board_in_place(tenant, july, frozen_today, login):
    """htmx gets #roadmap-work back (board, backlog, the message), filtered as the page was; a refusal is
    its text with its status, and changes nothing."""
    moving = create(tenant, title="Backup overhaul", status="scheduled", start_quarter=d("2026-10-01"),
                    end_quarter=d("2027-01-01"))
    create(tenant, title="Phone system", status="idea", start_quarter=d("2026-10-01"))
    c = login(tenant.users[Role.VCIO])
    url = f"/roadmaps/initiatives/{moving.pk}/move/?status=scheduled"
    response = c.post(url, {"start_quarter": "2027-07-01", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="roadmap-work"')
    assert "<html" not in html
    assert re.sub(r"\s+", " ", html.split('id="roadmap-status"', 1)[1].split("</div>", 1)[0]) == (
        ' class="rm-status alert alert-success py-2" role="status" aria-live="polite"><i class="bi bi-check2-circle" '
        'aria-hidden="true"></i> Moved “Backup overhaul” to FY2028 Q1.')
    assert 'data-column="3" data-span="2"' in card(response, moving)
    assert "Phone system" not in html  # the page's filter holds
    # Nothing waits for the next page: the message was shown in place.
    assert "Moved “Backup overhaul”" not in text(c.get(roadmap_url(july)))

    stale = c.post(url, {"start_quarter": "2026-10-01", "version": 1}, HTTP_HX_REQUEST="true")
    assert (stale.status_code, stale["Content-Type"]) == (409, "text/plain; charset=utf-8")
    assert stale.content.decode() == (
        "“Backup overhaul” was changed by someone else since this page was loaded, so it was not moved. Reload the "
        "page to see the current roadmap, then move it again.")
    odd = c.post(url, {"start_quarter": "2027-08-01", "version": 2}, HTTP_HX_REQUEST="true")
    assert odd.status_code == 400
    assert "2027-08-01 is not the first day of a quarter" in odd.content.decode()
    assert (reload(moving).start_quarter, reload(moving).version) == (d("2027-07-01"), 2)


def test_move_by_plain_form_redirects_with_a_message(tenant, july, frozen_today, login):
    initiative = create(tenant, title="Backup overhaul")
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/roadmaps/initiatives/{initiative.pk}/move/", {"start_quarter": "2027-01-01", "version": 1},
                      follow=True)
    assert response.redirect_chain == [(f"/roadmaps/client/{july.pk}/#initiative-{initiative.pk}", 302)]
    assert "Moved “Backup overhaul” to FY2027 Q3." in text(response)
    response = c.post(f"/roadmaps/initiatives/{initiative.pk}/move/", {"start_quarter": "2027-04-01"}, follow=True)
    assert "The move is missing the initiative&#x27;s version" in text(response)
    assert reload(initiative).start_quarter == d("2027-01-01")


# --- from recommendations -------------------------------------------------------------------------------

def test_from_recommendations_page(tenant, july, frozen_today, login):
    first = recommendation(tenant, "Offsite backups", priority="high")
    second = recommendation(tenant, "MFA on mailboxes")
    taken = recommendation(tenant, "Already planned")
    recommendation(tenant, "Done already", status="done")
    create(tenant, title="Planned", recommendations=[taken])
    c = login(tenant.users[Role.VCIO])
    page = c.get(f"/roadmaps/client/{july.pk}/from-recommendations/")
    assert [r.title for r in page.context["choices"]] == ["MFA on mailboxes", "Offsite backups"]
    assert "Already planned" not in text(page)
    assert c.get(roadmap_url(july)).context["open_recommendations"] == 2
    empty = c.post(f"/roadmaps/client/{july.pk}/from-recommendations/", {})
    assert empty.status_code == 400
    assert "Select at least one recommendation." in text(empty)
    response = c.post(f"/roadmaps/client/{july.pk}/from-recommendations/",
                      {"recommendations": [first.pk, second.pk]}, follow=True)
    assert response.redirect_chain == [(f"/roadmaps/client/{july.pk}/#backlog", 302)]
    assert "2 initiatives added to the backlog: “MFA on mailboxes”, “Offsite backups”." in text(response)
    assert [i.title for i in response.context["board"].backlog] == ["MFA on mailboxes", "Offsite backups", "Planned"]
    # Posting the same recommendation again (an old page) changes nothing.
    again = c.post(f"/roadmaps/client/{july.pk}/from-recommendations/", {"recommendations": [first.pk]})
    assert again.status_code == 400
    with scopes_disabled():
        assert Initiative.objects.count() == 3


def test_accepting_a_suggestion_through_budgets_puts_it_on_the_roadmap(tenant, july, frozen_today, login):
    laptop = asset(tenant, "LT-01", warranty_end=d("2027-05-10"))
    c = login(tenant.users[Role.VCIO])
    today_horizon_has_it = any(s.asset.pk == laptop.pk for g in c.get(roadmap_url(july)).context["groups"]
                               for s in g.suggestions)
    assert today_horizon_has_it
    with scope(msp=tenant.msp):
        initiative = services.initiative_create(client=july, actor=tenant.users[Role.VCIO], title="Replace LT-01",
                                                start_quarter=d("2027-01-01"), assets=[laptop])
        services.lifecycle_record_accepted(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                           reason="warranty_end", due_date=d("2027-05-10"), initiative=initiative)
    page = c.get(roadmap_url(july))
    assert page.context["groups"] == []
    assert 'data-column="1" data-span="1"' in card(page, initiative)
