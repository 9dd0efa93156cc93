"""Demo alignment history: every Demo MSP client gets completed reviews over the last two years (so
scores and trends show), recommendations and a technology summary on the latest, and one review is left
in progress for the TAM. Called by `seed_demo` inside the MSP's scope; safe to run again (a client that
has reviews gets no more)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.choices import ClientStatus
from clients.models import Client
from msp.models import Activity, Notification, User

from . import services
from .choices import Impact, Response
from .models import Answer, Review

# Days before today of each completed review: roughly every eight months over two years.
HISTORY_DAYS_AGO = (690, 450, 210)
IN_PROGRESS_CLIENT = "Lakeshore Family Dental"
IN_PROGRESS_TITLE = "Alignment review (on site next week)"
MISALIGNED_NOTES = (
    "Seen on site; the client agreed it needs attention.",
    "Checked in the console: not in place yet.",
    "Partly done; not to the standard.",
    "The office manager was not aware of this.",
)
SUMMARY = (
    "{client} is in better shape than a year ago: the biggest risks found last time have been dealt with. "
    "What remains is mostly about resilience: making sure a bad day (a failed server, a stolen laptop, a "
    "phishing email) stays a bad day and does not become a closed office. The recommendations below are "
    "ordered by the risk they remove for the money they cost."
)


def _title(day: date) -> str:
    return f"Alignment review {day:%B %Y}"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _answer_all(review: Review, *, rng: random.Random, aligned_share: float, actor: User) -> None:
    """Answer every standard. Each standard gets a fixed draw per client, so what was aligned in an
    earlier review stays aligned as the share grows: the demo clients improve review after review."""
    changes = []
    for answer in Answer.objects.filter(review=review).order_by("position"):
        draw = random.Random(f"{review.client_id}:{answer.standard_id}")  # noqa: S311 - demo data
        not_applicable, fixed_by = draw.random() < 0.07, draw.random()
        if not_applicable:
            response, note = Response.NOT_APPLICABLE, "Not used by this client."
        elif fixed_by < aligned_share:
            response, note = Response.ALIGNED, ""
        else:
            response, note = Response.MISALIGNED, rng.choice(MISALIGNED_NOTES)
        changes.append(services.AnswerChange(answer_id=answer.pk, version=answer.version, response=response,
                                             note=note))
    services.answers_bulk_set(review=review, actor=actor, changes=changes)


def _backdate(review: Review, day: date) -> None:
    """Reviews are completed now by the service; the demo moves them to the day they happened."""
    when = _at(day)
    Review.objects.filter(pk=review.pk).update(scheduled_for=day, started_at=when, completed_at=when)
    Review.objects.filter(pk=review.pk, summary_completed_at__isnull=False).update(summary_completed_at=when)
    Answer.objects.filter(review=review).update(answered_at=when)
    Activity.objects.filter(subject_id=review.pk).update(occurred_at=when)


def _recommend(review: Review, actor: User) -> None:
    findings = list(Answer.objects.filter(review=review, response=Response.MISALIGNED)
                    .select_related("standard").order_by("position"))
    high = [a for a in findings if a.priority == "high"][:2]
    if high:
        services.recommendation_create_from_findings(
            review=review, findings=high, actor=actor, impact=Impact.BUSINESS_RISK, priority="high",
            title="Close the gaps an attacker would use first",
            description="Two of the checks that matter most for keeping intruders and ransomware out are not "
                        "met today. Fixing them is a short project and a small monthly cost.",
            impact_description="Lowers the chance of a breach that would stop the practice for days.",
            one_time_cost="1800.00", monthly_cost="45.00",
        )
    rest = [a for a in findings if a not in high][:3]
    if rest:
        services.recommendation_create_from_findings(
            review=review, findings=rest, actor=actor, impact=Impact.PRODUCTIVITY, priority="medium",
            title="Take the friction out of everyday IT",
            description="A handful of smaller gaps cost staff time or make recovery slower than it should be.",
            impact_description="Fewer interruptions for staff and quicker recovery when something breaks.",
            one_time_cost="950.00",
        )


def _client_history(tally, *, client: Client, tam: User, vcio: User, today: date) -> list[Review]:
    rng = random.Random(f"alignment:{client.name}")  # noqa: S311 - repeatable demo data, not security
    base = rng.uniform(0.48, 0.66)
    made = []
    existing = Review.objects.filter(client=client).exclude(title=IN_PROGRESS_TITLE).count()
    if existing:
        # Dates move with the calendar, so the history is made once per client, never topped up.
        tally.existing["reviews"] += existing
        return made
    for index, days_ago in enumerate(HISTORY_DAYS_AGO):
        day = today - timedelta(days=days_ago)
        if client.status == ClientStatus.CHURNED and index == len(HISTORY_DAYS_AGO) - 1:
            continue  # a churned client was not reviewed again
        title = _title(day)
        review = services.review_schedule(client=client, actor=vcio, title=title, scheduled_for=day, tam=tam)
        _answer_all(review, rng=rng, aligned_share=min(base + 0.11 * index, 0.95), actor=tam)
        review = services.review_complete(review=Review.objects.get(pk=review.pk), actor=tam)
        if index == len(HISTORY_DAYS_AGO) - 1 or client.status == ClientStatus.CHURNED and index == 1:
            _recommend(review, vcio)
            services.summary_complete(review=Review.objects.get(pk=review.pk), actor=vcio,
                                      summary=SUMMARY.format(client=client.name))
        _backdate(review, day)
        tally.created["reviews"] += 1
        made.append(review)
    return made


def _in_progress(tally, *, client: Client, tam: User, vcio: User, today: date) -> None:
    found = Review.objects.filter(client=client, title=IN_PROGRESS_TITLE).first()
    if found is not None:
        tally.existing["reviews"] += 1
        return
    review = services.review_schedule(client=client, actor=vcio, title=IN_PROGRESS_TITLE,
                                      scheduled_for=today + timedelta(days=7), tam=tam)
    rng = random.Random("alignment:in-progress")  # noqa: S311
    answers = list(Answer.objects.filter(review=review).order_by("position"))
    first_third = answers[: len(answers) // 3]
    changes = [services.AnswerChange(answer_id=a.pk, version=a.version,
                                     response=Response.ALIGNED if rng.random() < 0.8 else Response.MISALIGNED)
               for a in first_third]
    services.answers_bulk_set(review=review, actor=tam, changes=changes)
    tally.created["reviews"] += 1


def demo_reviews_seed(tally, *, clients: list[Client], tam: User, vcios: dict[str, User], today: date) -> None:
    """Review history for `clients` (inside the MSP's scope)."""
    made: list[Review] = []
    for client in clients:
        if client.status == ClientStatus.ONBOARDING or client.archived_at:
            continue
        vcio = client.vcio or next(iter(vcios.values()))
        try:
            made += _client_history(tally, client=client, tam=tam, vcio=vcio, today=today)
            if client.name == IN_PROGRESS_CLIENT:
                _in_progress(tally, client=client, tam=tam, vcio=vcio, today=today)
        except ValidationError:  # e.g. a library emptied by hand: the rest of the demo still loads
            tally.existing["reviews skipped"] += 1
    # The "review completed" notifications of the made-up history are old news.
    for review in made:
        Notification.objects.filter(url__contains=str(review.pk), read_at__isnull=True).update(
            read_at=timezone.now())
