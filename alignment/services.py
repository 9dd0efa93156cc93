"""Writes of alignment reviews: scheduling, answering on site, evidence, completion, the technology summary,
recommendations. Views and the API call these; they never save the models themselves.

Rules kept here:
- a review fixes its standards when it is scheduled: one unanswered answer per in-scope active standard,
  pinned to the standard's current text revision, with the category and priority of that moment;
- answers carry a version: a stale save is refused (StaleVersionError) and changes nothing;
- a completed (or cancelled) review is final: its answers, evidence and score no longer change. A review is a
  point in time; to record a change on site, schedule a new review;
- the score is alignment.scoring's, stored at completion.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone

from clients.models import Client
from msp.activities import activity_record, notification_create
from msp.models import Membership, User
from msp.records import record_archive, record_create, record_update, records_validate
from msp.roles import Perm, Role, can
from msp.services import queue_email
from msp.tenancy import StaleVersionError, bump_version, history
from standards.choices import PRIORITY_WEIGHTS, Frequency
from standards.models import Category, Standard, StandardRevision
from standards.selectors import standards_in_scope

from . import scoring
from .choices import AlignmentActivity, RecommendationStatus, Response, ReviewStatus
from .models import Answer, Evidence, Recommendation, Review

OPEN_STATUSES = (ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS)
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES_TEXT = "JPEG, PNG, WebP or HEIC"


# --- helpers --------------------------------------------------------------------------------------------

def default_title(day: date | None) -> str:
    """"Alignment review March 2026": the title a review gets when none is given."""
    return f"Alignment review {dateformat.format(day or timezone.localdate(), 'F Y')}"


def _lock_review(review: Review | uuid.UUID) -> Review:
    """The review's row (given the review or its id), locked for this transaction, so a status change and an
    answer never interleave."""
    return Review.objects.select_for_update().get(pk=getattr(review, "pk", review))


def _lock_answer(answer: Answer) -> None:
    """Lock the answer's row and bring `answer` up to it, in one query (the caller's object keeps what it
    already carries: its standard, revision and evidence for the card)."""
    row = Answer._base_manager.select_for_update().get(pk=answer.pk)
    for f in Answer._meta.concrete_fields:
        setattr(answer, f.attname, getattr(row, f.attname))


def _ensure_open(review: Review) -> None:
    if review.status == ReviewStatus.COMPLETED:
        when = timezone.localtime(review.completed_at).strftime("%Y-%m-%d") if review.completed_at else ""
        raise ValidationError(
            f"This review was completed{' on ' + when if when else ''}; its answers can no longer change. "
            "Schedule a new review to record what has changed.", code="review_completed")
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError("This review was cancelled; its answers can no longer change.",
                              code="review_cancelled")


def _mark_started(review: Review, actor: User | None) -> None:
    """A scheduled review is in progress from its first answer (the row is already locked)."""
    if review.status == ReviewStatus.SCHEDULED:
        review.status = ReviewStatus.IN_PROGRESS
        review.started_at = timezone.now()
        bump_version(review)
        review.save(update_fields=["status", "started_at", "version", "updated_at"])


def _can_answer(msp_id, user: User) -> bool:
    roles = Membership.objects.filter(msp_id=msp_id, user=user, removed_at__isnull=True,
                                      user__is_active=True).values_list("role", flat=True)
    return any(can(role, Perm.ANSWER_REVIEWS) for role in roles)


def _standards_in_scope(*, categories: Sequence[Category] | None, tags: Sequence[str] | None,
                        frequencies: Sequence[str] | None) -> list[Standard]:
    """Active standards in the scope, in library order (category position and name, then name)."""
    return list(standards_in_scope(categories=categories or None, tags=tags or None,
                                   frequencies=frequencies or None))


def _current_revisions(standards: Sequence[Standard], actor: User | None) -> dict[uuid.UUID, StandardRevision]:
    """The latest text revision (by number) of each standard."""
    latest = {
        rev.standard_id: rev
        for rev in StandardRevision.objects.filter(standard__in=standards)
        .order_by("standard_id", "-number").distinct("standard_id")
    }
    for standard in standards:
        if standard.pk not in latest:
            # Every standard is created with its first revision; should one lack it, pin its current text
            # rather than refuse the whole review.
            latest[standard.pk] = StandardRevision.objects.create(
                msp_id=standard.msp_id, standard=standard, number=standard.revision, question=standard.question,
                why=standard.why, how=standard.how, reference_url=standard.reference_url, created_by=actor)
    return latest


# --- scheduling -----------------------------------------------------------------------------------------

@transaction.atomic
def review_schedule(*, client: Client, actor: User | None, title: str = "", scheduled_for: date | None = None,
                    tam: User | None, categories: Iterable[Category] | None = None,
                    tags: Iterable[str] | None = None, frequencies: Iterable[str] | None = None) -> Review:
    """Schedule a review of `client` answered by `tam`: one unanswered answer per in-scope active standard.

    The scope narrows the library: standards in any of `categories`, carrying any of `tags`, with a review
    frequency among `frequencies` (each left empty: no narrowing). An empty scope is refused.
    """
    categories = list(categories or [])
    # Tags are kept lower case in the library.
    tags = sorted({t.strip().lower() for t in (tags or []) if t and t.strip()})
    frequencies = [fq for fq in (frequencies or []) if fq]
    errors: dict[str, list[str]] = {}
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before scheduling a review.")
    if tam is None:
        errors["tam"] = ["Assign the TAM who will answer the review."]
    elif not _can_answer(client.msp_id, tam):
        errors["tam"] = [f"{tam.display_name} cannot answer reviews; choose a TAM, vCIO or owner of your MSP."]
    wrong = [fq for fq in frequencies if fq not in Frequency.values]
    if wrong:
        errors["frequencies"] = [f"Unknown review frequency “{wrong[0]}”; choose among "
                                 f"{', '.join(Frequency.values)}."]
    if any(c.msp_id != client.msp_id for c in categories):
        errors["categories"] = ["Select categories of your own standards library."]
    if errors:
        raise ValidationError(errors)

    standards = _standards_in_scope(categories=categories, tags=tags, frequencies=frequencies)
    if not standards:
        parts = []
        if categories:
            parts.append("categories " + ", ".join(c.name for c in categories))
        if tags:
            parts.append("tags " + ", ".join(tags))
        if frequencies:
            parts.append("frequencies " + ", ".join(Frequency(fq).label.lower() for fq in frequencies))
        where = f" ({'; '.join(parts)})" if parts else ""
        raise ValidationError(
            f"No active standard is in this scope{where}. Widen the scope, or add standards to the library "
            "first.", code="empty_scope")

    revisions = _current_revisions(standards, actor)
    review = record_create(
        Review, msp=client.msp, actor=actor, client=client, title=(title or "").strip() or default_title(scheduled_for),
        scheduled_for=scheduled_for, tam=tam, status=ReviewStatus.SCHEDULED, scope_tags=tags,
        scope_frequencies=frequencies, created_by=actor,
    )
    with history(actor):
        review.scope_categories.set(categories, through_defaults={"msp": review.msp})
        Answer.objects.bulk_create([
            Answer(msp=client.msp, review=review, standard=s, revision=revisions[s.pk], category_id=s.category_id,
                   priority=s.priority, position=i)
            for i, s in enumerate(standards, start=1)
        ])
    if tam is not None and tam != actor:
        notification_create(msp=client.msp, user=tam, title=f"Review to do: {review.title} for {client.name}",
                            body=f"{len(standards)} standards"
                                 + (f", planned for {review.scheduled_for:%Y-%m-%d}" if scheduled_for else "")
                                 + ".",
                            url=reverse("review_answer", kwargs={"review_id": review.pk}))
    return review


@transaction.atomic
def review_start(*, review: Review, actor: User | None) -> Review:
    """Mark a scheduled review in progress (its first answer does it too)."""
    locked = _lock_review(review)
    _ensure_open(locked)
    with history(actor):
        _mark_started(locked, actor)
    return locked


@transaction.atomic
def review_cancel(*, review: Review, actor: User | None, expected_version: int | None = None) -> Review:
    """Cancel a review that is not completed. Its answers stay, read-only."""
    locked = _lock_review(review)
    if locked.status == ReviewStatus.COMPLETED:
        raise ValidationError("A completed review cannot be cancelled; it is a record of that day.")
    if locked.status == ReviewStatus.CANCELLED:
        return locked
    return record_update(locked, actor=actor, expected_version=expected_version, status=ReviewStatus.CANCELLED)


# --- answering ------------------------------------------------------------------------------------------

def _validate_response(response: str | None) -> None:
    if response is not None and response not in Response.values:
        raise ValidationError({"response": "Choose aligned, misaligned or not applicable."})


def _same(answer: Answer, response: str | None, note: str | None) -> bool:
    """True when saving would change nothing (a repeated tap on the same button)."""
    return (response is None or answer.response == response) and (note is None or answer.note == note.strip())


def _clean_changed(answer: Answer, fields: Sequence[str]) -> None:
    """The field rules of what changes. The row's foreign keys were checked when the review was scheduled and
    the only one a save sets is the actor the service holds, so none is looked up again (full_clean would
    query every foreign key and the unique pair for each answer saved)."""
    answer.clean_fields(exclude=[f.name for f in Answer._meta.concrete_fields if f.is_relation or f.name not in fields])


def _change(answer: Answer, *, actor: User | None, response: str | None, note: str | None,
            now: datetime | None = None) -> list[str]:
    """Set what changes on `answer` (in memory) and return the fields written, with version and time."""
    now = now or timezone.now()
    fields = []
    if response is not None and response != answer.response:
        answer.response = response
        answer.answered_by = actor
        answer.answered_at = now
        fields += ["response", "answered_by", "answered_at"]
    if note is not None and note.strip() != answer.note:
        answer.note = note.strip()
        fields.append("note")
    if fields:
        bump_version(answer)
        answer.updated_at = now
        fields += ["version", "updated_at"]
    return fields


def _apply(answer: Answer, *, actor: User | None, response: str | None, note: str | None) -> Answer:
    fields = _change(answer, actor=actor, response=response, note=note)
    if fields:
        _clean_changed(answer, fields)
        answer.save(update_fields=fields)
    return answer


@transaction.atomic
def answer_set(*, answer: Answer, actor: User | None, response: str | None = None, note: str | None = None,
               expected_version: int | None) -> Answer:
    """Record the answer (and/or its note) given on site.

    `expected_version` is the version the person saw; when someone else saved since, StaleVersionError is
    raised and nothing changes, unless what they saved is exactly what this save asks for. `None` for
    `response` or `note` keeps the stored value.
    """
    _validate_response(response)
    review = _lock_review(answer.review_id)
    _ensure_open(review)
    with history(actor):
        _lock_answer(answer)
        if expected_version is not None and int(expected_version) != answer.version:
            if _same(answer, response, note):
                return answer
            raise StaleVersionError(answer.version)
        _mark_started(review, actor)
        return _apply(answer, actor=actor, response=response, note=note)


@dataclass(frozen=True)
class AnswerChange:
    """One item of a bulk save: the answer, what to set (None keeps it) and the version the caller saw."""

    answer_id: uuid.UUID
    version: int
    response: str | None = None
    note: str | None = None


class StaleAnswersError(Exception):
    """Some answers of a bulk save were changed by someone else; nothing was saved."""

    def __init__(self, current: dict[uuid.UUID, int]):
        super().__init__(f"{len(current)} answer(s) were changed by someone else; nothing was saved.")
        self.current = current


@transaction.atomic
def answers_bulk_set(*, review: Review, actor: User | None, changes: Sequence[AnswerChange]) -> list[Answer]:
    """Apply several answers at once, all or nothing: every version is checked before anything is written."""
    ids = [c.answer_id for c in changes]
    if len(set(ids)) != len(ids):
        raise ValidationError({"answers": ["Each answer may appear only once in a request."]})
    for c in changes:
        _validate_response(c.response)
    locked_review = _lock_review(review)
    _ensure_open(locked_review)
    answers = {a.pk: a for a in Answer.objects.select_for_update().filter(review=locked_review, pk__in=ids)}
    missing = [str(i) for i in ids if i not in answers]
    if missing:
        raise ValidationError({"answers": [f"Not an answer of this review: {', '.join(missing)}."]})
    stale = {c.answer_id: answers[c.answer_id].version for c in changes
             if answers[c.answer_id].version != c.version and not _same(answers[c.answer_id], c.response, c.note)}
    if stale:
        raise StaleAnswersError(stale)
    with history(actor):
        _mark_started(locked_review, actor)
        # Validated and written together: the answers that get the same values (a review's worth of
        # "aligned", say) are one UPDATE, each row's version going up by one, so a review costs a few
        # queries, not hundreds.
        now = timezone.now()
        written: dict[tuple, list[Answer]] = {}
        for c in changes:
            answer = answers[c.answer_id]
            fields = _change(answer, actor=actor, response=c.response, note=c.note, now=now)
            if fields:
                values = tuple((f.attname, getattr(answer, f.attname)) for f in map(Answer._meta.get_field, fields)
                               if f.name != "version")
                written.setdefault(values, []).append(answer)
        for values, group in written.items():
            records_validate(group, fields=[Answer._meta.get_field(attname).name for attname, _ in values]
                             + ["version"])
            Answer.objects.filter(pk__in=[a.pk for a in group]).update(**dict(values), version=F("version") + 1)
        return [answers[c.answer_id] for c in changes]


@transaction.atomic
def category_mark_not_applicable(*, review: Review, category: Category, actor: User | None) -> int:
    """Mark every standard of `category` in the review not applicable (answered ones too). Returns how many
    answers changed."""
    locked = _lock_review(review)
    _ensure_open(locked)
    answers = list(Answer.objects.select_for_update().filter(review=locked, category=category))
    if not answers:
        raise ValidationError(f"This review has no standards in {category.name}.")
    changed = 0
    with history(actor):
        _mark_started(locked, actor)
        for answer in answers:
            if answer.response != Response.NOT_APPLICABLE:
                _apply(answer, actor=actor, response=Response.NOT_APPLICABLE, note=None)
                changed += 1
    return changed


# --- evidence -------------------------------------------------------------------------------------------

HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
HEIF_BRANDS = {b"mif1", b"msf1"}


def sniff_image(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an image from its first bytes, or None when it is not one we accept.

    The name and the browser's declared type are not trusted: the file's own signature decides.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp":
        if head[8:12] in HEIC_BRANDS:
            return "image/heic", "heic"
        if head[8:12] in HEIF_BRANDS:
            return "image/heif", "heif"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def evidence_add(*, answer: Answer, actor: User | None, file) -> Evidence:
    """Attach a photo to an answer: JPEG, PNG, WebP or HEIC (checked by content), up to 10 MB."""
    name = (getattr(file, "name", "") or "photo").rsplit("/", 1)[-1][:200]
    size = getattr(file, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": f"“{name}” is {_megabytes(size)}; a photo may be up to 10 MB."})
    data = file.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": f"“{name}” is larger than 10 MB; a photo may be up to 10 MB."})
    if not data:
        raise ValidationError({"file": f"“{name}” is empty."})
    kind = sniff_image(data[:32])
    if kind is None:
        raise ValidationError({"file": f"“{name}” is not a {EVIDENCE_TYPES_TEXT} image. "
                                       "Upload a photo or a screenshot."})
    content_type, ext = kind
    review = _lock_review(answer.review)
    _ensure_open(review)
    return record_create(Evidence, msp=answer.msp, actor=actor, answer=answer, content_type=content_type,
                         size=len(data), original_name=name, uploaded_by=actor,
                         image=ContentFile(data, name=f"photo.{ext}"))


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: User | None) -> Evidence:
    """Take a photo off its answer (it is archived, not deleted)."""
    review = _lock_review(evidence.answer.review)
    _ensure_open(review)
    return record_archive(evidence, actor=actor)


# --- completion -----------------------------------------------------------------------------------------

def _score_text(score) -> str:
    return "no score (nothing applicable)" if score is None else f"{score}"


@transaction.atomic
def review_complete(*, review: Review, actor: User | None, expected_version: int | None = None) -> Review:
    """Close the review: every standard answered; the score is stored; the client's vCIO is told."""
    locked = _lock_review(review)
    if locked.status == ReviewStatus.COMPLETED:
        raise ValidationError("This review is already completed.")
    _ensure_open(locked)
    rows = list(Answer.objects.filter(review=locked).values_list("response", "priority"))
    tally = scoring.tally(rows)
    if tally.unanswered:
        raise ValidationError(
            f"{tally.unanswered} of {tally.total} standards are still unanswered. Answer them, or mark their "
            "category not applicable, before completing the review.", code="unanswered")
    if not rows:
        raise ValidationError("This review has no standards to answer.")
    now = timezone.now()
    locked = record_update(locked, actor=actor, expected_version=expected_version, status=ReviewStatus.COMPLETED,
                           started_at=locked.started_at or now, completed_at=now, completed_by=actor,
                           score=tally.score)
    client = locked.client
    activity_record(msp=locked.msp, kind=AlignmentActivity.REVIEW_COMPLETED, actor=actor, client_id=client.pk,
                    subject_id=locked.pk, occurred_at=now)
    _notify_completed(locked, tally, actor)
    return locked


