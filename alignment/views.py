"""Pages of alignment reviews: a client's reviews, scheduling, "my reviews", the on-site answering page (htmx),
results with findings, recommendations and the technology summary.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), forms validate,
every write goes through alignment.services. The on-site page works without JavaScript too: each form posts
normally and redirects back; with htmx, a save swaps only the answer's card and updates the progress.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from msp.pages import add_errors, paginate
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope
from standards.models import Category

from . import selectors, services
from .choices import Response, ReviewStatus
from .forms import AnswerForm, EvidenceForm, RecommendationForm, ReviewScheduleForm, SummaryForm
from .models import Answer, Evidence, Recommendation, Review

REVIEW_PAGE_SIZE = 25  # rows per page of "My reviews" and "All open reviews" on /reviews/


def _review(review_id) -> Review:
    return get_in_scope(Review.objects.select_related("client", "client__vcio", "tam", "completed_by",
                                                      "summary_completed_by"), pk=review_id)


def _client(client_id) -> Client:
    return get_in_scope(Client.objects.select_related("vcio", "tam"), pk=client_id)


def _messages_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _perms(request) -> dict:
    return {
        "can_schedule": can(request.role, Perm.SCHEDULE_REVIEWS),
        "can_answer": can(request.role, Perm.ANSWER_REVIEWS),
        "can_summarize": can(request.role, Perm.SUMMARIZE_REVIEWS),
        "can_recommend": can(request.role, Perm.EDIT_RECOMMENDATIONS),
    }


# --- lists and scheduling -------------------------------------------------------------------------------

@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def review_list(request):
    """"My reviews" (assigned to me, not completed); every open review for those who schedule; recent results."""
    perms = _perms(request)
    mine = paginate(request, selectors.reviews_for_tam(user=request.user), per_page=REVIEW_PAGE_SIZE,
                    param="mine_page", label="Pages of my reviews", noun="reviews", anchor="my-reviews")
    every = (paginate(request, selectors.open_reviews(), per_page=REVIEW_PAGE_SIZE, param="open_page",
                      label="Pages of open reviews", noun="reviews", anchor="open-reviews")
             if perms["can_schedule"] else None)
    return render(request, "alignment/review_list.html", {
        "my_pager": mine,
        "my_reviews": mine.page.object_list,
        "open_pager": every,
        "open_page": every.page if every is not None else None,
        "open_reviews": every.page.object_list if every is not None else None,
        "completed": selectors.recently_completed(limit=10),
        **perms,
    })


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_reviews(request, client_id):
    client = _client(client_id)
    trend = selectors.client_score_trend(client=client)
    return render(request, "alignment/client_reviews.html", {
        "client": client,
        "reviews": selectors.client_reviews(client=client),
        "trend": trend,
        "trend_chart": selectors.trend_chart(trend, title=f"Alignment score of {client.name}"),
        **_perms(request),
    })


@require_perm(Perm.SCHEDULE_REVIEWS)
def review_schedule(request, client_id):
    client = _client(client_id)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before scheduling a review.")
        return redirect("client_reviews", client_id=client.pk)
    form = ReviewScheduleForm(request.POST or None, msp=request.msp, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_schedule(client=client, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            count = review.answers.count()
            messages.success(request, f"Review “{review.title}” scheduled with {count} standards; "
                                      f"{review.tam.display_name} will find it under “My reviews”.")
            return redirect("review_detail", review_id=review.pk)
    return render(request, "alignment/review_schedule.html", {"client": client, "form": form})


# --- the on-site page -----------------------------------------------------------------------------------

def _answer_url(review: Review, category_id) -> str:
    url = reverse("review_answer", kwargs={"review_id": review.pk})
    return f"{url}?category={category_id}" if category_id else url


def _card_context(request, review: Review, answer: Answer, **extra) -> dict:
    return {"review": review, "answer": answer, "responses": Response, **_perms(request), **extra}


def _reload_answer(review: Review, answer_id) -> Answer:
    return selectors.review_answers(review=review).get(pk=answer_id)


def _card_response(request, review: Review, answer: Answer, *, status: int = 200, oob: bool = True, **extra):
    """The answer's card; after a save also the progress and the category tabs, swapped out of band."""
    context = _card_context(request, review, answer, **extra)
    if oob:
        scores = selectors.review_scores(review=review)
        context.update({"oob": True, "progress": scores.overall, "categories": scores.categories,
                        "current_category": answer.category_id})
    return render(request, "alignment/includes/answer_card_response.html", context, status=status)


