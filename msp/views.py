"""Pages of the workspace: home, MSP settings, members and invitations, API tokens, background jobs, health.

Wiring, not core: the one invitation link also accepts client-portal invitations, so this module imports
clients. No app imports it; what the apps' pages share lives in msp.pages and msp.form_bases.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.defaults import page_not_found

from clients.services import portal_access_accept, portal_invitation_from_token
from meetings.views_home import vcio_home_page

from . import entra, services
from .activities import notification_mark_read
from .adapters import INVITATION_SESSION_KEY
from .brand import brand_logo_response, brand_of
from .choices import JobStatus
from .export import KIND as EXPORT_KIND
from .export import msp_export_enqueue
from .forms import ApiTokenForm, InvitationForm, MspSettingsForm, NewWorkspaceForm, RoleForm
from .invitations import accept_flow, accept_staff_invitation, microsoft_acceptable
from .jobs import job_cancel
from .models import ApiToken, Invitation, Job, Membership, Notification
from .pages import add_errors
from .permissions import public, require_perm, signed_in
from .reauth import recent_login_required
from .roles import Perm, Role
from .tenancy import SESSION_KEY, StaleVersionError, active_memberships, get_in_scope


@public  # it only sends each visitor where they belong
@require_GET
def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.membership is None:
        return redirect("workspace_create")
    if request.role == Role.CLIENT:
        return redirect("portal_home")
    if request.role == Role.OWNER:
        return redirect("scorecard")  # the practice at a glance (playbook/views_scorecard.py)
    if request.role in (Role.VCIO, Role.TAM):
        return vcio_home_page(request)  # the work waiting for them (meetings/views_home.py)
    return redirect("client_list")


@signed_in
def workspace_create(request):
    """A signed-in person with no MSP (or wanting another) creates a workspace and owns it."""
    form = NewWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        msp = services.msp_create(name=form.cleaned_data["name"], owner=request.user)
        request.session[SESSION_KEY] = str(msp.pk)
        messages.success(request, f"Workspace “{msp.name}” created. You are its owner.")
        return redirect("home")
    return render(request, "msp/workspace_create.html", {"form": form})


@signed_in
@require_POST
def workspace_switch(request):
    wanted = request.POST.get("msp", "")
    for m in active_memberships(request.user):
        if str(m.msp_id) == wanted:
            request.session[SESSION_KEY] = str(m.msp_id)
            messages.success(request, f"Now working in {m.msp.name}.")
            return redirect("home")
    raise Http404


@require_perm(Perm.MANAGE_SETTINGS)
def workspace_settings(request):
    msp = request.msp
    form = MspSettingsForm(request.POST or None, request.FILES or None, instance=msp,
                           initial={"version": msp.version})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in MspSettingsForm.Meta.fields}
        try:
            services.msp_update(msp=msp, actor=request.user, expected_version=form.cleaned_data["version"],
                                logo=form.cleaned_data["logo"],
                                remove_logo=form.cleaned_data.get("remove_logo", False), **data)
        except StaleVersionError:
            form.add_error(None, "These settings were changed by someone else while you were editing. "
                                 "Reload the page to see their change, then apply yours again.")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Settings saved.")
            return redirect("workspace_settings")
    if request.method == "POST" and getattr(request, "upload_too_big", False):
        form.add_error("logo", "The logo may be at most 1 MB.")
    return render(request, "msp/settings.html", {"form": form, "brand": brand_of(msp, with_logo=False)})


@require_perm(Perm.USE_STAFF_AREA)
@require_GET
def brand_logo(request):
    """The MSP's logo, for its staff (the settings page shows it); the portal has its own route."""
    return brand_logo_response(request, request.msp)