def review_completed_subject(review: Review) -> str:
    """The subject of the email to the vCIO (one place, so tests and docs agree)."""
    score = "no score" if review.score is None else f"score {review.score}"
    return f"Alignment review completed: {review.client.name} ({score})"


def _notify_completed(review: Review, tally: scoring.Tally, actor: User | None) -> None:
    """Tell the client's vCIO (else whoever scheduled it) in the app and by email; not the person who completed
    it, who knows already."""
    client = review.client
    staff = {m.user_id for m in Membership.objects.filter(msp=review.msp, removed_at__isnull=True,
                                                           role__in=[Role.OWNER, Role.VCIO])}
    # Someone removed from the MSP keeps their name on old records but hears nothing more.
    recipient = next((u for u in (client.vcio, review.created_by) if u is not None and u.pk in staff), None)
    if recipient is None or recipient == actor:
        return
    path = reverse("review_detail", kwargs={"review_id": review.pk})
    who = actor.display_name if actor else "Someone"
    notification_create(
        msp=review.msp, user=recipient,
        title=f"Review completed: {client.name}, score {review.score if review.score is not None else '—'}",
        body=f"{who} completed “{review.title}”: {tally.aligned} aligned, {tally.misaligned} misaligned, "
             f"{tally.not_applicable} not applicable.",
        url=path,
    )
    if recipient.email:
        queue_email(
            msp=review.msp, to=recipient.email, subject=review_completed_subject(review),
            template="alignment/email/review_completed.txt",
            context={"recipient": recipient.display_name, "client": client.name, "title": review.title,
                     "completed_by": who, "score": _score_text(review.score), "aligned": tally.aligned,
                     "misaligned": tally.misaligned, "not_applicable": tally.not_applicable,
                     "link": settings.SITE_URL + path, "msp_name": review.msp.name},
        )


