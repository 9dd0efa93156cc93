"""Every route of the URL configuration, with each placeholder filled with the victim's own row.

Routes come from the URL patterns themselves (not a list kept by hand and not only the OpenAPI schema),
so a new page, a new viewset and a plain view under /api/v1/ all join the walk. A placeholder is mapped
to a model by its name (`client_id` -> Client, `review_id` -> Review, ...; `pk` by the view's model),
and filled with the victim row of that model, so a nested path gets each placeholder its own id. A
placeholder the harness cannot map is reported, and the suite fails.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from surveys.tokens import survey_token_make

from .world import World, project_models

# Placeholder names that are not the model's own name.
ALIASES = {
    "objective": "clients.BusinessObjective",
    "access": "clients.ClientAccess",
    "line": "budgets.BudgetLine",
    "budget_line": "budgets.BudgetLine",
    "version": "budgets.BudgetVersion",
    "token": "msp.ApiToken",
    "campaign": "surveys.SurveyCampaign",
}
# Routes whose `token` is a signed survey link (surveys.tokens): the attackers get a link naming the
# victim's invitation under the attacker's MSP (a token of another MSP), which must find nothing.
SURVEY_TOKEN_ROUTES = {"survey_answer", "public-survey"}
# Routes whose placeholder must stand for a particular victim row: deciding a budget item needs a line
# of no initiative (a line of an initiative is decided with the initiative).
ROUTE_OBJECTS = {
    "portal_budget_line_decide": {"line_id": "budgets.BudgetLine:free"},
    "portal_budget_line_undo": {"line_id": "budgets.BudgetLine:free"},
    "budget_line_decide": {"line_id": "budgets.BudgetLine:free"},
    # A category with standards cannot be archived; the empty one can.
    "category_archive": {"category_id": "standards.Category:empty"},
    "standard-category-detail": {"pk": "standards.Category:empty"},
    # Only a finished export has a zip to download.
    "job_download": {"job_id": "msp.Job:export"},
}
# Placeholders that are secrets, not ids: a well-formed value nobody holds.
SECRET_PLACEHOLDERS = {"key", "uidb36"}
# Placeholders that name a fixed vocabulary, not a row: the same real value for victim and attacker.
FIXED_PLACEHOLDERS = {("scorecard_figure", "figure"): "clients_churned",
                      # A person's own passkey (allauth finds it among the signed-in person's keys only): no
                      # tenant row stands for it, so an id nobody holds; the victim's visit then 404s too.
                      ("mfa_remove_webauthn", "pk"): "0", ("mfa_edit_webauthn", "pk"): "0"}
# Routes with no tenant data, sign-in and account pages of allauth included; walked all the same.
PUBLIC_PREFIXES = ("accounts/", "healthz", "readyz", "api/schema/", "api/docs/", "invitations/", "calendar/", "s/",
                   "api/v1/public/")


@dataclass(frozen=True)
class Route:
    text: str  # the pattern as written, e.g. "clients/<uuid:client_id>/"
    name: str
    callback: object
    placeholders: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.text.startswith("api/")

    @property
    def is_portal(self) -> bool:
        return self.text.startswith("portal/")

    @property
    def is_public(self) -> bool:
        return self.text.startswith(PUBLIC_PREFIXES) or self.text == ""

    @property
    def has_ids(self) -> bool:
        return any(p != "format" and (self.name, p) not in FIXED_PLACEHOLDERS for p in self.placeholders)

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def actions(self) -> dict:
        return getattr(self.callback, "actions", None) or {}

    @property
    def format_suffix(self) -> bool:
        return "format" in self.placeholders

    def methods(self) -> list[str]:
        """The methods worth sending: a viewset route's own, a class-based API view's, else GET and POST
        (a page view may take either; what it refuses is judged like the rest)."""
        if self.actions:  # DRF adds "head" to this dict once the route has served a GET: not a method of ours
            return sorted(m for m in self.actions if m in {"get", "post", "put", "patch", "delete"})
        if self.is_api and self.view_class is not None:
            return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(self.view_class, m)]
        return ["get", "post", "put", "patch", "delete"] if self.is_api else ["get", "post"]


def _walk(patterns, prefix="", names=()):
    for p in patterns:
        groups = tuple(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), names + groups)
        elif isinstance(p, URLPattern):
            yield Route(prefix + str(p.pattern), p.name or "", p.callback, names + groups)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _model_index() -> dict[str, str]:
    index = {}
    for model in project_models():
        index.setdefault(model._meta.model_name, model._meta.label)
    return index


def view_model(route: Route):
    """The model a DRF view's `pk` stands for."""
    cls = route.view_class
    model = getattr(cls, "model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    if model is None and cls is not None:
        # As drf-spectacular reads it: the queryset of a view built for the schema.
        view = cls(**getattr(route.callback, "initkwargs", {}))
        view.swagger_fake_view = True
        view.action = (route.actions or {}).get("get")
        try:
            model = view.get_queryset().model
        except Exception:  # noqa: BLE001 - a view without a queryset: the serializer's model below
            serializer = getattr(cls, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
    return model


def placeholder_label(route: Route, name: str) -> str | None:
    """The model label (or victim object key) a placeholder stands for; None when unknown."""
    override = ROUTE_OBJECTS.get(route.name, {}).get(name)
    if override:
        return override
    if name == "pk":
        model = view_model(route)
        return model._meta.label if model is not None else None
    base = name.removesuffix("_id").removesuffix("_pk")
    if base in ALIASES:
        return ALIASES[base]
    return _model_index().get(base.replace("_", ""))


@dataclass
class Filled:
    url: str
    nowhere: str  # the same route with ids that exist nowhere
    problem: str = ""


def fill(route: Route, world: World) -> Filled:
    kwargs, nowhere = {}, {}
    for name in route.placeholders:
        if name == "format":
            kwargs[name] = nowhere[name] = "json"
        elif name == "token" and route.name == "invitation_accept":
            # An invitation link is a secret: the victim's pending link of the right shape, with a
            # secret nobody was sent (a portal link names its MSP, so this one names the victim's).
            kwargs[name] = f"p.{world.victim.msp.pk}.{secrets.token_urlsafe(24)}"
            nowhere[name] = f"p.{uuid.uuid4()}.{secrets.token_urlsafe(24)}"
        elif name == "token" and route.name in SURVEY_TOKEN_ROUTES:
            kwargs[name] = survey_token_make(invitation_id=world.objects["surveys.SurveyInvitation"].pk,
                                             msp_id=world.attacker.msp.pk)
            nowhere[name] = survey_token_make(invitation_id=uuid.uuid4(), msp_id=uuid.uuid4())
        elif (route.name, name) in FIXED_PLACEHOLDERS:
            kwargs[name] = nowhere[name] = FIXED_PLACEHOLDERS[(route.name, name)]
        elif name in SECRET_PLACEHOLDERS:
            kwargs[name] = nowhere[name] = "zz" if name == "uidb36" else secrets.token_urlsafe(16)
        else:
            label = placeholder_label(route, name)
            if label is None or label not in world.objects:
                return Filled("", "", f"route {route.text!r} ({route.name}): placeholder {name!r} maps to no "
                                      f"victim row (model {label}); map it in tests/isolation/routes.py ALIASES "
                                      f"or give the victim a row in world.py")
            kwargs[name] = str(world.objects[label].pk)
            nowhere[name] = str(uuid.uuid4())
    if not route.name and not route.placeholders:  # an unnamed fixed address (allauth's old redirects)
        return Filled("/" + route.text, "/" + route.text)
    try:
        return Filled(reverse(route.name, kwargs=kwargs), reverse(route.name, kwargs=nowhere))
    except Exception as exc:  # noqa: BLE001 - reported with the route, the suite fails
        return Filled("", "", f"route {route.text!r}: cannot build its URL ({exc})")


def route_objects(route: Route, world: World) -> list:
    """The victim rows a filled route points at."""
    out = []
    for name in route.placeholders:
        label = placeholder_label(route, name) if name not in SECRET_PLACEHOLDERS | {"format"} else None
        if label in world.objects:
            out.append(world.objects[label])
    return out
