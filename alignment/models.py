"""Alignment reviews: a TAM answers the client's applicable standards; misalignments become findings,
findings become recommendations."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from clients.models import Client
from msp.rls import same_tenant_link
from msp.tenancy import TenantModel, VersionedModel
from standards.choices import Frequency, Priority
from standards.models import Category, Standard, StandardRevision

from .choices import Impact, RecommendationStatus, Response, ReviewStatus

MONEY = {"max_digits": 12, "decimal_places": 2}


@pghistory.track()
class Review(TenantModel, VersionedModel):
    """One alignment review of a client at a point in time, answered on site by a TAM."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(max_length=200)
    scheduled_for = models.DateField(null=True, blank=True)
    tam = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+", verbose_name="TAM")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED)
    # The scope chosen when scheduling; the answers created at that moment fix the standards in it.
    scope_categories = models.ManyToManyField(Category, blank=True, related_name="+", through="ReviewScopeCategory")
    scope_tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    scope_frequencies = ArrayField(models.CharField(max_length=12, choices=Frequency.choices), default=list,
                                   blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                help_text="Alignment score kept at completion (0-100, one decimal).")
    summary = models.TextField("technology summary", blank=True)
    summary_completed_at = models.DateTimeField(null=True, blank=True)
    summary_completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")

    class Meta:
        ordering = ["-scheduled_for", "-created_at"]
        indexes = [
            # A client's reviews by status, newest last: its latest completed reviews and their scores read from
            # the index alone, in order (the scorecard's latest and previous scores).
            models.Index(fields=["msp", "client", "status", "completed_at", "id"], include=["score"],
                         name="review_client_latest"),
            models.Index(fields=["msp", "tam", "status"]),
            # "Recently completed": the newest completed reviews of the MSP, read from the index in order.
            models.Index(fields=["msp", "status", "completed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.COMPLETED) | Q(completed_at__isnull=False),
                name="review_completed_has_date",
                violation_error_message="A completed review carries its completion time.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="review_score_range",
                violation_error_message="A score lies between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class Answer(TenantModel, VersionedModel):
    """The answer to one standard in one review, against the exact revision of its text.

    Created unanswered (`response` empty) when the review is scheduled. A misaligned answer is a finding.
    """

    client_path = "review__client"  # how a portal request is confined to its client (msp.confinement)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="answers")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="answers")
    revision = models.ForeignKey(StandardRevision, on_delete=models.PROTECT, related_name="answers")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(max_length=8, choices=Priority.choices,
                                help_text="The standard's priority when the review was scheduled.")
    position = models.PositiveIntegerField(default=0)
    response = models.CharField(max_length=16, choices=Response.choices, blank=True)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["msp", "review", "response"]),
            models.Index(fields=["msp", "standard"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "standard"], name="answer_one_per_standard",
                                    violation_error_message="This standard is already in the review."),
        ]

    def __str__(self) -> str:
        return f"{self.standard} in {self.review}"


def evidence_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.msp_id}/{instance.answer_id}/{instance.pk}.{ext}"


@pghistory.track()
class Evidence(TenantModel):
    """A photo (or screenshot) that backs an answer."""

    client_path = "answer__review__client"  # how a portal request is confined to its client (msp.confinement)

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="evidence")
    image = models.FileField(upload_to=evidence_path, max_length=300)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["msp", "answer"])]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)


@pghistory.track()
class Recommendation(TenantModel, VersionedModel):
    """What the vCIO advises, in business language, covering one or more findings."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recommendations")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="recommendations")
    title = models.CharField(max_length=200)
    title_confirmed = models.BooleanField(
        "title ready for the client", default=True,
        help_text="False while the title is wording drafted from findings: no client document is made until the vCIO "
                  "confirms it in business language.")
    description = models.TextField(blank=True)
    impact = models.CharField("business impact", max_length=20, choices=Impact.choices,
                              default=Impact.BUSINESS_RISK)
    impact_description = models.TextField(blank=True, help_text="What it means for the business.")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    one_time_cost = models.DecimalField("estimated one-time cost", **MONEY, null=True, blank=True,
                                        validators=[MinValueValidator(Decimal("0"))])
    monthly_cost = models.DecimalField("estimated monthly cost", **MONEY, null=True, blank=True,
                                       validators=[MinValueValidator(Decimal("0"))])
    findings = models.ManyToManyField(Answer, blank=True, related_name="recommendations",
                                      through="RecommendationFinding")
    status = models.CharField(max_length=12, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["msp", "client", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(one_time_cost__isnull=True) | Q(one_time_cost__gte=0))
                & (Q(monthly_cost__isnull=True) | Q(monthly_cost__gte=0)),
                name="recommendation_costs_not_negative",
                violation_error_message="Costs cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# Link rows carry `msp` like every tenant row, so row-level security covers them too. They are added with
# `through_defaults={"msp": <the owner's msp>}`; the services check that both ends are the tenant's, and a
# trigger refuses a link whose ends belong to another MSP.


class ReviewScopeCategory(TenantModel):
    """A category chosen for a review's scope."""

    client_path = "review__client"  # how a portal request is confined to its client (msp.confinement)

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(review=Review, category=Category)]
        constraints = [
            models.UniqueConstraint(fields=["review", "category"], name="review_scope_category_once",
                                    violation_error_message="This category is already in the review's scope."),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} in {self.review_id}"


class RecommendationFinding(TenantModel):
    """A finding (a misaligned answer) that a recommendation covers."""

    client_path = "recommendation__client"  # how a portal request is confined to its client (msp.confinement)

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(recommendation=Recommendation, answer=Answer)]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "answer"], name="recommendation_finding_once",
                                    violation_error_message="This finding is already covered."),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} in {self.recommendation_id}"