# --- technology summary ---------------------------------------------------------------------------------

@transaction.atomic
def summary_save(*, review: Review, actor: User | None, summary: str,
                 expected_version: int | None = None) -> Review:
    """Save the vCIO's technology summary of the review (business language)."""
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError("This review was cancelled; it takes no summary.")
    return record_update(review, actor=actor, expected_version=expected_version, summary=(summary or "").strip())


@transaction.atomic
def summary_complete(*, review: Review, actor: User | None, summary: str | None = None,
                     expected_version: int | None = None) -> Review:
    """Mark the technology summary completed (saving `summary` first when given). Recorded once as an
    Activity the playbook counts; later edits of the text keep the first completion."""
    if summary is not None:
        review = summary_save(review=review, actor=actor, summary=summary, expected_version=expected_version)
        expected_version = None
    if review.status != ReviewStatus.COMPLETED:
        raise ValidationError("Complete the review before marking its technology summary completed.")
    if not review.summary.strip():
        raise ValidationError({"summary": "Write the technology summary before marking it completed."})
    if review.summary_completed_at is None:
        now = timezone.now()
        review = record_update(review, actor=actor, expected_version=expected_version, summary_completed_at=now,
                               summary_completed_by=actor)
        activity_record(msp=review.msp, kind=AlignmentActivity.SUMMARY_COMPLETED, actor=actor,
                        client_id=review.client_id, subject_id=review.pk, occurred_at=now)
    return review


