"""The alignment report: a client-facing PDF of one completed review, stored as a client document.

`alignment_report_data` gathers everything the report shows (plain values, no queries left for the
template); `alignment_report_pdf` renders it through msp.pdf (WeasyPrint, data: URLs only, user text
escaped by the template engine). `ALIGNMENT_REPORT` plugs the report into the client-document pipeline
(clients.document_jobs: a background job renders, stores the edition, publishes when asked);
`alignment_report_enqueue` starts it. See docs/documents.md.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from clients.choices import DocumentKind
from clients.document_jobs import DocumentRenderer, Rendered, document_job_enqueue, document_renderer_register
from clients.models import Client, Document
from msp.charts import line_chart
from msp.models import Job, Msp, User
from msp.money import format_money
from msp.pdf import render_pdf
from standards.choices import PRIORITY_WEIGHTS

from . import scoring
from .choices import RecommendationStatus, Response, ReviewStatus
from .models import Answer, Recommendation, Review

JOB_KIND = "alignment_report"
TEMPLATE = "reports/alignment_report.html"
# The trend chart shows the latest reviews only: more points than this crowd the date labels on A4.
TREND_POINTS = 8
NOT_COMPLETED = "Only a completed review has an alignment report. Complete the review first."


def score_text(score: Decimal | None) -> str:
    """One decimal, as everywhere else; no score when nothing applicable was answered."""
    return "—" if score is None else f"{score:.1f}"


@dataclass(frozen=True)
class CategoryRow:
    name: str
    aligned: int
    misaligned: int
    not_applicable: int
    score: str


@dataclass(frozen=True)
class Risk:
    standard: str
    category: str
    priority: str
    question: str
    why: str
    note: str


@dataclass(frozen=True)
class RecommendationRow:
    title: str
    description: str
    impact: str
    impact_description: str
    priority: str
    one_time_cost: str
    monthly_cost: str


@dataclass(frozen=True)
class ReportData:
    msp_name: str
    client_name: str
    review_title: str
    completed_on: object
    tam_name: str
    vcio_name: str
    score: str
    aligned: int
    misaligned: int
    not_applicable: int
    trend_chart: SafeString
    trend_count: int
    categories: list[CategoryRow]
    risks: list[Risk]
    recommendations: list[RecommendationRow]
    one_time_total: str
    monthly_total: str
    summary: str
    generated_on: object


def _local(msp: Msp, moment):
    return timezone.localtime(moment, zoneinfo.ZoneInfo(msp.time_zone))


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else format_money(value, currency)


def _trend(review: Review, msp: Msp) -> tuple[SafeString, int]:
    """Scores of the client's completed reviews up to this one, oldest first (the latest TREND_POINTS)."""
    reviews = list(
        Review.objects.filter(client_id=review.client_id, status=ReviewStatus.COMPLETED,
                              completed_at__isnull=False, completed_at__lte=review.completed_at)
        .order_by("-completed_at").values_list("completed_at", "score")[:TREND_POINTS]
    )
    reviews.reverse()
    points = [(_local(msp, completed_at).date().isoformat(), score) for completed_at, score in reviews]
    return line_chart(points, title="Alignment score by review", y_max=100, width=640, height=220), len(points)


def _recommendations(review: Review) -> list[Recommendation]:
    """What the vCIO advises on this review: filed under it or covering its findings; not archived or
    dismissed. Highest priority first."""
    qs = (Recommendation.objects
          .filter(Q(review=review) | Q(findings__review=review), archived_at__isnull=True)
          .exclude(status=RecommendationStatus.DISMISSED)
          .distinct())
    return sorted(qs, key=lambda r: (-PRIORITY_WEIGHTS[r.priority], r.created_at))