@require_perm(Perm.ANSWER_REVIEWS)
@require_GET
def review_answer(request, review_id):
    review = _review(review_id)
    if review.status not in selectors.OPEN_STATUSES:
        messages.info(request, f"This review is {review.get_status_display().lower()}; here are its results.")
        return redirect("review_detail", review_id=review.pk)
    scores = selectors.review_scores(review=review)
    categories = scores.categories
    known = {c.category_id for c in categories}
    wanted = request.GET.get("category")
    try:
        current = uuid.UUID(wanted) if wanted else None
    except ValueError:
        current = None
    if current not in known:
        # Resumable: open the first category with something left to answer.
        current = selectors.first_open_category(review=review) or (categories[0].category_id if categories else None)
    index = next((i for i, c in enumerate(categories) if c.category_id == current), 0)
    return render(request, "alignment/review_answer.html", {
        "review": review,
        "categories": categories,
        "current_category": current,
        "category": categories[index] if categories else None,
        "previous_category": categories[index - 1] if index > 0 else None,
        "next_category": categories[index + 1] if index + 1 < len(categories) else None,
        "answers": selectors.review_answers(review=review, category_id=current) if current else [],
        "progress": scores.overall,
        "responses": Response,
        **_perms(request),
    })


def _back_to_card(review: Review, answer: Answer):
    return redirect(_answer_url(review, answer.category_id) + f"#answer-{answer.pk}")


def _conflict_message(answer: Answer) -> str:
    theirs = answer.get_response_display() if answer.response else "not answered"
    return f"Changed by someone else: {theirs}. Your answer was not saved."