@require_perm(Perm.MANAGE_MEMBERS)
@recent_login_required
def member_list(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        again = Invitation.objects.pending().filter(msp=request.msp, email=email).exists()
        try:
            services.invitation_create(msp=request.msp, email=email, role=form.cleaned_data["role"],
                                       actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent again to {email}; the earlier link no longer works."
                             if again else f"Invitation sent to {email}.")
            return redirect("member_list")
    members = (
        Membership.objects.filter(msp=request.msp, removed_at__isnull=True)
        .exclude(role=Role.CLIENT)
        .select_related("user")
        .order_by("user__email")
    )
    invitations = Invitation.objects.pending().filter(msp=request.msp).select_related("invited_by")
    return render(request, "msp/members.html", {
        "members": members, "invitations": invitations, "form": form,
        "role_choices": RoleForm.base_fields["role"].choices,
    })


def _staff_membership(request, membership_id) -> Membership:
    membership = (
        Membership.objects.filter(pk=membership_id, msp=request.msp, removed_at__isnull=True)
        .exclude(role=Role.CLIENT)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@require_perm(Perm.MANAGE_MEMBERS)
@require_POST
@recent_login_required
def member_role(request, membership_id):
    membership = _staff_membership(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, vCIO, TAM or viewer.")
        return redirect("member_list")
    try:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user.display_name} is now {membership.get_role_display()}.")
    return redirect("member_list")


@require_perm(Perm.MANAGE_MEMBERS)
@require_POST
@recent_login_required
def member_remove(request, membership_id):
    membership = _staff_membership(request, membership_id)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user.display_name} was removed from {request.msp.name}.")
    return redirect("member_list")


@require_perm(Perm.MANAGE_MEMBERS)
@require_POST
@recent_login_required
def invitation_revoke(request, invitation_id):
    invitation = Invitation.objects.pending().filter(pk=invitation_id, msp=request.msp).first()
    if invitation is None:
        raise Http404
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("member_list")


@public
def invitation_accept(request, token: str):
    """The link from an invitation email: staff invitations and client portal invitations."""
    invitation = services.invitation_from_token(token)
    access = None if invitation else portal_invitation_from_token(token)
    if invitation is None and access is None:
        return render(request, "msp/invitation_invalid.html", status=404)
    if invitation is not None:
        return accept_staff_invitation(request, invitation, token)
    return accept_flow(
        request, token=token, email=access.email, msp=access.msp,
        what=f"use the client portal of {access.client.name}",
        accept=lambda user: portal_access_accept(access=access, user=user),
    )


@public
@require_POST
def invitation_accept_microsoft(request, token: str):
    """"Accept with Microsoft" on a staff invitation: remember the invitation for the sign-in's return
    (msp.adapters.accept_invitation_with_microsoft), then go to Microsoft."""
    invitation = services.invitation_from_token(token)
    if invitation is None or not microsoft_acceptable(invitation) or request.user.is_authenticated:
        return render(request, "msp/invitation_invalid.html", status=404)
    request.session[INVITATION_SESSION_KEY] = token
    return entra.oauth2_login(request)


@require_perm(Perm.USE_API)
@recent_login_required
def api_token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        if not request.role or request.role == Role.CLIENT:
            raise Http404
        _, new_token = services.api_token_create(membership=request.membership, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(membership__user=request.user, membership__msp=request.msp)
    return render(request, "msp/api_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token})


@require_perm(Perm.USE_API)
@require_POST
def api_token_revoke(request, token_id):
    token = ApiToken.objects.filter(pk=token_id, membership__user=request.user, membership__msp=request.msp).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("api_token_list")


@require_perm(Perm.USE_STAFF_AREA)
@require_GET
def job_detail(request, job_id):
    """A background job's progress and outcome. Any staff member of the MSP may follow its jobs.

    While the job runs the status block asks for itself again every second (htmx); an htmx request gets
    only that block, and once the job has finished the block no longer asks, so polling stops.
    """
    job = get_in_scope(Job.objects.select_related("created_by"), pk=job_id)
    template = "msp/includes/job_status.html" if request.htmx else "msp/job_detail.html"
    can_cancel = not job.is_finished and (request.role == Role.OWNER or job.created_by_id == request.user.pk)
    # An export's zip is for owners only; the others see the job without its download.
    links = job.links if job.kind != EXPORT_KIND or request.role == Role.OWNER else []
    response = render(request, template, {"job": job, "can_cancel": can_cancel, "links": links})
    patch_vary_headers(response, ["HX-Request"])
    return response


JOBS_PAGE_SIZE = 25


def _jobs_visible(request):
    """The jobs the person may follow in the list and cancel: their own, or every job for an owner."""
    jobs = Job.objects.select_related("created_by")
    return jobs if request.role == Role.OWNER else jobs.filter(created_by=request.user)


@require_perm(Perm.USE_STAFF_AREA)
@require_GET
def job_list(request):
    """Background jobs, newest first, 25 a page, filtered by status: a person's own, an owner's all."""
    status = request.GET.get("status", "")
    jobs = _jobs_visible(request)
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    else:
        status = ""
    page = Paginator(jobs.order_by("-created_at", "pk"), JOBS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "msp/job_list.html", {"page": page, "status": status, "statuses": JobStatus.choices,
                                                 "everyone": request.role == Role.OWNER})


@require_perm(Perm.USE_STAFF_AREA)
@require_POST
def job_cancel_view(request, job_id):
    """Cancel a job one started (an owner: any job). A queued job stops at once, a running one at its next
    step; a finished job stays as it is."""
    job = _jobs_visible(request).filter(pk=job_id).first()
    if job is None:
        raise Http404
    job = job_cancel(job=job, actor=request.user)
    if job.status == JobStatus.CANCELLED:
        messages.success(request, f"“{job.title}” is cancelled.")
    elif job.is_finished:
        messages.info(request, f"“{job.title}” had already finished.")
    else:
        messages.info(request, f"“{job.title}” stops at its next step.")
    return redirect("job_detail", job_id=job.pk)


@require_perm(Perm.MANAGE_SETTINGS)
@require_POST
def workspace_export(request):
    """An owner queues the export of all the workspace's data (msp.export) and follows it on the job page."""
    job = msp_export_enqueue(msp=request.msp, actor=request.user)
    return redirect("job_detail", job_id=job.pk)


@require_perm(Perm.MANAGE_SETTINGS)
@require_GET
def job_download(request, job_id):
    """The zip of a finished export, for the owners of its MSP."""
    job = get_in_scope(Job.objects.filter(kind=EXPORT_KIND, status=JobStatus.SUCCEEDED), pk=job_id)
    name = job.records.get("export", "")
    if not name or not default_storage.exists(name):
        raise Http404
    stamp = job.finished_at.strftime("%Y%m%d-%H%M")
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, content_type="application/zip",
                        filename=f"{request.msp.slug}-export-{stamp}.zip")


@public
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@public
@require_GET
def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a probe
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.CELERY_BROKER_URL:
        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def csrf_failure(request, reason=""):
    return HttpResponse("Your form expired. Go back, reload the page and try again.", status=403)


@require_perm(Perm.USE_STAFF_AREA)
@require_GET
def notification_list(request):
    """The signed-in person's notifications in this MSP, newest first."""
    notes = Notification.objects.filter(user=request.user)[:100]
    return render(request, "msp/notifications.html", {"notifications": notes})


@require_perm(Perm.USE_STAFF_AREA)
@require_POST
def notification_open(request, notification_id):
    note = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if note is None:
        raise Http404
    notification_mark_read(notification=note)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notification_list")


def not_found(request, exception=None):
    """The 404 answer: JSON under /api/ (a URL no route matches, such as an id that is not a UUID, reads
    like any other missing record of the API), the site's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
