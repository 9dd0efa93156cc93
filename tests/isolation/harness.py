"""The walk: the victim's own visit first (it proves every id resolves and gives the bodies), then every
attacker on every route with every method. Problems are collected, not raised one by one, so a failing
run reports all of them: route, method, who, status, and the sentinel or id that leaked.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.test import Client as HttpClient
from django.urls import resolve
from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings

from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from msp.tenancy import SESSION_KEY
from surveys.models import SurveyQuestion
from tests.conftest import confirm_password

from .bodies import BodyError, form_body, harness_text, materialize, parse_forms, serializer_body
from .routes import Route, all_routes, fill, route_objects
from .snapshot import changed, database_snapshot
from .world import SENTINEL_TEXT_RE, UUID_RE, World

STAFF_ROLES = (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER)
WRITE_METHODS = ("post", "put", "patch", "delete")
LOGIN = "/accounts/login/"

# Writes the victim's rightful user cannot make change anything from the victim's one state, with the
# reason. The attackers' requests are sent and judged all the same; only the proof that the body is
# one the route accepts is waived. A route listed here that no longer exists fails the suite.
STATE_BOUND = {
    "client_restore": "restores an archived client; the victim's client is live",
    "category_restore": "restores an archived category; the victim's category is live",
    "framework_restore": "restores an archived framework; the victim's framework is live",
    "standard_reactivate": "reactivates a retired standard; the victim's standard is active",
    "document_publish": "publishes a document; the victim's document is already published (the portal "
                        "download must work)",
    "asset_import": "step 1 only previews the file (kept in the session, nothing written)",
    "standard_import": "step 1 only previews the file (kept in the session, nothing written)",
    "workspace_switch": "changes only the session's active workspace",
    "review_report_create": "only a completed review has a report; the victim's review is in progress, so "
                            "its answers and evidence can still be saved",
    "client-restore": "restores an archived client; the victim's client is live",
    "standard-category-restore": "restores an archived category; the victim's category is live",
    "framework-restore": "restores an archived framework; the victim's framework is live",
    "standard-reactivate": "reactivates a retired standard; the victim's standard is active",
    "meeting_held": "only a meeting that has started can be marked held; the victim's meeting is next week, so "
                    "it can still be moved, sent and cancelled",
    "meeting-held": "only a meeting that has started can be marked held; the victim's meeting is next week",
    "portal_initiative_undo": "undoes the portal user's own recent decision; the victim's initiatives are "
                              "undecided (tests/portal/test_undo.py proves the undo)",
    "portal_budget_line_undo": "undoes the portal user's own recent decision; the victim's budget items are "
                               "undecided (tests/portal/test_undo.py proves the undo)",
}


@dataclass
class Actor:
    name: str
    http: HttpClient
    msp_id: str | None = None  # the session's workspace, put back after each write
    portal_client: uuid.UUID | None = None  # a portal user of the victim MSP: may see this client's rows
    portal_user: int | None = None
    anonymous: bool = False


def session(user, *, msp=None) -> HttpClient:
    c = HttpClient(raise_request_exception=False)  # a server error is a finding, reported with the others
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    confirm_password(c, user)  # the strongest attacker: a session that has just re-entered its password
    if msp is not None:
        s = c.session
        s[SESSION_KEY] = str(msp.pk)
        s.save()
    return c


def page_actors(world: World) -> list[Actor]:
    out = [Actor("anonymous", HttpClient(raise_request_exception=False), anonymous=True)]
    for role in STAFF_ROLES:
        out.append(Actor(f"other-msp-{role}", session(world.attacker.users[role], msp=world.attacker.msp),
                         msp_id=str(world.attacker.msp.pk)))
    out.append(Actor("second-client-portal", session(world.portal_b, msp=world.victim.msp),
                     msp_id=str(world.victim.msp.pk), portal_client=world.client_b.pk,
                     portal_user=world.portal_b.pk))
    return out


def api_actors(world: World, pages: list[Actor]) -> list[Actor]:
    out = [a for a in pages]
    with scopes_disabled():
        for role in STAFF_ROLES:
            membership = Membership.objects.get(msp=world.attacker.msp, user=world.attacker.users[role])
            _, raw = api_token_create(membership=membership, name="attack")
            http = HttpClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
            out.append(Actor(f"other-msp-{role}-token", http))
    return out


def send(http: HttpClient, method: str, url: str, body, *, api: bool, if_match: str | None = None):
    if method == "get":
        return http.get(url)
    if isinstance(body, str):  # CSV
        return getattr(http, method)(url, body, content_type="text/csv")
    if api:
        headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
        data = json.dumps(body) if body is not None else None
        return getattr(http, method)(url, data, content_type="application/json", **headers)
    if method == "post":
        return http.post(url, materialize(body or {}))
    return getattr(http, method)(url)


def _foreign_to(actor: Actor | None, world: World, value: str) -> bool:
    """Whether a victim id is foreign to the actor (the second client's portal user is of the victim MSP)."""
    if value not in world.ids:
        return False
    if actor is not None and actor.portal_client is not None:
        return not (world.ids[value] == actor.portal_client or value in world.ids_msp_wide)
    return True


def swap_form_ids(body: dict, world: World, actor: Actor | None = None) -> dict:
    """A page body with every victim id foreign to the actor replaced by an id that exists nowhere."""

    def one(v):
        if isinstance(v, list):
            return [one(x) for x in v]
        if isinstance(v, str):
            text = UUID_RE.sub(lambda m: str(uuid.uuid4()) if _foreign_to(actor, world, m.group(0).lower())
                               else m.group(0), v)
            return "987654321" if text.isdigit() and int(text) in world.staff_user_ids else text
        return v

    return {k: one(v) for k, v in body.items()}


def swap_ids(body, world: World):
    """An API body with every victim id replaced by an id that exists nowhere (the same one each time)."""
    text = body if isinstance(body, str) else json.dumps(body, default=str)
    mapping = {}

    def sub(match):
        value = match.group(0).lower()
        if value in world.ids:
            mapping.setdefault(value, str(uuid.uuid4()))
            return mapping[value]
        return match.group(0)

    text = UUID_RE.sub(sub, text)
    for user_id in world.staff_user_ids:
        text = re.sub(rf'(?<=[":\[ ]){user_id}(?=[,\]}} ])', "987654321", text)
    return text, mapping


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def add(self, message: str) -> None:
        self.problems.append(message)


def judge_content(report: Report, world: World, actor: Actor, where: str, response, *, sent: str = "") -> None:
    chunks = [response.content.decode(errors="replace") if not response.streaming else ""]
    chunks += [f"{k}: {v}" for k, v in response.items()]
    text = "\n".join(chunks)
    for s in world.forbidden_sentinels(text, portal_client=actor.portal_client, portal_user=actor.portal_user):
        report.add(f"{where}: {response.status_code}, leaked sentinel SNTL-{s.number:04d} ({s.where} of row {s.row})")
    for leaked in world.forbidden_ids(text, sent=sent, portal_client=actor.portal_client):
        report.add(f"{where}: {response.status_code}, leaked victim id {leaked}")


def pin_workspace(actor: Actor) -> None:
    """A write may create or switch a workspace; the attacker stays who it was for the next request."""
    if actor.msp_id is None:
        return
    s = actor.http.session
    if s.get(SESSION_KEY) != actor.msp_id:
        s[SESSION_KEY] = actor.msp_id
        s.save()


# --- the victim's own visit --------------------------------------------------------------------------


@dataclass
class VictimVisit:
    forms: dict = field(default_factory=dict)  # path -> parsed form
    owner: HttpClient | None = None
    portal: HttpClient | None = None
    token: HttpClient | None = None
    pages: dict = field(default_factory=dict)  # url -> (status, text) of the rightful user's GET
    post_only: set = field(default_factory=set)  # urls whose GET the route refuses (405): action buttons


def owner_token_client(world: World) -> HttpClient:
    return HttpClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {world.owner_token}")


def rightful(route: Route, visit: VictimVisit) -> HttpClient:
    return visit.portal if route.is_portal else visit.owner


def victim_visit(world: World, routes: list[Route], report: Report, *, public: bool = False) -> VictimVisit:
    """The victim opens every page: each id must resolve for them, and their forms give the bodies
    (with `public`, the sign-in and account pages too)."""
    visit = VictimVisit(owner=session(world.victim.users[Role.OWNER], msp=world.victim.msp),
                        portal=session(world.portal_a, msp=world.victim.msp),
                        token=owner_token_client(world))
    for route in routes:
        if route.is_api or (route.is_public and not public) or "get" not in route.methods():
            continue
        filled = fill(route, world)
        if filled.problem:
            continue
        response = rightful(route, visit).get(filled.url)
        report.requests += 1
        text = response.content.decode(errors="replace") if not response.streaming else ""
        visit.pages[filled.url] = (response.status_code, text)
        if response.status_code == 405:
            visit.post_only.add(filled.url)
        if route.has_ids and not route.is_public and response.status_code == 404:
            report.add(f"GET {filled.url} ({route.name}) is 404 for the victim's own "
                       f"{'portal user' if route.is_portal else 'owner'}: its ids do not resolve, so an "
                       f"attacker's 404 proves nothing; fix the victim's rows in world.py")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for form in parse_forms(text, filled.url):
                visit.forms[form["path"]] = form
    return visit


# Routes a page's script posts to rather than a form (the fields the script sends), by route name.
SCRIPT_BODIES = {
    # templates/roadmaps/includes/card.html: drag and drop posts the quarter ("" = the backlog) and version
    "initiative_move": lambda world: {"start_quarter": "",
                                      "version": str(world.objects["roadmaps.Initiative"].version)},
    # templates/surveys/public/answer.html: a score for each of the victim's questions
    "survey_answer": lambda world: {
        f"q_{pk}": "9" for pk in SurveyQuestion._base_manager.filter(
            survey=world.objects["surveys.SurveyInvitation"].campaign.survey, retired_at__isnull=True,
        ).values_list("pk", flat=True)},
}


# Routes whose form first answers with a confirmation page: the body is the confirmed one (the form's fields
# plus what the confirmation page adds), so the write proven, and attempted by the attackers, is the real one.
CONFIRMED = {
    "portal_initiative_decide": {"confirm": "yes"},  # templates/portal/decide_confirm.html
    "portal_budget_line_decide": {"confirm": "yes"},
}


def page_body(route: Route, url: str, visit: VictimVisit, world: World) -> dict:
    """The body of the victim's form that posts to `url` (or of the script that does); else none."""
    if route.name in SCRIPT_BODIES:
        return SCRIPT_BODIES[route.name](world)
    form = visit.forms.get(url)
    return {**form_body(form), **CONFIRMED.get(route.name, {})} if form is not None else {}


def rolled_back(do):
    """The response to `do()`, with everything it wrote undone."""
    sid = transaction.savepoint()
    try:
        return do()
    finally:
        transaction.savepoint_rollback(sid)


def _why(response) -> str:
    """The errors a refused form or message shows, for the report."""
    text = response.content.decode(errors="replace") if not response.streaming else ""
    found = re.findall(r'(?:invalid-feedback|errorlist|alert-danger|alert alert)[^>]*>(.{0,160})', text, re.S)
    if found:
        return " | ".join(re.sub(r"<[^>]+>|\s+", " ", f).strip() for f in found)
    return text[:300]


def prove_write(report: Report, world: World, route: Route, where: str, do) -> None:
    """The rightful user's write with the same body must change the data (then it is rolled back).
    A route that does not take the method (405 for the victim too) is judged on the attackers alone."""
    sid = transaction.savepoint()
    try:
        before = database_snapshot()
        response = do()
        report.requests += 1
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            followed = response.client.get(response["Location"]) if hasattr(response, "client") else None
            response.why = _why(followed) if followed is not None else ""
        after = database_snapshot()
    finally:
        transaction.savepoint_rollback(sid)
    if route.name in STATE_BOUND or response.status_code == 405:
        return
    if response.status_code >= 400 or not changed(before, after):
        body = getattr(response, "why", "") or _why(response)
        report.add(f"{where}: the victim's own request with the harness's body changed nothing "
                   f"({response.status_code}) {body!r}; the harness cannot build a valid body for this route: "
                   f"teach tests/isolation/bodies.py, or list it in STATE_BOUND with the reason")


# --- the attack ----------------------------------------------------------------------------------------


def expect_refusal(report: Report, actor: Actor, where: str, response, probe, *, api: bool) -> None:
    """A route with the victim's ids: 404, or the very answer an id that exists nowhere gets."""
    status = response.status_code
    if actor.anonymous:
        if api:
            ok = status in {401, 403, 404, 405}
        else:
            ok = status in {404, 405} or (status == 302 and response["Location"].startswith(LOGIN))
        if not ok:
            report.add(f"{where}: {status} for an anonymous visitor (expected the login page or 401/404)")
        return
    if status == 404:
        return
    probe_status = probe().status_code
    if status != probe_status or status not in {403, 405}:
        report.add(f"{where}: {status} with the victim's ids, {probe_status} with ids that exist nowhere "
                   f"(expected 404, or the same 403/405 for both)")


def walk_pages(world: World, routes: list[Route], visit: VictimVisit, report: Report) -> int:
    actors = page_actors(world)
    checked = 0
    for route in routes:
        if route.is_api:
            continue
        filled = fill(route, world)
        if filled.problem:
            report.add(filled.problem)
            continue
        for method in route.methods():
            body = {} if method == "get" else page_body(route, filled.url, visit, world)
            # Proof that the body is one the route takes: for a form the victim's pages render, and for
            # a route that only takes POST. A page that merely answers a POST like a GET has no body.
            if method != "get" and not route.is_public and (filled.url in visit.forms or
                                                            filled.url in visit.post_only):
                prove_write(report, world, route, f"POST {filled.url} ({route.name}) as the victim",
                            partial(send, rightful(route, visit), "post", filled.url, body, api=False))
            if method != "get" and route.text.startswith("accounts/"):
                continue  # the visitor's own account only; a POST (logout) would end the attacker's session
            for actor in actors:
                if method != "get" and not actor.anonymous and not route.is_public and not route.has_ids:
                    # The same write with ids that exist nowhere, first and rolled back, so both meet the
                    # same data: the answers must not differ.
                    probe = rolled_back(partial(send, actor.http, method, filled.url,
                                                swap_form_ids(body, world, actor), api=False))
                    pin_workspace(actor)
                response = send(actor.http, method, filled.url, body, api=False)
                report.requests += 1
                checked += 1
                where = f"{method.upper()} {filled.url} ({route.name}) as {actor.name}"
                sent = filled.url + json.dumps(body, default=str)
                judge_content(report, world, actor, where, response, sent=sent)
                if response.status_code >= 500:
                    report.add(f"{where}: server error {response.status_code}")
                if route.has_ids and not route.is_public:
                    expect_refusal(report, actor, where, response,
                                   partial(send, actor.http, method, filled.nowhere, body, api=False),
                                   api=False)
                elif method != "get" and not actor.anonymous and not route.is_public:
                    if probe.status_code != response.status_code:
                        report.add(f"{where}: {response.status_code} with the victim's ids in the body, "
                                   f"{probe.status_code} with ids that exist nowhere")
                if method != "get":
                    pin_workspace(actor)
    return checked


# --- the API -------------------------------------------------------------------------------------------


def api_request_bodies(world: World, report: Report) -> dict[tuple[str, str], object]:
    """(url name, method) -> body, from the serializer drf-spectacular finds for the operation."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    out = {}
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        concrete = re.sub(r"\{\w+\}", str(uuid.uuid4()), path)
        match = resolve(concrete)
        key = (match.url_name, method.lower())
        if method.lower() == "get":
            out[key] = None
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.registry, schema.path, schema.path_regex, schema.path_prefix, schema.method = (
            generator.registry, path, path_regex, "", method)
        try:
            serializer = schema.get_request_serializer()
            if isinstance(serializer, dict):  # by media type: JSON when offered, else CSV text
                serializer = serializer.get("application/json", serializer)
            if isinstance(serializer, dict) and "text/csv" in serializer:
                out[key] = CsvBody(CSV_SOURCES[match.url_name]) if match.url_name in CSV_SOURCES else {}
                if match.url_name not in CSV_SOURCES:
                    report.add(f"{method} {path} takes CSV; name the route giving a valid file in CSV_SOURCES")
                continue
            out[key] = serializer_body(serializer, world) if serializer is not None else {}
        except BodyError as exc:
            report.add(f"{method} {path}: {exc}")
            out[key] = {}
    return out


# CSV imports: the route whose answer (the victim's export, its text replaced) is a valid file.
CSV_SOURCES = {"standard-import-csv": "/api/v1/standards/export/"}


@dataclass
class CsvBody:
    source: str
    text: str = ""


def _harness_for(match) -> str:
    text = match.group(0)
    kind = "url" if text.startswith("http") else "email" if text.endswith("@victim.test") else "text"
    return harness_text(kind)


def csv_body(body: CsvBody, visit, world: World) -> str:
    if not body.text:
        export = visit.token.get(body.source).content.decode()
        body.text = SENTINEL_TEXT_RE.sub(_harness_for, export)
    return body.text


def if_match_for(objects: list) -> str | None:
    for obj in reversed(objects):
        version = getattr(obj, "version", None)
        if version is not None:
            return f'"{version}"'
    return '"1"'


def walk_api(world: World, routes: list[Route], visit: VictimVisit, report: Report) -> tuple[int, set]:
    bodies = api_request_bodies(world, report)
    actors = api_actors(world, page_actors(world))
    walked = set()
    checked = 0
    for route in routes:
        # Public API routes under /api/v1/ (the survey link's JSON form) are walked too; the API's
        # description is not (it holds no tenant data).
        if not route.is_api or (route.is_public and not route.text.startswith("api/v1/")):
            continue
        filled = fill(route, world)
        if filled.problem:
            report.add(filled.problem)
            continue
        if_match = if_match_for(route_objects(route, world))
        for method in route.methods():
            walked.add((route.name, method))
            body = bodies.get((route.name, method), {} if method != "get" else None)
            if isinstance(body, CsvBody):
                body = csv_body(body, visit, world)
            where_victim = f"{method.upper()} {filled.url} as the victim's owner token"
            if route.format_suffix or route.is_public:
                pass  # the suffix: proven by the route without it; a public link: no rightful owner's token
            elif method == "get":
                response = visit.token.get(filled.url)
                report.requests += 1
                if route.has_ids and response.status_code != 200 or response.status_code >= 500:
                    report.add(f"{where_victim}: {response.status_code}; the ids do not resolve for the victim")
            elif route.is_api:
                prove_write(report, world, route, where_victim,
                            partial(send, visit.token, method, filled.url, body, api=True, if_match=if_match))
            for actor in actors:
                if method != "get" and not actor.anonymous and not route.has_ids:
                    swapped, mapping = swap_ids(body, world)
                    probe_body = swapped if isinstance(body, str) else json.loads(swapped)
                    probe = rolled_back(partial(send, actor.http, method, filled.url, probe_body, api=True,
                                                if_match=if_match))
                response = send(actor.http, method, filled.url, body, api=True, if_match=if_match)
                report.requests += 1
                checked += 1
                where = f"{method.upper()} {filled.url} ({route.name}) as {actor.name}"
                sent = filled.url + json.dumps(body, default=str)
                judge_content(report, world, actor, where, response, sent=sent)
                if response.status_code >= 500:
                    report.add(f"{where}: server error {response.status_code}")
                if route.has_ids:
                    expect_refusal(report, actor, where, response,
                                   partial(send, actor.http, method, filled.nowhere, body, api=True,
                                           if_match=if_match), api=True)
                elif actor.anonymous:
                    if response.status_code not in {401, 403}:
                        report.add(f"{where}: {response.status_code} for an anonymous caller (expected 401)")
                elif method != "get":
                    echoed = response.content.decode(errors="replace")
                    for mine, other in mapping.items():
                        echoed = re.sub(re.escape(mine), other, echoed, flags=re.IGNORECASE)
                    for user_id in world.staff_user_ids:
                        echoed = re.sub(rf"(?<![0-9a-f-]){user_id}(?![0-9a-f-])", "987654321", echoed)
                    same = response.status_code == probe.status_code and (
                        response.status_code < 300 or echoed == probe.content.decode(errors="replace"))
                    if not same:  # a created record's answer differs by its new id: its status must not
                        report.add(f"{where}: answers {response.status_code} {echoed[:200]!r} with the victim's "
                                   f"ids in the body but {probe.status_code} "
                                   f"{probe.content.decode(errors='replace')[:200]!r} with ids that exist nowhere")
                if method != "get":
                    pin_workspace(actor)
    public = {r.name for r in routes if r.is_public}
    missing = {k for k in bodies if k not in walked and k[0] not in public}
    for name, method in sorted(missing):
        report.add(f"{method.upper()} of API route {name} is in the OpenAPI schema but not in the walk")
    return checked, walked


def routes_and_problems() -> list[Route]:
    return all_routes()


def stale_state_bound(routes: list[Route]) -> list[str]:
    names = {r.name for r in routes}
    return [f"STATE_BOUND or SCRIPT_BODIES names {n!r}, which is no route"
            for n in [*STATE_BOUND, *SCRIPT_BODIES] if n not in names]
