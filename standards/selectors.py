"""Reads of the standards library: the filtered library, what is in a review's scope, what is due for the
standards committee's yearly review, counts per category. They run inside the request's tenant scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .choices import StandardStatus
from .models import Category, Framework, Standard, StandardRevision

# The standards committee reviews every active standard at least once a year.
REVIEW_INTERVAL_MONTHS = 12

STATUS_FILTERS = ("active", "retired", "all")

LIBRARY_ORDER = ("category__position", "category__name", "name")


def _with_relations(qs: QuerySet[Standard]) -> QuerySet[Standard]:
    return qs.select_related("category").prefetch_related(
        Prefetch("frameworks", queryset=Framework.objects.order_by("code")))


def _ids(values: Iterable) -> list:
    return [getattr(v, "pk", v) for v in values]


def standard_list(*, category=None, tag: str = "", framework=None, priority: str = "", frequency: str = "",
                  status: str = "active", search: str = "") -> QuerySet[Standard]:
    """The library, filtered: `category` / `framework` are objects or ids, `status` is active (default),
    retired or all, `search` looks in names and questions. Ordered as the library is shown."""
    qs = Standard.objects.all()
    if status == "active":
        qs = qs.filter(status=StandardStatus.ACTIVE)
    elif status == "retired":
        qs = qs.filter(status=StandardStatus.RETIRED)
    if category:
        qs = qs.filter(category_id=getattr(category, "pk", category))
    if tag:
        qs = qs.filter(tags__contains=[tag.strip().lower()])
    if framework:
        qs = qs.filter(frameworks=getattr(framework, "pk", framework))
    if priority:
        qs = qs.filter(priority=priority)
    if frequency:
        qs = qs.filter(frequency=frequency)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(question__icontains=search))
    return _with_relations(qs.distinct()).order_by(*LIBRARY_ORDER)


def standards_in_scope(*, categories: Iterable | None = None, tags: Iterable[str] | None = None,
                       frequencies: Iterable[str] | None = None) -> QuerySet[Standard]:
    """The active standards a new review covers, ordered by category position, category name, standard name.

    Each argument narrows the set when given and not empty: `categories` (Category objects or ids) keeps
    those categories, `tags` keeps standards carrying any of the tags, `frequencies` (Frequency values)
    keeps standards reviewed that often. None or an empty list means no narrowing on that argument.
    Retired standards are never in scope.
    """
    qs = Standard.objects.filter(status=StandardStatus.ACTIVE)
    if categories:
        qs = qs.filter(category_id__in=_ids(categories))
    if tags:
        wanted = sorted({t.strip().lower() for t in tags if t and t.strip()})
        if wanted:
            qs = qs.filter(tags__overlap=wanted)
    if frequencies:
        qs = qs.filter(frequency__in=list(frequencies))
    return qs.select_related("category").order_by(*LIBRARY_ORDER)


def review_due_before(today: date) -> date:
    """Standards last reviewed on or before this day are due: 12 months have passed."""
    year, month = today.year - 1, today.month
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February: a year before is 28 February
        return date(year, month, 28)


def standards_due_for_review(*, today: date) -> QuerySet[Standard]:
    """Active standards never reviewed by the committee, or last reviewed 12 months or more before `today`.
    Never-reviewed standards come first, then the longest unreviewed."""
    qs = Standard.objects.filter(status=StandardStatus.ACTIVE).filter(
        Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lte=review_due_before(today)))
    return _with_relations(qs).order_by("category__position", "category__name",
                                        "last_reviewed_on", "name")


def is_due_for_review(standard: Standard, *, today: date) -> bool:
    return standard.status == StandardStatus.ACTIVE and (
        standard.last_reviewed_on is None or standard.last_reviewed_on <= review_due_before(today))


def category_list(*, include_archived: bool = False) -> QuerySet[Category]:
    """Categories in library order, with `active_count` and `retired_count` of their standards."""
    qs = Category.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.annotate(
        active_count=Count("standards", filter=Q(standards__status=StandardStatus.ACTIVE)),
        retired_count=Count("standards", filter=Q(standards__status=StandardStatus.RETIRED)),
    ).order_by("position", "name")


def category_counts() -> dict:
    """{category id: {"active": n, "retired": n}} for every category."""
    return {c.pk: {"active": c.active_count, "retired": c.retired_count}
            for c in category_list(include_archived=True)}


def framework_list(*, include_archived: bool = False) -> QuerySet[Framework]:
    qs = Framework.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.annotate(
        standard_count=Count("standards", filter=Q(standards__status=StandardStatus.ACTIVE))).order_by("code")


def library_tags() -> list[str]:
    """Every tag used in the library, sorted."""
    tags: set[str] = set()
    for row in Standard.objects.values_list("tags", flat=True):
        tags.update(row)
    return sorted(tags)


def group_by_category(standards: Iterable[Standard]) -> list[tuple[Category, list[Standard]]]:
    """(category, its standards) in the order given (the library's order keeps categories together)."""
    groups: list[tuple[Category, list[Standard]]] = []
    for standard in standards:
        if not groups or groups[-1][0].pk != standard.category_id:
            groups.append((standard.category, []))
        groups[-1][1].append(standard)
    return groups


def standard_revisions(*, standard: Standard) -> QuerySet[StandardRevision]:
    """Every revision of a standard's text, newest first."""
    return StandardRevision.objects.filter(standard=standard).select_related("created_by").order_by("-number")


def library_is_empty() -> bool:
    return not Standard.objects.exists()


def answered_ids(ids: Iterable | None = None) -> set:
    """Ids of the standards (of `ids`, or of the whole library) that some review has answered: one EXISTS
    per standard, so the cost follows the library, never the number of answers."""
    answers = Standard._meta.get_field("answers").related_model  # alignment's Answer, which this app never imports
    qs = Standard.objects.filter(Exists(answers.objects.filter(standard=OuterRef("pk"))))
    if ids is not None:
        qs = qs.filter(pk__in=_ids(ids))
    return set(qs.values_list("pk", flat=True))