# --- recommendations ------------------------------------------------------------------------------------

def _check_findings(*, client: Client, findings: Iterable[Answer]) -> list[Answer]:
    findings = list(findings)
    errors = []
    for answer in findings:
        if answer.msp_id != client.msp_id:
            errors.append("Select findings of this client; one of them was not found.")
            continue
        if answer.review.client_id != client.pk:
            errors.append(f"“{answer.standard.name}” is a finding of another client.")
        elif answer.response != Response.MISALIGNED:
            state = answer.get_response_display().lower() if answer.response else "not answered yet"
            errors.append(f"“{answer.standard.name}” is not a finding: it is {state}.")
    if errors:
        raise ValidationError({"findings": errors})
    return findings


def _check_review(client: Client, review: Review | None) -> None:
    if review is not None and review.client_id != client.pk:
        raise ValidationError({"review": "Select a review of the same client."})


@transaction.atomic
def _drafted(title: str, findings: Sequence[Answer]) -> bool:
    """Whether `title` is still the wording `recommendation_defaults` drafts for `findings` (in any order)."""
    title = (title or "").strip()
    names = sorted(a.standard.name for a in findings)
    if len(names) == 1:
        return title == f"Address: {names[0]}"
    prefix = f"Address {len(names)} findings: "
    listed = title[len(prefix):].removesuffix("…").split(", ")
    return title.startswith(prefix) and (sorted(listed) == names or (title.endswith("…") and len(title) >= 199))


