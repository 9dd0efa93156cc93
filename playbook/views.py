"""Pages of the playbook: a vCIO's year, the owner's objectives, and escalations."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import services
from .forms import EscalationForm, objectives_form
from .models import Escalation
from .selectors import ACTIVITIES, objectives_for, playbook_vcios, playbook_year

STALE = ("This escalation was changed by someone else while you were editing. Nothing was saved. Reload the "
         "page to see their changes, then apply yours again.")


def _today(request):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(request.msp.time_zone))


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return _today(request).year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


def _chosen_vcio(request, vcios):
    """The vCIO whose playbook is shown: a vCIO sees only their own; owners and viewers pick anyone."""
    if not can(request.role, Perm.VIEW_ALL_PLAYBOOKS):
        return request.user
    wanted = request.GET.get("vcio", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        chosen = vcios.filter(pk=int(wanted)).first()
        if chosen is None:
            raise Http404
        return chosen
    return vcios.first()


@require_perm(Perm.VIEW_PLAYBOOK)
@require_GET
def playbook(request):
    vcios = playbook_vcios(msp=request.msp)
    year = _year(request)
    vcio = _chosen_vcio(request, vcios)
    data = playbook_year(msp=request.msp, vcio=vcio, year=year, as_of=_today(request)) if vcio else None
    return render(request, "playbook/playbook.html", {
        "data": data, "year": year, "vcios": vcios if can(request.role, Perm.VIEW_ALL_PLAYBOOKS) else [],
        "vcio": vcio, "activities": ACTIVITIES, "can_set": can(request.role, Perm.SET_OBJECTIVES),
        "years": range(_today(request).year - 2, _today(request).year + 2)})


@require_perm(Perm.SET_OBJECTIVES)
def objectives_edit(request):
    """?vcio=<user id>&year=YYYY: the vCIO's objectives for the year (the first vCIO by default)."""
    vcio = _chosen_vcio(request, playbook_vcios(msp=request.msp))
    if vcio is None:
        raise Http404
    year = _year(request)
    form = objectives_form(ACTIVITIES, objectives_for(vcio=vcio, year=year), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objectives_set(msp=request.msp, vcio=vcio, year=year, actor=request.user,
                                    annual=dict(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Objectives for {vcio.display_name}, {year}, saved.")
            return redirect(f"{reverse('playbook')}?vcio={vcio.pk}&year={year}")
    return render(request, "playbook/objectives.html", {"form": form, "vcio": vcio, "year": year})


@require_perm(Perm.VIEW_CLIENTS, write=Perm.LOG_ESCALATIONS)
def escalation_list(request):
    vcios = playbook_vcios(msp=request.msp)
    can_log = can(request.role, Perm.LOG_ESCALATIONS)
    initial = {"vcio": request.user.pk} if vcios.filter(pk=request.user.pk).exists() else {}
    form = EscalationForm(request.POST or None, vcios=vcios, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Escalation logged.")
            return redirect("escalation_list")
    rows = Escalation.objects.filter(archived_at__isnull=True).select_related("client", "vcio")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "playbook/escalations.html", {"form": form if can_log else None, "page": page})


@require_perm(Perm.LOG_ESCALATIONS)
def escalation_edit(request, escalation_id):
    escalation = get_in_scope(Escalation.objects.select_related("client", "vcio"), pk=escalation_id)
    form = EscalationForm(request.POST or None, instance=escalation, vcios=playbook_vcios(msp=request.msp))
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_update(escalation=escalation, actor=request.user,
                                       expected_version=form.expected_version, **form.service_fields())
        except StaleVersionError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Escalation saved.")
            return redirect("escalation_list")
    return render(request, "playbook/escalation_form.html", {"form": form, "escalation": escalation})


@require_perm(Perm.LOG_ESCALATIONS)
@require_POST
def escalation_archive(request, escalation_id):
    escalation = get_in_scope(Escalation, pk=escalation_id)
    services.escalation_archive(escalation=escalation, actor=request.user)
    messages.success(request, f"Escalation “{escalation.summary}” archived; it no longer counts.")
    return redirect("escalation_list")
