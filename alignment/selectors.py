"""Reads of alignment reviews: scores (overall and per category), trends, findings, lists of reviews.

Every score comes from alignment.scoring, the one definition; pages, the API and the PDF report call these.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from clients.models import Client
from msp.charts import line_chart
from msp.models import User

from . import scoring
from .choices import Response, ReviewStatus
from .models import Answer, Evidence, Recommendation, RecommendationFinding, Review

OPEN_STATUSES = (ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS)


@dataclass(frozen=True)
class CategoryScore:
    """One category's answers in one review, tallied."""

    category_id: uuid.UUID
    name: str
    position: int
    tally: scoring.Tally

    @property
    def score(self) -> Decimal | None:
        return self.tally.score


@dataclass(frozen=True)
class ReviewScores:
    overall: scoring.Tally
    categories: list[CategoryScore]

    @property
    def score(self) -> Decimal | None:
        return self.overall.score


@dataclass(frozen=True)
class TrendPoint:
    review_id: uuid.UUID
    label: str
    value: Decimal | None
    completed_at: object


def _answer_rows(qs: QuerySet[Answer]):
    return qs.order_by("category__position", "category__name", "position").values_list(
        "category_id", "category__name", "category__position", "response", "priority")


def review_scores(*, review: Review) -> ReviewScores:
    """Overall and per-category tallies of a review (categories in library order), from one query."""
    rows = list(_answer_rows(Answer.objects.filter(review=review)))
    names = {r[0]: (r[1], r[2]) for r in rows}
    by_category = scoring.tally_by_category((r[0], r[3], r[4]) for r in rows)
    return ReviewScores(
        overall=scoring.tally((r[3], r[4]) for r in rows),
        categories=[CategoryScore(category_id=key, name=names[key][0], position=names[key][1], tally=t)
                    for key, t in by_category.items()],
    )


def review_score(*, review: Review) -> Decimal | None:
    """The review's score: the stored one once completed, else computed from the answers so far."""
    if review.status == ReviewStatus.COMPLETED:
        return review.score
    return review_scores(review=review).score


def review_progress(*, review: Review) -> scoring.Tally:
    """How far the answering is: `answered` of `total` (and the rest of the tally)."""
    return scoring.tally(Answer.objects.filter(review=review).values_list("response", "priority"))


def first_open_category(*, review: Review) -> uuid.UUID | None:
    """The first category (library order) with an unanswered standard: where a resumed review opens."""
    return (Answer.objects.filter(review=review, response="")
            .order_by("category__position", "category__name", "position")
            .values_list("category_id", flat=True).first())


def review_answers(*, review: Review, category_id: uuid.UUID | None = None) -> QuerySet[Answer]:
    """Answers with the exact text they were asked with (the pinned revision) and their live evidence."""
    qs = (Answer.objects.filter(review=review)
          .select_related("standard", "revision", "category", "answered_by")
          .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(archived_at__isnull=True)))
          .order_by("category__position", "category__name", "position"))
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    return qs


def review_findings(*, review: Review) -> QuerySet[Answer]:
    """The review's findings (misaligned answers), with evidence and their live recommendations."""
    return review_answers(review=review).filter(response=Response.MISALIGNED).prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.filter(archived_at__isnull=True)))


def review_recommendations(*, review: Review) -> QuerySet[Recommendation]:
    """Live recommendations of the review: those made from its findings or filed under it."""
    # The findings' recommendations as a subquery (not a join with DISTINCT), so only this review's rows are read.
    from_findings = RecommendationFinding.objects.filter(answer__review=review).values("recommendation_id")
    return (Recommendation.objects.filter(Q(review=review) | Q(pk__in=from_findings), archived_at__isnull=True)
            .prefetch_related(Prefetch("findings", queryset=Answer.objects.select_related("standard")))
            .order_by("-created_at"))


def client_recommendations(*, client: Client, include_archived: bool = False) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.filter(client=client)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.prefetch_related(Prefetch("findings", queryset=Answer.objects.select_related("standard")))


def _answer_count(*, answered: bool = False) -> Coalesce:
    """The review's answers (only those given, with `answered`) counted in a subquery: a list of reviews then
    costs one index scan per listed review, never a join over every answer of the MSP."""
    answers = Answer.objects.filter(review=OuterRef("pk"))
    if answered:
        answers = answers.exclude(response="")
    answers = answers.order_by().values("review").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(answers, output_field=IntegerField()), 0)


def _with_progress(qs: QuerySet[Review]) -> QuerySet[Review]:
    """Reviews with `answers_total` and `answers_done`, their client and TAM."""
    return qs.select_related("client", "tam").annotate(
        answers_total=_answer_count(),
        answers_done=_answer_count(answered=True),
    )


def client_reviews(*, client: Client) -> QuerySet[Review]:
    """All reviews of a client, newest first, with answered/total counts."""
    return _with_progress(Review.objects.filter(client=client)).order_by("-scheduled_for", "-created_at")


def reviews_for_tam(*, user: User) -> QuerySet[Review]:
    """"My reviews": scheduled or in progress, assigned to `user`, soonest first."""
    return _with_progress(Review.objects.filter(tam=user, status__in=OPEN_STATUSES)).order_by(
        "scheduled_for", "created_at")


