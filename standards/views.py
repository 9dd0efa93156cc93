"""Staff pages of the standards library, under /standards/.

Every staff role reads the library (Perm.VIEW_STANDARDS); owner, vCIO and TAM maintain it
(Perm.EDIT_STANDARDS). Portal users get 404. Objects are fetched inside the tenant scope (another MSP's id
is a 404), forms validate, and every write goes through standards.services, csv_io or starter. URL keyword
names (category_id, framework_id, standard_id) are relied on by the isolation test harness.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from msp.csvfiles import text_digest
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import csv_io, selectors, services
from .choices import StandardStatus
from .forms import CategoryForm, FrameworkForm, LibraryFilterForm, LibraryImportForm, StandardForm
from .models import Category, Framework, Standard
from .starter import starter_library_load, starter_summary

IMPORT_SESSION_PREFIX = "standards_import"


def _import_key(request) -> str:
    """The previewed file belongs to the MSP it was previewed in."""
    return f"{IMPORT_SESSION_PREFIX}:{request.msp.pk}"


def _stale(what: str) -> str:
    return (f"This {what} was changed by someone else while you were editing. Nothing was saved. "
            "Reload the page to see their changes, then apply yours again.")


def _standard(standard_id) -> Standard:
    return get_in_scope(Standard.objects.select_related("category"), pk=standard_id)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


# --- the library ----------------------------------------------------------------------------------------


@require_perm(Perm.VIEW_STANDARDS)
@require_GET
def standard_list(request):
    filter_form = LibraryFilterForm(request.GET or None)
    filters = filter_form.filters()
    standards = list(selectors.standard_list(**filters))
    filtered = any(filters[k] for k in ("search", "category", "tag", "framework", "priority", "frequency"))
    today = services.msp_today(request.msp)
    due = selectors.standards_due_for_review(today=today).count()
    library_empty = not standards and selectors.library_is_empty()
    return render(request, "standards/library.html", {
        "filter_form": filter_form,
        "filters": filters,
        "filtered": filtered,
        "groups": selectors.group_by_category(standards),
        "total": len(standards),
        "due_count": due,
        "library_empty": library_empty,
        "starter": starter_summary() if library_empty else None,
        "can_edit": can(request.role, Perm.EDIT_STANDARDS),
    })


@require_perm(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS)
def standard_due(request):
    """The standards committee's list: active standards not reviewed for 12 months; mark them reviewed."""
    if request.method == "POST":
        ids = request.POST.getlist("standards")
        chosen = list(Standard.objects.filter(pk__in=_valid_uuids(ids)))
        if not chosen:
            messages.error(request, "Select the standards the committee reviewed, then press “Mark reviewed”.")
            return redirect("standard_due")
        count = services.standards_mark_reviewed(msp=request.msp, actor=request.user, standards=chosen)
        messages.success(request, f"{_plural(count, 'standard')} marked reviewed today.")
        return redirect("standard_due")
    today = services.msp_today(request.msp)
    standards = list(selectors.standards_due_for_review(today=today))
    return render(request, "standards/due.html", {
        "groups": selectors.group_by_category(standards),
        "total": len(standards),
        "due_before": selectors.review_due_before(today),
        "can_edit": can(request.role, Perm.EDIT_STANDARDS),
    })


def _valid_uuids(values) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return out


@require_perm(Perm.VIEW_STANDARDS)
@require_GET
def standard_detail(request, standard_id):
    standard = _standard(standard_id)
    today = services.msp_today(request.msp)
    return render(request, "standards/standard_detail.html", {
        "standard": standard,
        "frameworks": standard.frameworks.order_by("code"),
        "revisions": selectors.standard_revisions(standard=standard),
        "answered": standard.answers.exists(),
        "due": selectors.is_due_for_review(standard, today=today),
        "can_edit": can(request.role, Perm.EDIT_STANDARDS),
    })


