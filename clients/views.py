"""Staff pages of the clients app: clients, contacts, objectives, assets, portal access, asset import.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), forms
validate, and every write goes through clients.services (or clients.imports for the CSV import).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from msp.csvfiles import text_digest
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import imports, selectors, services
from .choices import AssetStatus
from .forms import (
    AssetForm,
    AssetImportForm,
    ClientFilterForm,
    ClientForm,
    ContactForm,
    ObjectiveForm,
    PortalInviteForm,
)
from .models import Asset, BusinessObjective, Client, ClientAccess, Contact
from .profile import profile_status

PAGE_SIZE = 50


def _stale(what: str) -> str:
    return (f"This {what} was changed by someone else while you were editing. Nothing was saved. "
            "Reload the page to see their changes, then apply yours again.")


def _client(client_id) -> Client:
    return get_in_scope(Client.objects.select_related("vcio", "tam"), pk=client_id)


def _live_client(request, client_id) -> Client | None:
    """The client for a page that adds to it; None (with a message) when it is archived."""
    client = _client(client_id)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before changing it.")
        return None
    return client


# --- clients ------------------------------------------------------------------------------------------

@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_list(request):
    filter_form = ClientFilterForm(request.GET or None, msp=request.msp)
    filters = filter_form.filters()
    qs = selectors.client_list(**filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(filters[k] for k in ("search", "vcio", "tam", "status"))
    return render(request, "clients/client_list.html", {
        "filter_form": filter_form,
        "filters": filters,
        "filtered": filtered,
        "page": page,
        "clients": page.object_list,
        "totals": selectors.client_totals(qs),
        "can_edit": can(request.role, Perm.EDIT_CLIENTS),
    })


@require_perm(Perm.EDIT_CLIENTS)
def client_create(request):
    form = ClientForm(request.POST or None, msp=request.msp)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(msp=request.msp, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Client “{client.name}” created.")
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


def _months_until(today: date, day: date | None) -> str | None:
    """'past' when the date has gone by, 'soon' within 12 months, else None."""
    if day is None:
        return None
    if day < today:
        return "past"
    try:
        horizon = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        horizon = today.replace(year=today.year + 1, day=28)
    return "soon" if day <= horizon else None


def _attention(asset: Asset, *, warranty: str | None, support: str | None) -> str | None:
    """Whether an asset needs the vCIO's attention: "past" (red) when the vendor's support has ended,
    "soon" (amber) when support or the warranty ends within 12 months, else None. A warranty that has
    already run out on a supported asset is shown in its cell only, and spare or retired kit never needs
    attention."""
    if asset.status != AssetStatus.IN_SERVICE:
        return None
    if support == "past":
        return "past"
    return "soon" if "soon" in (warranty, support) else None


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_detail(request, client_id):
    client = _client(client_id)
    today = timezone.localdate()
    assets = []
    for asset in Asset.objects.filter(client=client, archived_at__isnull=True):
        warranty = _months_until(today, asset.warranty_end)
        support = _months_until(today, asset.end_of_support)
        assets.append({"asset": asset, "warranty": warranty, "support": support,
                       "flag": _attention(asset, warranty=warranty, support=support)})
    contacts = list(Contact.objects.filter(client=client, archived_at__isnull=True))
    accesses = list(ClientAccess.objects.filter(client=client).select_related("contact", "user"))
    live_access_contacts = {a.contact_id for a in accesses if a.revoked_at is None}
    return render(request, "clients/client_detail.html", {
        "client": client,
        "contacts": contacts,
        "objectives": BusinessObjective.objects.filter(client=client, archived_at__isnull=True),
        "assets": assets,
        "assets_flagged": sum(1 for a in assets if a["flag"]),
        "accesses": accesses,
        "invitable": [c for c in contacts if c.email and c.pk not in live_access_contacts],
        "can_edit": can(request.role, Perm.EDIT_CLIENTS),
        "can_archive": can(request.role, Perm.ARCHIVE_CLIENTS),
        "can_edit_assets": can(request.role, Perm.EDIT_ASSETS),
        "can_manage_portal": can(request.role, Perm.MANAGE_PORTAL),
        "profile": profile_status(client),
    })


@require_perm(Perm.EDIT_CLIENTS)
def client_edit(request, client_id):
    client = _client(client_id)
    title = client.name
    form = ClientForm(request.POST or None, instance=client, msp=request.msp)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, actor=request.user, expected_version=form.expected_version,
                                   **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale("client"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Client “{client.name}” saved.")
            return redirect("client_detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client, "title": title})


@require_perm(Perm.ARCHIVE_CLIENTS)
@require_POST
def client_archive(request, client_id):
    client = _client(client_id)
    services.client_archive(client=client, actor=request.user)
    messages.success(request, f"Client “{client.name}” archived. It no longer appears in the list; "
                              "find it under “Show archived” to restore it.")
    return redirect("client_list")


@require_perm(Perm.ARCHIVE_CLIENTS)
@require_POST
def client_restore(request, client_id):
    client = _client(client_id)
    try:
        services.client_restore(client=client, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "Could not restore: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Client “{client.name}” restored.")
    return redirect("client_detail", client_id=client.pk)


# --- contacts, objectives, assets -----------------------------------------------------------------------

def _child_create(request, client_id, *, form_class, create, what: str, anchor: str):
    client = _live_client(request, client_id)
    if client is None:
        return redirect("client_detail", client_id=client_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(client=client, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{what.capitalize()} “{obj}” added.")
            return redirect(reverse("client_detail", kwargs={"client_id": client.pk}) + f"#{anchor}")
    return render(request, "clients/child_form.html",
                  {"form": form, "client": client, "what": what, "obj": None, "anchor": anchor})


def _child_edit(request, client, obj, *, form_class, update, what: str, anchor: str):
    form = form_class(request.POST or None, instance=obj)
    title = str(obj)
    if request.method == "POST" and form.is_valid():
        try:
            update(obj, actor=request.user, expected_version=form.expected_version, **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale(what))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{what.capitalize()} “{obj}” saved.")
            return redirect(reverse("client_detail", kwargs={"client_id": client.pk}) + f"#{anchor}")
    return render(request, "clients/child_form.html",
                  {"form": form, "client": client, "what": what, "obj": obj, "title": title, "anchor": anchor})


def _child_archive(request, client, obj, *, archive, what: str, anchor: str):
    archive(obj, actor=request.user)
    messages.success(request, f"{what.capitalize()} “{obj}” archived.")
    return redirect(reverse("client_detail", kwargs={"client_id": client.pk}) + f"#{anchor}")


@require_perm(Perm.EDIT_CLIENTS)
def contact_create(request, client_id):
    return _child_create(request, client_id, form_class=ContactForm, create=services.contact_create,
                         what="contact", anchor="contacts")


@require_perm(Perm.EDIT_CLIENTS)
def contact_edit(request, client_id, contact_id):
    client = _client(client_id)
    contact = get_in_scope(Contact, pk=contact_id, client=client, archived_at__isnull=True)
    return _child_edit(request, client, contact, form_class=ContactForm, what="contact", anchor="contacts",
                       update=lambda obj, **kw: services.contact_update(contact=obj, **kw))


@require_perm(Perm.EDIT_CLIENTS)
@require_POST
def contact_archive(request, client_id, contact_id):
    client = _client(client_id)
    contact = get_in_scope(Contact, pk=contact_id, client=client)
    return _child_archive(request, client, contact, what="contact", anchor="contacts",
                          archive=lambda obj, **kw: services.contact_archive(contact=obj, **kw))


@require_perm(Perm.EDIT_CLIENTS)
def objective_create(request, client_id):
    return _child_create(request, client_id, form_class=ObjectiveForm, create=services.objective_create,
                         what="objective", anchor="objectives")


@require_perm(Perm.EDIT_CLIENTS)
def objective_edit(request, client_id, objective_id):
    client = _client(client_id)
    objective = get_in_scope(BusinessObjective, pk=objective_id, client=client, archived_at__isnull=True)
    return _child_edit(request, client, objective, form_class=ObjectiveForm, what="objective",
                       anchor="objectives",
                       update=lambda obj, **kw: services.objective_update(objective=obj, **kw))


@require_perm(Perm.EDIT_CLIENTS)
@require_POST
def objective_archive(request, client_id, objective_id):
    client = _client(client_id)
    objective = get_in_scope(BusinessObjective, pk=objective_id, client=client)
    return _child_archive(request, client, objective, what="objective", anchor="objectives",
                          archive=lambda obj, **kw: services.objective_archive(objective=obj, **kw))


@require_perm(Perm.EDIT_ASSETS)
def asset_create(request, client_id):
    return _child_create(request, client_id, form_class=AssetForm, create=services.asset_create,
                         what="asset", anchor="assets")


@require_perm(Perm.EDIT_ASSETS)
def asset_edit(request, client_id, asset_id):
    client = _client(client_id)
    asset = get_in_scope(Asset, pk=asset_id, client=client, archived_at__isnull=True)
    return _child_edit(request, client, asset, form_class=AssetForm, what="asset", anchor="assets",
                       update=lambda obj, **kw: services.asset_update(asset=obj, **kw))


@require_perm(Perm.EDIT_ASSETS)
@require_POST
def asset_archive(request, client_id, asset_id):
    client = _client(client_id)
    asset = get_in_scope(Asset, pk=asset_id, client=client)
    return _child_archive(request, client, asset, what="asset", anchor="assets",
                          archive=lambda obj, **kw: services.asset_archive(asset=obj, **kw))


# --- portal access --------------------------------------------------------------------------------------

def _portal_redirect(client):
    return redirect(reverse("client_detail", kwargs={"client_id": client.pk}) + "#portal")


@require_perm(Perm.MANAGE_PORTAL)
@require_POST
def portal_access_invite(request, client_id):
    client = _client(client_id)
    form = PortalInviteForm(request.POST, client=client)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _portal_redirect(client)
    contact = form.cleaned_data["contact"]
    try:
        access, _link = services.portal_access_invite(contact=contact, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Portal invitation sent to {contact.name} <{access.email}>. "
                                  f"The link is valid for {services.PORTAL_INVITATION_DAYS} days.")
    return _portal_redirect(client)


@require_perm(Perm.MANAGE_PORTAL)
@require_POST
def portal_access_revoke(request, client_id, access_id):
    client = _client(client_id)
    access = get_in_scope(ClientAccess.objects.select_related("contact"), pk=access_id, client=client)
    if access.revoked_at is not None:
        messages.info(request, f"Portal access of {access.email} was already revoked.")
    else:
        services.portal_access_revoke(access=access, actor=request.user)
        messages.success(request, f"Portal access of {access.email} revoked.")
    return _portal_redirect(client)


# --- asset CSV import -----------------------------------------------------------------------------------

def _import_session_key(client) -> str:
    return f"asset_import:{client.pk}"


@require_perm(Perm.EDIT_ASSETS)
def asset_import(request, client_id):
    """Step 1: upload and preview (nothing written). Step 2: apply the previewed file as a background job.

    Between the steps the file's text waits in the user's session, never in the page, so the apply step
    works on exactly what was previewed without sending megabytes back through the browser. Applying moves
    the text onto the job (and out of the session); a Celery task checks every row again against the
    preview and writes all rows or none, and the job page shows its progress and outcome.
    """
    client = _live_client(request, client_id)
    if client is None:
        return redirect("client_detail", client_id=client_id)
    key = _import_session_key(client)
    form = AssetImportForm()
    result = None
    pending = request.session.get(key)

    if request.method == "POST" and "apply" in request.POST:
        if not pending or "plan" not in pending or pending.get("digest") != request.POST.get("file_digest"):
            messages.error(request, "This preview has expired or was replaced by another upload. "
                                    "Upload the file again.")
            return redirect("asset_import", client_id=client.pk)
        job = imports.asset_import_enqueue(client=client, actor=request.user, text=pending["text"],
                                           name=pending["name"], plan=pending["plan"])
        del request.session[key]
        return redirect("job_detail", job_id=job.pk)
    if request.method == "POST":
        form = AssetImportForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["file"]
            result = imports.asset_import_preview(client=client, content=text)
            if result.ok:
                pending = {"digest": text_digest(text), "text": text,
                           "name": request.FILES["file"].name, "plan": result.plan()}
                request.session[key] = pending
            else:
                request.session.pop(key, None)
                pending = None

    return render(request, "clients/asset_import.html", {
        "client": client,
        "form": form,
        "result": result,
        "pending": pending if result is not None and result.ok else None,
        "columns": imports.COLUMNS,
        "kinds": Asset._meta.get_field("kind").choices,
        "statuses": Asset._meta.get_field("status").choices,
    })


@require_perm(Perm.EDIT_ASSETS)
@require_GET
def asset_import_template(request, client_id):
    _client(client_id)
    # A byte-order mark lets Excel open the file as UTF-8; the import accepts it.
    response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="asset-import-template.csv"'
    return response