def open_reviews() -> QuerySet[Review]:
    """Every scheduled or in-progress review of the MSP, soonest first."""
    return _with_progress(Review.objects.filter(status__in=OPEN_STATUSES)).order_by("scheduled_for", "created_at")


def recently_completed(*, limit: int = 10) -> QuerySet[Review]:
    """The MSP's last `limit` completed reviews, newest first (the index on (msp, status, completed_at) reads
    just those rows)."""
    return _with_progress(Review.objects.filter(status=ReviewStatus.COMPLETED)).order_by("-completed_at")[:limit]


def _trend_label(completed_at) -> str:
    return timezone.localtime(completed_at).strftime("%Y-%m-%d")


def client_score_trend(*, client: Client) -> list[TrendPoint]:
    """The client's completed reviews, oldest first: label = completion date (YYYY-MM-DD), value = score."""
    rows = (Review.objects.filter(client=client, status=ReviewStatus.COMPLETED)
            .order_by("completed_at").values_list("pk", "completed_at", "score"))
    return [TrendPoint(review_id=pk, label=_trend_label(at), value=score, completed_at=at)
            for pk, at, score in rows]


def client_category_trend(*, client: Client) -> dict[str, list[tuple[str, Decimal | None]]]:
    """Per category (by name, library order): (completion date, category score) over the completed reviews."""
    trend = client_score_trend(client=client)
    labels = {p.review_id: p.label for p in trend}
    rows = (Answer.objects.filter(review__client=client, review__status=ReviewStatus.COMPLETED)
            .order_by("category__position", "category__name", "review__completed_at")
            .values_list("category__name", "review_id", "response", "priority"))
    grouped = scoring.tally_by_category(((name, review_id), response, priority)
                                        for name, review_id, response, priority in rows)
    out: dict[str, list[tuple[str, Decimal | None]]] = {}
    for (name, review_id), t in grouped.items():
        out.setdefault(name, []).append((labels[review_id], t.score))
    return out


def trend_chart(points: list[TrendPoint], *, title: str = "Alignment score over time") -> SafeString:
    """The SVG line chart of a score trend (the same markup in pages and the PDF)."""
    return line_chart([(p.label, p.value) for p in points], title=title, y_max=100)


def client_score_trend_chart(*, client: Client, title: str = "Alignment score over time") -> SafeString:
    return trend_chart(client_score_trend(client=client), title=title)


def format_score(value: Decimal | None) -> str:
    """A score as pages show it: one decimal, or an em dash when there is none."""
    return "—" if value is None else f"{value:.1f}"


def reviews_awaiting_recommendations(*, vcio: User | None = None, tam: User | None = None,
                                     limit: int = 10) -> list[Review]:
    """Completed reviews with findings but no recommendation made from them yet, oldest first: the vCIO's
    next piece of work after a TAM finishes on site. `vcio` keeps the reviews of that vCIO's clients,
    `tam` those that TAM carried out.
    Each carries `findings` (the count of standards not met)."""
    misaligned = Answer.objects.filter(review=OuterRef("pk"), response=Response.MISALIGNED)
    findings = (misaligned.order_by().values("review").annotate(n=Count("pk")).values("n"))
    recommended = Recommendation.objects.filter(review=OuterRef("pk"), archived_at__isnull=True)
    qs = (Review.objects.filter(status=ReviewStatus.COMPLETED, client__archived_at__isnull=True)
          .filter(Exists(misaligned)).exclude(Exists(recommended))
          .annotate(findings=Subquery(findings, output_field=IntegerField()))
          .select_related("client", "tam").order_by("completed_at"))
    if vcio is not None:
        qs = qs.filter(client__vcio=vcio)
    if tam is not None:
        qs = qs.filter(tam=tam)
    return list(qs[:limit])


@dataclass(frozen=True)
class VcioScore:
    """The latest alignment scores of one vCIO's clients: how many clients have one, and their average."""

    clients: int
    average: Decimal | None


def latest_scores() -> dict[uuid.UUID, tuple[int | None, Decimal]]:
    """{client id: (vCIO id, score of its latest completed review)} for every live client with one, from one
    query over the MSP (instead of a query per client)."""
    rows = (Review.objects.filter(status=ReviewStatus.COMPLETED, score__isnull=False,
                                  client__archived_at__isnull=True)
            .order_by("client_id", "-completed_at", "-pk").distinct("client_id")
            .values_list("client_id", "client__vcio_id", "score"))
    return {client_id: (vcio_id, score) for client_id, vcio_id, score in rows}


def latest_score_by_vcio() -> dict[int | None, VcioScore]:
    """Per vCIO (None: clients with no vCIO), the average of their clients' latest alignment scores, one
    decimal (half up), from the one MSP-wide query of `latest_scores`."""
    grouped: dict[int | None, list[Decimal]] = {}
    for vcio_id, score in latest_scores().values():
        grouped.setdefault(vcio_id, []).append(score)
    return {vcio_id: VcioScore(clients=len(scores), average=scoring.average(scores))
            for vcio_id, scores in grouped.items()}