def _check_title_confirmed(title: str, findings: Sequence[Answer], confirmed: bool) -> None:
    """A title may be confirmed for the client only once it is no longer the wording drafted from its
    findings."""
    if confirmed and findings and _drafted(title, findings):
        raise ValidationError({"title_confirmed": "This is still the wording drafted from the findings. Write what "
                                                  "the client gains or avoids, then confirm it."})


def recommendation_create(*, client: Client, actor: User | None, title: str, findings: Iterable[Answer] = (),
                          review: Review | None = None, **fields) -> Recommendation:
    """A recommendation in business language for `client`, covering any number of its findings. A title the
    vCIO has not confirmed (`title_confirmed=False`) keeps it out of client documents."""
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before adding recommendations.")
    findings = _check_findings(client=client, findings=findings)
    _check_title_confirmed(title, findings, fields.get("title_confirmed", True))
    _check_review(client, review)
    if review is None:
        reviews = {a.review_id for a in findings}
        if len(reviews) == 1:
            review = findings[0].review
    rec = record_create(Recommendation, msp=client.msp, actor=actor, client=client, review=review,
                        title=(title or "").strip(), created_by=actor, **fields)
    with history(actor):
        rec.findings.set(findings, through_defaults={"msp": rec.msp})
    return rec


@transaction.atomic
def recommendation_update(*, recommendation: Recommendation, actor: User | None,
                          expected_version: int | None = None, findings: Iterable[Answer] | None = None,
                          **fields) -> Recommendation:
    """Change a recommendation; it stays with its client (and review). `findings=None` keeps them."""
    for fixed in ("client", "review", "msp"):
        fields.pop(fixed, None)
    if findings is not None:
        findings = _check_findings(client=recommendation.client, findings=findings)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    if fields.get("title_confirmed"):
        covered = findings if findings is not None else list(recommendation.findings.select_related("standard"))
        _check_title_confirmed(fields.get("title", recommendation.title), covered, True)
    rec = record_update(recommendation, actor=actor, expected_version=expected_version, **fields)
    if findings is not None:
        with history(actor):
            rec.findings.set(findings, through_defaults={"msp": rec.msp})
    return rec