@require_perm(Perm.ANSWER_REVIEWS)
@require_POST
def answer_save(request, review_id, answer_id):
    review = _review(review_id)
    answer = get_in_scope(selectors.review_answers(review=review), pk=answer_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        if request.htmx:
            return _card_response(request, review, answer, status=400, oob=False, error=error)
        messages.error(request, error)
        return _back_to_card(review, answer)
    data = form.cleaned_data
    try:
        services.answer_set(answer=answer, actor=request.user, response=data["response"] or None,
                            note=data["note"], expected_version=data["version"])
    except StaleVersionError:
        answer = _reload_answer(review, answer.pk)
        message = _conflict_message(answer)
        if request.htmx:
            # The card comes back with their answer and its new version: tapping again now overrides knowingly.
            return _card_response(request, review, answer, status=409, conflict=message)
        messages.error(request, f"{answer.standard.name}: {message}")
        return _back_to_card(review, answer)
    except ValidationError as exc:
        if request.htmx:
            return _card_response(request, review, _reload_answer(review, answer.pk), status=400, oob=False,
                                  error=_messages_text(exc))
        messages.error(request, _messages_text(exc))
        return _back_to_card(review, answer)
    # The service brought `answer` up to its saved row (its standard, revision and evidence stay loaded); the
    # review changes only when this answer started it.
    if review.status == ReviewStatus.SCHEDULED:
        review.refresh_from_db(fields=["status", "started_at", "version", "updated_at"])
    if request.htmx:
        return _card_response(request, review, answer, saved=True)
    return _back_to_card(review, answer)


@require_perm(Perm.ANSWER_REVIEWS)
@require_POST
def evidence_upload(request, review_id, answer_id):
    review = _review(review_id)
    answer = get_in_scope(selectors.review_answers(review=review), pk=answer_id)
    form = EvidenceForm(request.POST, request.FILES)
    error = None
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
    else:
        try:
            services.evidence_add(answer=answer, actor=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            error = _messages_text(exc)
    if request.htmx:
        return _card_response(request, review, _reload_answer(review, answer.pk), status=400 if error else 200,
                              oob=False, error=error, photo_added=not error)
    if error:
        messages.error(request, f"{answer.standard.name}: {error}")
    else:
        messages.success(request, f"Photo added to “{answer.standard.name}”.")
    return _back_to_card(review, answer)


@require_perm(Perm.ANSWER_REVIEWS)
@require_POST
def evidence_remove(request, review_id, evidence_id):
    review = _review(review_id)
    evidence = get_in_scope(Evidence.objects.select_related("answer"), pk=evidence_id, answer__review=review,
                            archived_at__isnull=True)
    error = None
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        error = _messages_text(exc)
    answer = _reload_answer(review, evidence.answer_id)
    if request.htmx:
        return _card_response(request, review, answer, status=400 if error else 200, oob=False, error=error)
    if error:
        messages.error(request, error)
    return _back_to_card(review, answer)


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def evidence_file(request, review_id, evidence_id):
    """A photo of a finding, served only inside the tenant (never from a public media URL)."""
    review = _review(review_id)
    evidence = get_in_scope(Evidence, pk=evidence_id, answer__review=review, archived_at__isnull=True)
    try:
        handle = evidence.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=evidence.content_type)
    ext = evidence.image.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_perm(Perm.ANSWER_REVIEWS)
@require_POST
def category_not_applicable(request, review_id, category_id):
    review = _review(review_id)
    category = get_in_scope(Category, pk=category_id)
    try:
        changed = services.category_mark_not_applicable(review=review, category=category, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_text(exc))
        return redirect(_answer_url(review, category.pk))
    messages.success(request, f"{category.name}: {changed} standard{'s' if changed != 1 else ''} marked not "
                              "applicable.")
    next_category = selectors.first_open_category(review=review)
    return redirect(_answer_url(review, next_category or category.pk))


@require_perm(Perm.ANSWER_REVIEWS)
@require_POST
def review_complete(request, review_id):
    review = _review(review_id)
    try:
        review = services.review_complete(review=review, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_text(exc))
        if review.status in selectors.OPEN_STATUSES:
            return redirect(_answer_url(review, selectors.first_open_category(review=review)))
        return redirect("review_detail", review_id=review.pk)
    messages.success(request, f"Review completed. Score {selectors.format_score(review.score)}."
                     + (f" {review.client.vcio.display_name} has been notified."
                        if review.client.vcio and review.client.vcio != request.user else ""))
    return redirect("review_detail", review_id=review.pk)


@require_perm(Perm.SCHEDULE_REVIEWS)
@require_POST
def review_cancel(request, review_id):
    review = _review(review_id)
    try:
        services.review_cancel(review=review, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_text(exc))
    else:
        messages.success(request, f"Review “{review.title}” cancelled.")
    return redirect("review_detail", review_id=review.pk)


# --- results --------------------------------------------------------------------------------------------

def _detail_context(request, review: Review, *, summary_form: SummaryForm | None = None) -> dict:
    scores = selectors.review_scores(review=review)
    trend = selectors.client_score_trend(client=review.client)
    return {
        "review": review,
        "client": review.client,
        "scores": scores,
        "score": review.score if review.status == ReviewStatus.COMPLETED else scores.score,
        "findings": selectors.review_findings(review=review),
        "all_answers": selectors.review_answers(review=review),
        "recommendations": selectors.review_recommendations(review=review),
        "summary_form": summary_form or SummaryForm(initial={"summary": review.summary, "version": review.version}),
        "trend_chart": selectors.trend_chart(trend, title=f"Alignment score of {review.client.name}"),
        "trend": trend,
        "is_open": review.status in selectors.OPEN_STATUSES,
        **_perms(request),
    }


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def review_detail(request, review_id):
    review = _review(review_id)
    return render(request, "alignment/review_detail.html", _detail_context(request, review))


@require_perm(Perm.SUMMARIZE_REVIEWS)
@require_POST
def review_summary(request, review_id):
    review = _review(review_id)
    form = SummaryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if "complete" in request.POST:
                services.summary_complete(review=review, actor=request.user, summary=data["summary"],
                                          expected_version=data["version"])
                messages.success(request, "Technology summary saved and marked completed.")
            else:
                services.summary_save(review=review, actor=request.user, summary=data["summary"],
                                      expected_version=data["version"])
                messages.success(request, "Technology summary saved.")
        except StaleVersionError:
            form.add_error(None, "This review was changed by someone else while you were writing. Nothing was "
                                 "saved. Copy your text, reload the page, and apply it again.")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(reverse("review_detail", kwargs={"review_id": review.pk}) + "#summary")
    review.refresh_from_db()
    return render(request, "alignment/review_detail.html", _detail_context(request, review, summary_form=form),
                  status=409 if any("someone else" in e for e in form.non_field_errors()) else 400)


# --- recommendations ------------------------------------------------------------------------------------

@require_perm(Perm.EDIT_RECOMMENDATIONS)
def recommendation_create(request, review_id):
    """A recommendation from the findings ticked on the results page (`?finding=<answer id>`, repeated)."""
    review = _review(review_id)
    findings = list(selectors.review_findings(review=review))
    if request.method == "POST":
        form = RecommendationForm(request.POST, findings=findings)
        if form.is_valid():
            try:
                rec = services.recommendation_create(client=review.client, review=review, actor=request.user,
                                                     findings=form.selected_findings(), **form.service_fields())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Recommendation “{rec.title}” created.")
                return redirect(reverse("review_detail", kwargs={"review_id": review.pk}) + "#recommendations")
    else:
        wanted = set(request.GET.getlist("finding"))
        selected = [a for a in findings if str(a.pk) in wanted]
        initial = services.recommendation_defaults(findings=selected) if selected else {}
        if selected:
            initial["title_confirmed"] = False  # the drafted wording waits for the vCIO's
        initial["findings"] = [str(a.pk) for a in selected]
        form = RecommendationForm(initial=initial, findings=findings)
    return render(request, "alignment/recommendation_form.html",
                  {"form": form, "review": review, "client": review.client, "recommendation": None})


def _recommendation(recommendation_id) -> Recommendation:
    return get_in_scope(Recommendation.objects.select_related("client", "review"), pk=recommendation_id)


def _recommendation_back(rec: Recommendation) -> str:
    if rec.review_id:
        return reverse("review_detail", kwargs={"review_id": rec.review_id}) + "#recommendations"
    return reverse("client_reviews", kwargs={"client_id": rec.client_id})


@require_perm(Perm.EDIT_RECOMMENDATIONS)
def recommendation_edit(request, recommendation_id):
    rec = _recommendation(recommendation_id)
    if rec.archived_at is not None:
        messages.info(request, f"Recommendation “{rec.title}” is archived.")
        return redirect(_recommendation_back(rec))
    linked = list(rec.findings.select_related("standard", "category"))
    choices = list(selectors.review_findings(review=rec.review)) if rec.review_id else []
    choices += [a for a in linked if a.pk not in {c.pk for c in choices}]
    form = RecommendationForm(request.POST or None, instance=rec, findings=choices,
                              initial={"findings": [str(a.pk) for a in linked]})
    title = rec.title
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(recommendation=rec, actor=request.user,
                                           expected_version=form.expected_version,
                                           findings=form.selected_findings() if choices else None,
                                           **form.service_fields())
        except StaleVersionError:
            form.add_error(None, "This recommendation was changed by someone else while you were editing. Nothing "
                                 "was saved. Reload the page to see their changes, then apply yours again.")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Recommendation “{rec.title}” saved.")
            return redirect(_recommendation_back(rec))
    return render(request, "alignment/recommendation_form.html",
                  {"form": form, "review": rec.review, "client": rec.client, "recommendation": rec, "title": title})


@require_perm(Perm.EDIT_RECOMMENDATIONS)
@require_POST
def recommendation_archive(request, recommendation_id):
    rec = _recommendation(recommendation_id)
    services.recommendation_archive(recommendation=rec, actor=request.user)
    messages.success(request, f"Recommendation “{rec.title}” archived.")
    return redirect(_recommendation_back(rec))
