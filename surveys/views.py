"""Staff pages of the client survey: the surveys and their questions, the campaigns with each invitation
(and its link, to resend by hand), and the results with their charts and the clients behind each figure.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), every write goes
through surveys.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.models import Client
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.selectors import staff_users
from msp.tenancy import StaleVersionError, get_in_scope

from . import selectors, services
from .charts import questions_chart, trend_chart
from .choices import DEFAULT_QUESTIONS, DEFAULT_SURVEY_NAME, TARGET, CampaignStatus
from .forms import CampaignForm, SurveyForm
from .models import Survey, SurveyCampaign
from .tokens import survey_link


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def survey_home(request):
    surveys = list(selectors.surveys_live())
    years = selectors.survey_results()
    return render(request, "surveys/home.html", {
        "surveys": [(s, list(selectors.survey_questions(survey=s))) for s in surveys],
        "default_questions": DEFAULT_QUESTIONS if not surveys else (),
        "campaigns": selectors.campaigns(),
        "years": years,
        "latest": years[0] if years else None,
        "trend": trend_chart(years) if years else None,
        "can_manage": can(request.role, Perm.MANAGE_SURVEYS),
        "target": TARGET,
    })


@require_perm(Perm.MANAGE_SURVEYS)
@require_http_methods(["GET", "POST"])
def survey_create(request):
    form = SurveyForm(request.POST or None, initial={"name": "" if selectors.surveys_live().exists()
                                                     else DEFAULT_SURVEY_NAME,
                                                     "questions": "\n".join(DEFAULT_QUESTIONS)})
    if request.method == "POST" and form.is_valid():
        try:
            is_default = not Survey.objects.filter(is_default=True).exists()
            survey = services.survey_create(msp=request.msp, actor=request.user, name=form.cleaned_data["name"],
                                            questions=form.question_list, is_default=is_default)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Survey “{survey.name}” saved.")
            return redirect("survey_home")
    return render(request, "surveys/survey_form.html", {"form": form, "survey": None})


@require_perm(Perm.MANAGE_SURVEYS)
@require_http_methods(["GET", "POST"])
def survey_edit(request, survey_id):
    survey = get_in_scope(Survey.objects.filter(archived_at__isnull=True), pk=survey_id)
    questions = [q.text for q in selectors.survey_questions(survey=survey)]
    form = SurveyForm(request.POST or None, initial={"name": survey.name, "questions": "\n".join(questions),
                                                     "version": survey.version})
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.survey_update(survey=survey, actor=request.user, name=form.cleaned_data["name"],
                                             questions=form.question_list,
                                             expected_version=form.cleaned_data.get("version"))
        except StaleVersionError:
            form.add_error(None, "Someone else changed this survey while you were editing. Nothing was saved; "
                                 "reload the page to see their version.")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Survey “{updated.name}” saved (version {updated.version}).")
            return redirect("survey_home")
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@require_perm(Perm.MANAGE_SURVEYS)
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    taken = set(SurveyCampaign.objects.exclude(status=CampaignStatus.CANCELLED).values_list("year", flat=True))
    next_year = timezone.localdate().year
    while next_year in taken:
        next_year += 1
    surveys = selectors.surveys_live()
    form = CampaignForm(request.POST or None, surveys=surveys, next_year=next_year)
    if not surveys.exists():
        # The first campaign of a new MSP uses the default survey, made on the spot.
        form.fields["survey"].queryset = Survey.objects.none()
        form.fields["survey"].required = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = data["survey"] or services.survey_default_ensure(msp=request.msp, actor=request.user)
            campaign = services.campaign_create(msp=request.msp, actor=request.user, survey=survey,
                                                year=data["year"], send_on=data["send_on"],
                                                open_days=data["open_days"], reminder_days=data["reminder_days"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"The {campaign.year} survey will be sent on {campaign.send_on:%-d %B %Y}.")
            return redirect("survey_campaign_detail", campaign_id=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form})


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def campaign_detail(request, campaign_id):
    campaign = get_in_scope(SurveyCampaign.objects.select_related("survey"), pk=campaign_id)
    now = timezone.now()
    show_links = can(request.role, Perm.EDIT_CLIENTS)
    rows = []
    for invitation in selectors.campaign_invitations(campaign=campaign):
        state = invitation.state(now)
        rows.append({"invitation": invitation, "state": state,
                     "link": survey_link(invitation) if show_links and state == "open" else ""})
    years = selectors.survey_results(year=campaign.year)
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign, "rows": rows, "figures": years[0] if years else None, "show_links": show_links,
        "can_manage": can(request.role, Perm.MANAGE_SURVEYS),
    })


@require_perm(Perm.MANAGE_SURVEYS)
@require_POST
def campaign_cancel(request, campaign_id):
    campaign = get_in_scope(SurveyCampaign, pk=campaign_id)
    try:
        services.campaign_cancel(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The {campaign.year} campaign is cancelled; nothing was sent.")
    return redirect("survey_home")


def _results_page(request, *, client: Client | None, vcio=None):
    years = selectors.survey_results(client=client, vcio_id=vcio.pk if vcio else None)
    return render(request, "surveys/results.html", {
        "years": years,
        "charts": [(y, questions_chart(y)) for y in years],
        "trend": trend_chart(years) if years else None,
        "client": client,
        "vcio": vcio,
        "vcios": staff_users(msp=request.msp),
        "target": TARGET,
        "filter_query": (f"&client={client.pk}" if client else "") + (f"&vcio={vcio.pk}" if vcio else ""),
    })


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def survey_results(request):
    """The MSP's results, or one vCIO's clients' (`?vcio=<user id>`)."""
    vcio = None
    vcio_id = _int(request.GET.get("vcio"))
    if request.GET.get("vcio"):
        vcio = next((u for u in staff_users(msp=request.msp) if u.pk == vcio_id), None)
        if vcio is None:
            raise Http404
    return _results_page(request, client=None, vcio=vcio)


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def survey_client_results(request, client_id):
    client = get_in_scope(Client, pk=client_id)
    return _results_page(request, client=client)


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def survey_drilldown(request):
    """The clients behind a figure: `?year=` and optionally `position=`, `below=1`, `vcio=`, `client=`."""
    year = _int(request.GET.get("year"))
    if year is None:
        raise Http404
    client = get_in_scope(Client, pk=request.GET["client"]) if request.GET.get("client") else None
    vcio_id = _int(request.GET.get("vcio")) if request.GET.get("vcio") else None
    position = _int(request.GET.get("position")) if request.GET.get("position") else None
    below = request.GET.get("below") == "1"
    rows = selectors.survey_drilldown(year=year, client=client, vcio_id=vcio_id, position=position,
                                      below_target=below)
    figures = selectors.survey_results(client=client, vcio_id=vcio_id, year=year)
    positions = [q.position for q in figures[0].questions] if figures else []
    return render(request, "surveys/drilldown.html", {
        "year": year, "rows": [(r, [r.scores.get(p) for p in positions]) for r in rows], "position": position,
        "below": below, "client": client, "positions": positions,
        "question": next((q for q in figures[0].questions if q.position == position), None) if figures else None,
        "target": TARGET, "back": reverse("survey_results"),
    })