@require_perm(Perm.EDIT_STANDARDS)
def standard_create(request):
    initial = {}
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    form = StandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            standard = services.standard_create(msp=request.msp, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Standard “{standard.name}” added to the library.")
            return redirect("standard_detail", standard_id=standard.pk)
    return render(request, "standards/standard_form.html", {"form": form, "standard": None})


@require_perm(Perm.EDIT_STANDARDS)
def standard_edit(request, standard_id):
    standard = _standard(standard_id)
    title = standard.name
    form = StandardForm(request.POST or None, instance=standard)
    if request.method == "POST" and form.is_valid():
        before = standard.revision
        try:
            standard = services.standard_update(standard=standard, actor=request.user,
                                                expected_version=form.expected_version, **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale("standard"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            note = (f" Its text is now revision {standard.revision}; past reviews keep revision {before}."
                    if standard.revision != before else "")
            messages.success(request, f"Standard “{standard.name}” saved.{note}")
            return redirect("standard_detail", standard_id=standard.pk)
    return render(request, "standards/standard_form.html", {
        "form": form, "standard": standard, "title": title, "answered": standard.answers.exists()})


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def standard_retire(request, standard_id):
    standard = _standard(standard_id)
    services.standard_retire(standard=standard, actor=request.user)
    messages.success(request, f"“{standard.name}” retired. New reviews leave it out; past reviews keep their "
                              "answers to it.")
    return redirect("standard_detail", standard_id=standard.pk)


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def standard_reactivate(request, standard_id):
    standard = _standard(standard_id)
    try:
        services.standard_reactivate(standard=standard, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "Could not reactivate: " + " ".join(exc.messages))
    else:
        messages.success(request, f"“{standard.name}” is active again; new reviews include it.")
    return redirect("standard_detail", standard_id=standard.pk)


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def standard_mark_reviewed(request, standard_id):
    standard = _standard(standard_id)
    services.standard_mark_reviewed(standard=standard, actor=request.user)
    messages.success(request, f"“{standard.name}” marked reviewed today.")
    return redirect("standard_detail", standard_id=standard.pk)


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def standard_starter_load(request):
    if starter_summary() is None:
        messages.error(request, "No starter library is installed on this server.")
        return redirect("standard_list")
    counts = starter_library_load(msp=request.msp, actor=request.user)
    if counts["standards"] or counts["categories"] or counts["frameworks"]:
        categories = counts["categories"]
        messages.success(request, f"Starter library loaded: {_plural(counts['standards'], 'standard')}, "
                                  f"{categories} new {'category' if categories == 1 else 'categories'}, "
                                  f"{_plural(counts['frameworks'], 'new framework')}. Adapt them to your practice.")
    else:
        messages.info(request, "Everything in the starter library is already in yours; nothing was added.")
    return redirect("standard_list")


# --- categories ----------------------------------------------------------------------------------------


def _list_with_create(request, *, form_class, create, rows, template: str, plural: str, done):
    """A list of live and archived rows with an "add" form above it (categories, frameworks)."""
    can_edit = can(request.role, Perm.EDIT_STANDARDS)
    form = form_class(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = create(msp=request.msp, actor=request.user, **form.service_fields())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, done(obj))
                return redirect(request.resolver_match.url_name)
    rows = list(rows)
    return render(request, template, {
        "form": form,
        plural: [r for r in rows if r.archived_at is None],
        "archived": [r for r in rows if r.archived_at is not None],
        "can_edit": can_edit,
    })


@require_perm(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS)
def category_list(request):
    return _list_with_create(
        request, form_class=CategoryForm, create=services.category_create,
        rows=selectors.category_list(include_archived=True), template="standards/categories.html",
        plural="categories", done=lambda c: f"Category “{c.name}” added at the end of the list.")


@require_perm(Perm.EDIT_STANDARDS)
def category_edit(request, category_id):
    category = get_in_scope(Category, pk=category_id)
    title = category.name
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(category=category, actor=request.user, expected_version=form.expected_version,
                                     **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale("category"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Category “{category.name}” saved.")
            return redirect("category_list")
    return render(request, "standards/simple_form.html", {
        "form": form, "title": f"Edit category {title}", "back": reverse("category_list"),
        "back_label": "Categories"})


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def category_archive(request, category_id):
    category = get_in_scope(Category, pk=category_id)
    try:
        services.category_archive(category=category, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "Could not archive: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Category “{category.name}” archived.")
    return redirect("category_list")


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def category_restore(request, category_id):
    category = get_in_scope(Category, pk=category_id)
    services.category_restore(category=category, actor=request.user)
    messages.success(request, f"Category “{category.name}” restored.")
    return redirect("category_list")


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def category_move(request, category_id):
    category = get_in_scope(Category, pk=category_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.category_move(category=category, actor=request.user, direction=direction)
    return redirect(reverse("category_list") + f"#category-{category.pk}")


# --- frameworks ----------------------------------------------------------------------------------------


@require_perm(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS)
def framework_list(request):
    return _list_with_create(
        request, form_class=FrameworkForm, create=services.framework_create,
        rows=selectors.framework_list(include_archived=True), template="standards/frameworks.html",
        plural="frameworks", done=lambda fw: f"Framework “{fw.code}” added.")


@require_perm(Perm.EDIT_STANDARDS)
def framework_edit(request, framework_id):
    framework = get_in_scope(Framework, pk=framework_id)
    title = framework.code
    form = FrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_update(framework=framework, actor=request.user,
                                      expected_version=form.expected_version, **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale("framework"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Framework “{framework.code}” saved.")
            return redirect("framework_list")
    return render(request, "standards/simple_form.html", {
        "form": form, "title": f"Edit framework {title}", "back": reverse("framework_list"),
        "back_label": "Frameworks"})


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def framework_archive(request, framework_id):
    framework = get_in_scope(Framework, pk=framework_id)
    services.framework_archive(framework=framework, actor=request.user)
    messages.success(request, f"Framework “{framework.code}” archived. Standards mapped to it keep it; "
                              "it is no longer offered for new mappings.")
    return redirect("framework_list")


@require_perm(Perm.EDIT_STANDARDS)
@require_POST
def framework_restore(request, framework_id):
    framework = get_in_scope(Framework, pk=framework_id)
    services.framework_restore(framework=framework, actor=request.user)
    messages.success(request, f"Framework “{framework.code}” restored.")
    return redirect("framework_list")


# --- CSV export and import -----------------------------------------------------------------------------


@require_perm(Perm.VIEW_STANDARDS)
@require_GET
def standard_export(request):
    # A byte-order mark lets Excel open the file as UTF-8; the import drops it.
    response = HttpResponse("\ufeff" + csv_io.export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="standards-library.csv"'
    return response


@require_perm(Perm.EDIT_STANDARDS)
def standard_import(request):
    """Step 1: upload and preview (nothing written). Step 2: apply exactly the previewed file.

    Between the steps the file's text waits in the user's session (never in the page); applying queues a
    job (its page shows the progress and every problem) that checks every row again, refuses rows whose
    match changed since the preview, and writes all rows or none.
    """
    form = LibraryImportForm()
    result = None
    pending = request.session.get(_import_key(request))
    if request.method == "POST" and "apply" in request.POST:
        if not pending or pending.get("digest") != request.POST.get("file_digest"):
            messages.error(request, "This preview has expired or was replaced by another upload. "
                                    "Upload the file again.")
            return redirect("standard_import")
        job = csv_io.library_import_enqueue(msp=request.msp, actor=request.user, text=pending["text"],
                                            name=pending["name"], plan=pending["plan"])
        request.session.pop(_import_key(request), None)
        return redirect("job_detail", job_id=job.pk)
    if request.method == "POST":
        form = LibraryImportForm(request.POST, request.FILES)
        request.session.pop(_import_key(request), None)
        pending = None
        if form.is_valid():
            text = form.cleaned_data["file"]
            result = csv_io.library_import_preview(msp=request.msp, content=text)
            if result.ok:
                pending = {"digest": text_digest(text), "text": text, "name": request.FILES["file"].name,
                           "plan": result.plan()}
                request.session[_import_key(request)] = pending
    return render(request, "standards/import.html", {
        "form": form,
        "result": result,
        "pending": pending if result is not None and result.ok else None,
        "columns": csv_io.COLUMNS,
        "status_active": StandardStatus.ACTIVE,
    })
