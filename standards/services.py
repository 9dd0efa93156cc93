"""Writes of the standards library: categories, frameworks, standards and their text revisions.

Pages, the API, the CSV import and the starter library all write through these functions, so the rules
hold everywhere: the question is a yes/no question, names are unique per MSP (ignoring letter case), tags
are normalised, foreign keys belong to the same MSP, the version is checked, history names the actor.

Text revisions: a standard's question, why, how and reference URL are copied into `StandardRevision`.
While no review has answered the standard, an edit corrects revision 1 in place; once answers exist, an
edit of that text adds a new revision, so every past answer keeps pointing at the exact words it answered.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from msp.models import Msp, User
from msp.records import (
    RecordsRefused,
    RecordsStale,
    record_archive,
    record_create,
    record_restore,
    record_update,
    records_build,
    records_insert,
    records_save_many,
)
from msp.tenancy import bump_version, history

from .choices import StandardStatus
from .models import Category, Framework, Standard, StandardFramework, StandardRevision
from .selectors import answered_ids
from .validators import validate_yes_no_question

# The text a revision keeps; changing any of it is a new revision once the standard has answers.
REVISION_FIELDS = ("question", "why", "how", "reference_url")
TEXT_FIELDS = ("name", "question", "why", "how", "reference_url")
TAG_MAX_LENGTH = 40
# `;` separates tags and framework codes in the CSV file, so neither may contain it.
LIST_SEPARATOR = ";"
CATEGORY_TAKEN = "A category with this name already exists."
FRAMEWORK_TAKEN = "A framework with this code already exists."
STANDARD_TAKEN = "A standard with this name already exists."


def msp_today(msp: Msp) -> date:
    """Today's date where the MSP is."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(msp.time_zone)).date()