@transaction.atomic
def recommendation_archive(*, recommendation: Recommendation, actor: User | None) -> Recommendation:
    return record_archive(recommendation, actor=actor)


def _highest_priority(findings: Sequence[Answer]) -> str:
    return max((a.priority for a in findings), key=lambda p: PRIORITY_WEIGHTS[p])


def recommendation_defaults(*, findings: Sequence[Answer]) -> dict:
    """Title, description and priority suggested for a recommendation covering `findings`."""
    names = [a.standard.name for a in findings]
    if len(findings) == 1:
        title = f"Address: {names[0]}"
    else:
        title = f"Address {len(findings)} findings: {', '.join(names)}"
        if len(title) > 200:
            title = title[:199] + "…"
    lines = []
    for a in findings:
        lines.append(f"- {a.standard.name}: {a.note}" if a.note else f"- {a.standard.name}: {a.revision.question}")
    return {"title": title, "description": "Findings covered:\n" + "\n".join(lines),
            "priority": _highest_priority(findings)}


@transaction.atomic
def recommendation_create_from_findings(*, review: Review, findings: Sequence[Answer], actor: User | None,
                                        **fields) -> Recommendation:
    """A recommendation for the review's client covering `findings`, with suggested text for what is not
    given."""
    findings = list(findings)
    if not findings:
        raise ValidationError({"findings": "Select at least one finding."})
    if any(a.review_id != review.pk for a in findings):
        raise ValidationError({"findings": "Select findings of this review."})
    suggested = recommendation_defaults(findings=findings)
    values = {**suggested, **{k: v for k, v in fields.items() if v not in (None, "")}}
    values.setdefault("status", RecommendationStatus.OPEN)
    # The suggested title is the findings' own wording: it waits for the vCIO's business words.
    values.setdefault("title_confirmed", values["title"].strip() != suggested["title"])
    return recommendation_create(client=review.client, actor=actor, review=review, findings=findings, **values)