def alignment_report_data(*, review: Review) -> ReportData:
    """Everything the report shows, as plain values. The review must be completed."""
    if review.status != ReviewStatus.COMPLETED or review.completed_at is None:
        raise ValidationError(NOT_COMPLETED)
    msp = review.msp
    client: Client = review.client
    answers = list(Answer.objects.filter(review=review)
                   .select_related("standard", "revision", "category")
                   .order_by("category__position", "category__name", "position"))
    overall = scoring.tally((a.response, a.priority) for a in answers)
    names = {a.category_id: a.category.name for a in answers}
    by_category = scoring.tally_by_category((a.category_id, a.response, a.priority) for a in answers)
    categories = [CategoryRow(name=names[key], aligned=t.aligned, misaligned=t.misaligned,
                              not_applicable=t.not_applicable, score=score_text(t.score))
                  for key, t in by_category.items()]
    misaligned = [a for a in answers if a.response == Response.MISALIGNED]
    # Stable sort: within a priority, the library order of the answers is kept.
    misaligned.sort(key=lambda a: -PRIORITY_WEIGHTS[a.priority])
    risks = [Risk(standard=a.standard.name, category=a.category.name, priority=a.get_priority_display(),
                  question=a.revision.question, why=a.revision.why, note=a.note) for a in misaligned]
    currency = msp.currency
    recs = _recommendations(review)
    rec_rows = [RecommendationRow(title=r.title, description=r.description, impact=r.get_impact_display(),
                                  impact_description=r.impact_description, priority=r.get_priority_display(),
                                  one_time_cost=_money(r.one_time_cost, currency),
                                  monthly_cost=_money(r.monthly_cost, currency)) for r in recs]
    one_time = [r.one_time_cost for r in recs if r.one_time_cost is not None]
    monthly = [r.monthly_cost for r in recs if r.monthly_cost is not None]
    chart, trend_count = _trend(review, msp)
    return ReportData(
        msp_name=msp.name,
        client_name=client.name,
        review_title=review.title,
        completed_on=_local(msp, review.completed_at).date(),
        tam_name=review.tam.display_name if review.tam else "",
        vcio_name=client.vcio.display_name if client.vcio else "",
        score=score_text(overall.score),
        aligned=overall.aligned,
        misaligned=overall.misaligned,
        not_applicable=overall.not_applicable,
        trend_chart=chart,
        trend_count=trend_count,
        categories=categories,
        risks=risks,
        recommendations=rec_rows,
        one_time_total=_money(sum(one_time, Decimal("0")), currency) if one_time else "",
        monthly_total=_money(sum(monthly, Decimal("0")), currency) if monthly else "",
        summary=review.summary.strip(),
        generated_on=_local(msp, timezone.now()).date(),
    )


def alignment_report_pdf(*, review: Review) -> bytes:
    return render_pdf(TEMPLATE, {"report": alignment_report_data(review=review)}, msp=review.msp)


def report_title(review: Review) -> str:
    day = _local(review.msp, review.completed_at).date().isoformat() if review.completed_at else ""
    title = f"Alignment report: {review.title}"
    if day and day not in review.title:
        title += f" ({day})"
    return title[:200]


# --- the document pipeline (clients.document_jobs) ---------------------------------------------------------


def _load(review_id) -> Review | None:
    return Review.objects.select_related("client", "client__vcio", "tam", "msp").filter(pk=review_id).first()


def _check(review: Review) -> None:
    if review.status != ReviewStatus.COMPLETED or review.completed_at is None:
        raise ValidationError(NOT_COMPLETED)
    if review.client.is_archived:
        raise ValidationError("This client is archived; restore it before making reports.")


def _render(review: Review) -> Rendered:
    return Rendered(title=report_title(review), content=alignment_report_pdf(review=review))


# Registered in alignment.apps; the document's source is the review.
ALIGNMENT_REPORT = DocumentRenderer(
    kind=JOB_KIND,
    document_kind=DocumentKind.ALIGNMENT_REPORT,
    load=_load,
    client_of=lambda review: review.client,
    check=_check,
    render=_render,
    job_title=lambda review: f"Alignment report: {review.title}",
    noun="report",
    gathering="Gathering the review's results…",
    gone="The review no longer exists.",
)


def alignment_report_enqueue(*, review: Review, actor: User, publish: bool = False) -> Job:
    """Queue the rendering of a completed review's report; the job page follows it. ValidationError (and no
    job) when the review is not completed or its client is archived."""
    return document_job_enqueue(kind=JOB_KIND, client=review.client, source=review, actor=actor, publish=publish)


def review_reports(*, review: Review):
    """The documents made from this review, newest edition first (for the review page)."""
    return Document.objects.filter(source_id=review.pk, kind=DocumentKind.ALIGNMENT_REPORT,
                                   archived_at__isnull=True).order_by("-edition")


document_renderer_register(ALIGNMENT_REPORT)