def clean_text(value: str | None) -> str:
    """Trimmed, with Windows line endings made plain, so stored text exports and re-imports unchanged."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def normalize_tags(tags: Iterable[str] | str | None) -> list[str]:
    """Lowercase, trimmed (inner runs of spaces made one), without duplicates, sorted.

    A string is split on commas and semicolons, as people type tags in one box.
    """
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = re.split(r"[,;]", tags)
    out = {re.sub(r"\s+", " ", str(t)).strip().lower() for t in tags}
    return sorted(t for t in out if t)


def _check_tags(tags: list[str]) -> None:
    for tag in tags:
        if len(tag) > TAG_MAX_LENGTH:
            raise ValidationError({"tags": f"The tag “{tag[:50]}” is longer than {TAG_MAX_LENGTH} characters."})
        if LIST_SEPARATOR in tag:
            raise ValidationError({"tags": f"A tag cannot contain “{LIST_SEPARATOR}”."})


def _check_question(question: str) -> None:
    try:
        validate_yes_no_question(question)
    except ValidationError as exc:
        raise ValidationError({"question": exc.messages}) from exc


def _check_unique(model, *, msp: Msp, field: str, value: str, exclude=None, message: str) -> None:
    qs = model.objects.filter(msp=msp, **{f"{field}__iexact": value})
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if qs.exists():
        raise ValidationError({field: message})


def _check_unique_many(model, *, msp: Msp, field: str, values: list[str], message: str) -> None:
    """`_check_unique` for a list of new values in one query: RecordsRefused names the first one taken."""
    wanted = {v.lower(): i for i, v in reversed(list(enumerate(values)))}
    taken = model.objects.filter(msp=msp).annotate(key=Lower(field)).filter(key__in=list(wanted))
    first = min((wanted[k] for k in taken.values_list("key", flat=True)), default=None)
    if first is not None:
        raise RecordsRefused(first, ValidationError({field: message}))


def _check_category(category: Category | None, msp: Msp) -> None:
    if category is None:
        raise ValidationError({"category": "Choose a category."})
    if category.msp_id != msp.pk:
        raise ValidationError({"category": "Select a valid category; that one was not found."})
    if category.archived_at is not None:
        raise ValidationError({"category": f"The category “{category.name}” is archived; restore it first."})


def _check_frameworks(frameworks: Iterable[Framework], msp: Msp) -> list[Framework]:
    frameworks = list(frameworks)
    if any(fw.msp_id != msp.pk for fw in frameworks):
        raise ValidationError({"frameworks": "Select valid frameworks; one of them was not found."})
    return frameworks


# --- categories ----------------------------------------------------------------------------------------


def _next_category_position(msp: Msp) -> int:
    top = Category.objects.filter(msp=msp).aggregate(top=Max("position"))["top"]
    return 1 if top is None else top + 1


@transaction.atomic
def category_create(*, msp: Msp, actor: User | None, name: str, description: str = "",
                    position: int | None = None) -> Category:
    """A new category; without a position it goes last."""
    name = clean_text(name)
    _check_unique(Category, msp=msp, field="name", value=name, message=CATEGORY_TAKEN)
    if position is None:
        position = _next_category_position(msp)
    return record_create(Category, msp=msp, actor=actor, name=name, description=clean_text(description),
                         position=position)


def categories_build(*, msp: Msp, names: list[str]) -> list[Category]:
    """New categories by the rules of category_create, unsaved (for `categories_insert`) and without a
    query. RecordsRefused names the first one refused."""
    return records_build(Category, msp=msp, rows=[{"name": clean_text(name)} for name in names])


@transaction.atomic
def categories_insert(*, msp: Msp, actor: User | None, categories: list[Category]) -> list[Category]:
    """Save categories made by `categories_build` in a few queries however many: last, in their order.
    RecordsRefused names the first one whose name was taken meanwhile; nothing is written then."""
    if not categories:
        return categories
    _check_unique_many(Category, msp=msp, field="name", values=[c.name for c in categories], message=CATEGORY_TAKEN)
    first = _next_category_position(msp)
    for i, category in enumerate(categories):
        category.position = first + i
    return records_insert(categories, msp=msp, actor=actor)


@transaction.atomic
def category_update(*, category: Category, actor: User | None, expected_version: int | None = None,
                    **fields) -> Category:
    for key in ("name", "description"):
        if key in fields:
            fields[key] = clean_text(fields[key])
    if "name" in fields:
        _check_unique(Category, msp=category.msp, field="name", value=fields["name"], exclude=category,
                      message=CATEGORY_TAKEN)
    return record_update(category, actor=actor, expected_version=expected_version, **fields)


@transaction.atomic
def category_archive(*, category: Category, actor: User | None) -> Category:
    """Archive an emptied category. One with active standards is refused: move or retire them first."""
    active = category.standards.filter(status=StandardStatus.ACTIVE).count()
    if active:
        raise ValidationError(
            f"“{category.name}” still has {active} active standard{'s' if active != 1 else ''}; "
            "move them to another category or retire them first.")
    return record_archive(category, actor=actor)


@transaction.atomic
def category_restore(*, category: Category, actor: User | None) -> Category:
    return record_restore(category, actor=actor)


@transaction.atomic
def category_reorder(*, msp: Msp, actor: User | None, order: list) -> list[Category]:
    """Number the categories 1, 2, 3... in the order of `order` (category ids); the ones not listed follow,
    in their present order. Only categories whose position changes are written."""
    categories = list(Category.objects.filter(msp=msp).order_by("position", "name"))
    by_id = {str(c.pk): c for c in categories}
    wanted = []
    for pk in order:
        category = by_id.get(str(pk))
        if category is None:
            raise ValidationError({"order": "Select valid categories; one of them was not found."})
        if category not in wanted:
            wanted.append(category)
    ordered = wanted + [c for c in categories if c not in wanted]
    for position, category in enumerate(ordered, start=1):
        if category.position != position:
            record_update(category, actor=actor, position=position)
    return ordered


@transaction.atomic
def category_move(*, category: Category, actor: User | None, direction: str) -> Category:
    """Move a live category one place up or down among the live categories."""
    live = list(Category.objects.filter(msp=category.msp, archived_at__isnull=True).order_by("position", "name"))
    ids = [c.pk for c in live]
    if category.pk not in ids:
        return category
    i = ids.index(category.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        category_reorder(msp=category.msp, actor=actor, order=ids)
        category.refresh_from_db()
    return category


# --- frameworks ----------------------------------------------------------------------------------------


def _framework_fields(fields: dict) -> dict:
    if "code" in fields:
        fields["code"] = clean_text(fields["code"])
        if LIST_SEPARATOR in fields["code"]:
            raise ValidationError({"code": f"A framework code cannot contain “{LIST_SEPARATOR}”."})
    if "name" in fields:
        fields["name"] = clean_text(fields["name"])
    return fields


def _new_framework_fields(code: str, name: str) -> dict:
    fields = _framework_fields({"code": code, "name": name})
    fields["name"] = fields["name"] or fields["code"]
    return fields


@transaction.atomic
def framework_create(*, msp: Msp, actor: User | None, code: str, name: str = "") -> Framework:
    """A framework standards can map to; without a name, the code is its name."""
    fields = _new_framework_fields(code, name)
    _check_unique(Framework, msp=msp, field="code", value=fields["code"], message=FRAMEWORK_TAKEN)
    return record_create(Framework, msp=msp, actor=actor, **fields)


def frameworks_build(*, msp: Msp, codes: list[str]) -> list[Framework]:
    """New frameworks (named by their code) by the rules of framework_create, unsaved (for
    `frameworks_insert`) and without a query. RecordsRefused names the first one refused."""
    rows = []
    for index, code in enumerate(codes):
        try:
            rows.append(_new_framework_fields(code, ""))
        except ValidationError as exc:
            raise RecordsRefused(index, exc) from exc
    return records_build(Framework, msp=msp, rows=rows)


@transaction.atomic
def frameworks_insert(*, msp: Msp, actor: User | None, frameworks: list[Framework]) -> list[Framework]:
    """Save frameworks made by `frameworks_build` in a few queries however many. RecordsRefused names the
    first one whose code was taken meanwhile; nothing is written then."""
    if not frameworks:
        return frameworks
    _check_unique_many(Framework, msp=msp, field="code", values=[f.code for f in frameworks],
                       message=FRAMEWORK_TAKEN)
    return records_insert(frameworks, msp=msp, actor=actor)


@transaction.atomic
def framework_update(*, framework: Framework, actor: User | None, expected_version: int | None = None,
                     **fields) -> Framework:
    fields = _framework_fields(fields)
    if "code" in fields:
        _check_unique(Framework, msp=framework.msp, field="code", value=fields["code"], exclude=framework,
                      message=FRAMEWORK_TAKEN)
    return record_update(framework, actor=actor, expected_version=expected_version, **fields)


@transaction.atomic
def framework_archive(*, framework: Framework, actor: User | None) -> Framework:
    """Archived frameworks are not offered for new mappings; standards already mapped keep them."""
    return record_archive(framework, actor=actor)


@transaction.atomic
def framework_restore(*, framework: Framework, actor: User | None) -> Framework:
    return record_restore(framework, actor=actor)


# --- standards -----------------------------------------------------------------------------------------


def _standard_fields(fields: dict) -> dict:
    for key in TEXT_FIELDS:
        if key in fields:
            fields[key] = clean_text(fields[key])
    if "question" in fields:
        _check_question(fields["question"])
    if "tags" in fields:
        fields["tags"] = normalize_tags(fields["tags"])
        _check_tags(fields["tags"])
    return fields


def _revision_create(standard: Standard, *, actor: User | None) -> StandardRevision:
    return record_create(StandardRevision, msp=standard.msp, actor=actor, standard=standard,
                         number=standard.revision, created_by=actor,
                         **{key: getattr(standard, key) for key in REVISION_FIELDS})


def _new_standard(msp: Msp, *, category: Category, name: str, question: str, why: str, how: str,
                  reference_url: str = "", priority: str | None = None, frequency: str | None = None,
                  tags: Iterable[str] | str | None = None, frameworks: Iterable[Framework] = (),
                  status: str = StandardStatus.ACTIVE, last_reviewed_on: date | None = None,
                  ) -> tuple[dict, list[Framework]]:
    """The fields of a new standard and its frameworks, checked by every rule but the unique name."""
    _check_category(category, msp)
    frameworks = _check_frameworks(frameworks, msp)
    fields = _standard_fields({"name": name, "question": question, "why": why, "how": how,
                               "reference_url": reference_url, "tags": tags or []})
    if priority:
        fields["priority"] = priority
    if frequency:
        fields["frequency"] = frequency
    if status == StandardStatus.RETIRED:
        fields.update(status=StandardStatus.RETIRED, retired_at=timezone.now())
    elif status != StandardStatus.ACTIVE:
        raise ValidationError({"status": f"“{status}” is not a status; use active or retired."})
    fields.update(category=category, revision=1, last_reviewed_on=last_reviewed_on)
    return fields, frameworks


def _revision_fields(standard: Standard, actor: User | None) -> dict:
    return {"standard": standard, "number": standard.revision, "created_by": actor,
            **{key: getattr(standard, key) for key in REVISION_FIELDS}}


def _revision_create(standard: Standard, *, actor: User | None) -> StandardRevision:
    return record_create(StandardRevision, msp=standard.msp, actor=actor, **_revision_fields(standard, actor))


@transaction.atomic
def standard_create(*, msp: Msp, actor: User | None, **fields) -> Standard:
    """A new standard with revision 1 of its text (the fields of `_new_standard`). It may be created
    retired (a library import)."""
    fields, frameworks = _new_standard(msp, **fields)
    _check_unique(Standard, msp=msp, field="name", value=fields["name"], message=STANDARD_TAKEN)
    standard = record_create(Standard, msp=msp, actor=actor, **fields)
    with history(actor):
        standard.frameworks.set(frameworks, through_defaults={"msp": standard.msp})
    _revision_create(standard, actor=actor)
    return standard


@dataclass
class NewStandards:
    """Unsaved standards with their first text revisions and framework mappings (`standards_build`)."""

    standards: list[Standard]
    links: list[StandardFramework]  # in the order of `standards`
    revisions: list[StandardRevision]


def standards_build(*, msp: Msp, actor: User | None, rows: list[dict]) -> NewStandards:
    """New standards (each row the fields of standard_create), checked by its rules but the unique name,
    with revision 1 of their text and their framework mappings: unsaved, for `standards_insert`, and
    without a query, so an import checks them before its write transaction opens. A row may name a
    category or framework that `categories_build` / `frameworks_build` made. RecordsRefused names the
    first row refused."""
    prepared = []
    for index, row in enumerate(rows):
        try:
            prepared.append(_new_standard(msp, **row))
        except ValidationError as exc:
            raise RecordsRefused(index, exc) from exc
    standards = records_build(Standard, msp=msp, rows=[f for f, _ in prepared])
    links = [{"standard": standard, "framework": framework}
             for standard, (_, frameworks) in zip(standards, prepared, strict=True) for framework in frameworks]
    return NewStandards(
        standards=standards, links=records_build(StandardFramework, msp=msp, rows=links),
        revisions=records_build(StandardRevision, msp=msp,
                                rows=[_revision_fields(standard, actor) for standard in standards]))


@transaction.atomic
def standards_insert(*, msp: Msp, actor: User | None, new: NewStandards) -> list[Standard]:
    """Save what `standards_build` made in a few queries however many; history records every insert as
    one by one would. RecordsRefused names the first standard whose name was taken, or whose category
    was archived, since it was built; nothing is written then."""
    standards = new.standards
    if not standards:
        return standards
    _check_unique_many(Standard, msp=msp, field="name", values=[s.name for s in standards], message=STANDARD_TAKEN)
    archived = {c.pk: c for c in Category.objects.filter(pk__in={s.category_id for s in standards},
                                                         archived_at__isnull=False)}
    for index, standard in enumerate(standards):
        if standard.category_id in archived:
            try:
                _check_category(archived[standard.category_id], msp)
            except ValidationError as exc:
                raise RecordsRefused(index, exc) from exc
    records_insert(standards, msp=msp, actor=actor)
    records_insert(new.links, msp=msp, actor=actor)
    records_insert(new.revisions, msp=msp, actor=actor)
    return standards


def _standard_changes(standard: Standard, fields: dict, *, answered: Callable[[], bool],
                      ) -> tuple[dict, list[Framework] | None, bool, bool]:
    """The checked fields of a change of `standard` (all rules of standard_update but the unique name), its
    frameworks (None: unchanged), whether its text changes and whether that makes a new revision."""
    if "status" in fields or "retired_at" in fields or "revision" in fields:
        raise ValidationError("Retire or reactivate a standard with its own action; revisions are numbered "
                              "automatically.")
    frameworks = fields.pop("frameworks", None)
    if frameworks is not None:
        frameworks = _check_frameworks(frameworks, standard.msp)
    fields = _standard_fields(fields)
    if "category" in fields and fields["category"] != standard.category:
        _check_category(fields["category"], standard.msp)
    text_changed = any(key in fields and fields[key] != getattr(standard, key) for key in REVISION_FIELDS)
    new_revision = text_changed and answered()
    if new_revision:
        fields["revision"] = standard.revision + 1
    return fields, frameworks, text_changed, new_revision


@transaction.atomic
def standard_update(*, standard: Standard, actor: User | None, expected_version: int | None = None,
                    **fields) -> Standard:
    """Change a standard. `frameworks` (a list) replaces its mappings. Its status changes only through
    standard_retire / standard_reactivate.

    When the question, why, how or reference URL changes: with answers, the revision number goes up and
    a new revision holds the new text (the answered revision stays as it was); without answers, the
    current revision is corrected in place.
    """
    fields, frameworks, text_changed, new_revision = _standard_changes(standard, fields,
                                                                       answered=standard.answers.exists)
    if "name" in fields:
        _check_unique(Standard, msp=standard.msp, field="name", value=fields["name"], exclude=standard,
                      message=STANDARD_TAKEN)
    standard = record_update(standard, actor=actor, expected_version=expected_version, **fields)
    with history(actor):
        if frameworks is not None and set(frameworks) != set(standard.frameworks.all()):
            standard.frameworks.set(frameworks, through_defaults={"msp": standard.msp})
    if new_revision:
        _revision_create(standard, actor=actor)
    elif text_changed:
        current = StandardRevision.objects.get(standard=standard, number=standard.revision)
        record_update(current, actor=actor, **{key: getattr(standard, key) for key in REVISION_FIELDS})
    return standard


@dataclass
class StandardChange:
    """One change of `standards_update_many`: the fields of standard_update (those that change), then the
    status the standard should have (retired or active; None leaves it)."""

    standard_id: object
    expected_version: int
    fields: dict
    status: str | None = None


def _saved(objs: list, fields: list[str], now) -> None:
    """Validate and save changed records of one model in a few statements (history records each)."""
    if not objs:
        return
    relations = [f.name for f in objs[0]._meta.concrete_fields if f.is_relation]
    for obj in objs:
        obj.updated_at = now
        # The database's constraints hold the rest; foreign keys were checked by the caller.
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    records_save_many(objs, [*fields, "updated_at"])


@transaction.atomic
def standards_update_many(*, msp: Msp, actor: User | None, changes: list[StandardChange]) -> None:
    """Apply many changes (an import's updates) by the rules of standard_update and then standard_retire /
    standard_reactivate, in a few queries however many: the same versions, revisions, mappings and
    history as one by one. The standards are locked and their versions checked first. RecordsStale (a
    standard saved by someone else since) or RecordsRefused name the first refused change; nothing is
    written then."""
    if not changes:
        return
    ids = [change.standard_id for change in changes]
    locked = Standard.objects.select_for_update(no_key=True, of=("self",)).select_related("category").in_bulk(ids)
    answered = answered_ids(ids)
    links: dict = {}
    for pk, standard_id, framework_id in StandardFramework.objects.filter(standard_id__in=ids).values_list(
            "pk", "standard_id", "framework_id"):
        links.setdefault(standard_id, {})[framework_id] = pk
    names = {}
    changed, fields_changed, statuses, mappings, new_revisions, corrected = [], set(), [], {}, [], []
    for index, change in enumerate(changes):
        standard = locked.get(change.standard_id)
        # As one by one: the fields' change checks the version; a status change alone applies to the latest.
        if standard is None or (change.fields and standard.version != change.expected_version):
            raise RecordsStale(index, standard.version if standard else 0)
        try:
            if change.fields:
                fields, frameworks, text_changed, new_revision = _standard_changes(
                    standard, dict(change.fields), answered=lambda standard=standard: standard.pk in answered)
                if "name" in fields:
                    names[fields["name"].lower()] = (index, standard.pk)
                bump_version(standard)
                for key, value in fields.items():
                    setattr(standard, key, value)
                changed.append(standard)
                fields_changed.update(fields)
                if frameworks is not None and {f.pk for f in frameworks} != set(links.get(standard.pk, {})):
                    mappings[standard.pk] = frameworks
                if new_revision:
                    new_revisions.append(standard)
                elif text_changed:
                    corrected.append(standard)
            if change.status == StandardStatus.RETIRED and standard.status != StandardStatus.RETIRED:
                statuses.append((standard, StandardStatus.RETIRED, timezone.now()))
            elif change.status == StandardStatus.ACTIVE and standard.status == StandardStatus.RETIRED:
                _check_category(standard.category, msp)
                statuses.append((standard, StandardStatus.ACTIVE, None))
        except ValidationError as exc:
            raise RecordsRefused(index, exc) from exc
    taken = Standard.objects.annotate(key=Lower("name")).filter(msp=msp, key__in=list(names))
    for key, pk in taken.values_list("key", "pk"):
        if pk != names[key][1]:
            raise RecordsRefused(names[key][0], ValidationError({"name": STANDARD_TAKEN}))
    now = timezone.now()
    with history(actor):
        _saved(changed, sorted(fields_changed) + ["version"], now)
        removed, added = [], []
        for standard_id, frameworks in mappings.items():
            have, want = links.get(standard_id, {}), {framework.pk: framework for framework in frameworks}
            removed += [pk for framework_id, pk in have.items() if framework_id not in want]
            added += [{"standard_id": standard_id, "framework": framework}
                      for framework_id, framework in want.items() if framework_id not in have]
        StandardFramework.objects.filter(pk__in=removed).delete()
        records_insert(records_build(StandardFramework, msp=msp, rows=added), msp=msp, actor=actor)
        records_insert(records_build(StandardRevision, msp=msp, rows=[_revision_fields(standard, actor)
                                                                      for standard in new_revisions]),
                       msp=msp, actor=actor)
        current = {rev.standard_id: rev for rev in StandardRevision.objects.filter(
            standard_id__in=[standard.pk for standard in corrected])
            if rev.number == locked[rev.standard_id].revision}
        for standard in corrected:
            for key in REVISION_FIELDS:
                setattr(current[standard.pk], key, getattr(standard, key))
        _saved([current[standard.pk] for standard in corrected], list(REVISION_FIELDS), now)
        # A status change is its own save, as standard_retire / standard_reactivate make it.
        for standard, status, retired_at in statuses:
            bump_version(standard)
            standard.status, standard.retired_at = status, retired_at
        _saved([standard for standard, _, _ in statuses], ["status", "retired_at", "version"], now)


@transaction.atomic
def standard_retire(*, standard: Standard, actor: User | None, expected_version: int | None = None) -> Standard:
    """Retired standards are left out of new reviews; past reviews keep their answers to them."""
    if standard.status == StandardStatus.RETIRED:
        return standard
    return record_update(standard, actor=actor, expected_version=expected_version,
                         status=StandardStatus.RETIRED, retired_at=timezone.now())


@transaction.atomic
def standard_reactivate(*, standard: Standard, actor: User | None,
                        expected_version: int | None = None) -> Standard:
    if standard.status == StandardStatus.ACTIVE:
        return standard
    _check_category(standard.category, standard.msp)
    return record_update(standard, actor=actor, expected_version=expected_version,
                         status=StandardStatus.ACTIVE, retired_at=None)


@transaction.atomic
def standard_mark_reviewed(*, standard: Standard, actor: User | None, expected_version: int | None = None,
                           on: date | None = None) -> Standard:
    """The standards committee reviewed it: last reviewed = today in the MSP's time zone (or `on`)."""
    on = on or msp_today(standard.msp)
    return record_update(standard, actor=actor, expected_version=expected_version, last_reviewed_on=on)


@transaction.atomic
def standards_mark_reviewed(*, msp: Msp, actor: User | None, standards: Iterable[Standard],
                            on: date | None = None) -> int:
    """Mark several standards reviewed at once; returns how many."""
    on = on or msp_today(msp)
    count = 0
    for standard in standards:
        if standard.msp_id != msp.pk:
            raise ValidationError({"standards": "Select valid standards; one of them was not found."})
        standard_mark_reviewed(standard=standard, actor=actor, on=on)
        count += 1
    return count
