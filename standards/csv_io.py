"""CSV export and import of the standards library (the format is documented in docs/standards.md).

Export writes every standard (active and retired) in library order. Import is the library's plug-in to the
one CSV import pipeline (msp.csvimport): a row whose name matches a standard of the library (ignoring
letter case) updates it by the rules of standard_update (so answered text gets a new revision) or is left
unchanged when it holds the same values; any other row creates one; unknown categories and frameworks are
created. Every row is checked first and all rows or none are applied: new records are built and checked
before the write transaction, which inserts them and writes the updates in a few statements. Exporting,
importing that file into an empty library and exporting again gives the same bytes. `LIBRARY_IMPORT` is
registered in standards.apps.

Cells that a spreadsheet would run as a formula (starting with = + - @) are written with a leading
apostrophe, which spreadsheets hide and this import removes again; so the round trip stays exact.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse

from msp.csvfiles import header_key as _header_key
from msp.csvimport import (
    APPEARED,
    CHANGED,
    CREATE,
    ApplyContext,
    ImportPreview,
    ImportRefused,
    ImportRow,
    ImportSpec,
    ImportSummary,
    RowError,
    UniqueColumn,
    csv_import_apply,
    csv_import_enqueue,
    csv_import_parse,
    csv_import_preview,
    csv_import_register,
    csv_import_submit,
)
from msp.models import Job, Msp, User
from msp.records import RecordsRefused

from . import services
from .choices import Frequency, Priority, StandardStatus
from .models import Category, Framework, Standard
from .selectors import LIBRARY_ORDER, answered_ids
from .validators import validate_yes_no_question

MAX_BYTES = 5 * 1024 * 1024
JOB_KIND = "library_import"
COLUMNS = ("category", "name", "question", "why", "how", "reference_url", "priority", "frequency", "tags",
           "frameworks", "status", "last_reviewed_on")
REQUIRED_COLUMNS = ("category", "name", "question", "why", "how", "priority", "frequency")
SEPARATOR = services.LIST_SEPARATOR
MAX_LENGTHS = {"category": 100, "name": 150, "reference_url": 500}
FRAMEWORK_CODE_MAX = 30
NEW_REVISION = "new text revision"
_FORMULA_STARTS = ("=", "+", "-", "@", "'")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_url = URLValidator(schemes=["http", "https"])

__all__ = ["COLUMNS", "LIBRARY_IMPORT", "ImportPreview", "ImportRefused", "ImportSummary", "Library", "MAX_BYTES",
           "RowError", "export_csv", "library_import_apply", "library_import_enqueue", "library_import_preview",
           "library_import_submit",
           "parse_library_csv"]


# --- export --------------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_STARTS:
        return value[1:]
    return value


def standard_row(standard: Standard) -> list[str]:
    codes = sorted((fw.code for fw in standard.frameworks.all()), key=lambda c: (c.lower(), c))
    return [_escape(v) for v in (
        standard.category.name, standard.name, standard.question, standard.why, standard.how,
        standard.reference_url, standard.priority, standard.frequency, SEPARATOR.join(standard.tags),
        SEPARATOR.join(codes), standard.status,
        standard.last_reviewed_on.isoformat() if standard.last_reviewed_on else "",
    )]


def export_csv(standards: Iterable[Standard] | None = None) -> str:
    """The library as CSV text (header first, CRLF line ends), active and retired standards in library
    order. Run inside the tenant's scope."""
    if standards is None:
        standards = Standard.objects.select_related("category").prefetch_related("frameworks").order_by(
            *LIBRARY_ORDER)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for standard in standards:
        writer.writerow(standard_row(standard))
    return out.getvalue()


# --- reading a file ------------------------------------------------------------------------------------


def _choice(value: str, choices, what: str) -> str:
    wanted = value.strip().lower()
    for choice in choices:
        if wanted in (choice.value, choice.label.lower()) or _header_key(value) == choice.value:
            return choice.value
    raise ValueError(f"“{value}” is not {what}; use one of: {', '.join(choices.values)}.")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _parse_cell(column: str, value: str, library: Library):
    """The value of one non-blank cell, or ValueError with the reason."""
    limit = MAX_LENGTHS.get(column)
    if limit and len(value) > limit:
        raise ValueError(f"is longer than {limit} characters.")
    if column == "question":
        try:
            validate_yes_no_question(value)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None
        return value
    if column == "reference_url":
        try:
            _url(value)
        except ValidationError:
            raise ValueError(f"“{value[:80]}” is not a web address; write it like "
                             "https://www.cisa.gov/secure-our-world.") from None
        return value
    if column == "priority":
        return _choice(value, Priority, "a priority")
    if column == "frequency":
        return _choice(value, Frequency, "a review frequency")
    if column == "status":
        return _choice(value, StandardStatus, "a status")
    if column == "tags":
        tags = services.normalize_tags(_split(value))
        for tag in tags:
            if len(tag) > services.TAG_MAX_LENGTH:
                raise ValueError(f"the tag “{tag[:50]}” is longer than {services.TAG_MAX_LENGTH} characters.")
        return tags
    if column == "frameworks":
        codes: list[str] = []
        for code in _split(value):
            if len(code) > FRAMEWORK_CODE_MAX:
                raise ValueError(f"the framework code “{code[:50]}” is longer than {FRAMEWORK_CODE_MAX} characters.")
            if code.lower() not in {c.lower() for c in codes}:
                codes.append(code)
        return codes
    if column == "last_reviewed_on":
        m = _ISO_DATE.match(value)
        if not m:
            raise ValueError(f"“{value}” is not a date; use YYYY-MM-DD.")
        try:
            day = date(*(int(x) for x in m.groups()))
        except ValueError:
            raise ValueError(f"“{value}” is not a real date.") from None
        if library.today is not None and day > library.today:
            raise ValueError(f"{value} is in the future.")
        return day
    return value  # category, name, why, how: text


# --- what the file changes in the library ----------------------------------------------------------------


@dataclass
class Library:
    """The MSP's current library, as the import compares rows with it, and the MSP's today (a review date
    may not be in the future)."""

    standards: dict[str, Standard] = field(default_factory=dict)  # by lowercased name
    categories: dict[str, Category] = field(default_factory=dict)  # by lowercased name, archived too
    frameworks: dict[str, Framework] = field(default_factory=dict)  # by lowercased code, archived too
    answered: set = field(default_factory=set)  # ids of standards that have answers
    today: date | None = None

    @classmethod
    def load(cls, *, today: date | None = None) -> Library:
        standards = Standard.objects.select_related("category").prefetch_related("frameworks")
        return cls(
            standards={s.name.lower(): s for s in standards},
            categories={c.name.lower(): c for c in Category.objects.all()},
            frameworks={f.code.lower(): f for f in Framework.objects.all()},
            answered=answered_ids(),
            today=today,
        )


def _changes(standard: Standard, values: Mapping) -> list[str]:
    """The columns whose value differs from the standard's."""
    changed = []
    for column in COLUMNS:
        if column not in values:
            continue
        value = values[column]
        if column == "category":
            same = standard.category.name.lower() == value.lower()
        elif column == "frameworks":
            same = {fw.code.lower() for fw in standard.frameworks.all()} == {c.lower() for c in value}
        elif column == "name":
            same = standard.name == value
        else:
            same = getattr(standard, column) == value
        if not same:
            changed.append(column)
    return changed


def _classify(row: ImportRow, library: Library) -> list[RowError]:
    """Match the row with the library: create, update or unchanged. Errors that depend on the library."""
    values = row.values
    errors = []
    category = library.categories.get(values["category"].lower())
    status = values.get("status")
    match = library.standards.get(values["name"].lower())
    moving = match is None or match.category.name.lower() != values["category"].lower()
    if category is not None and category.archived_at is not None and moving:
        errors.append(RowError(f"the category “{category.name}” is archived; restore it on the categories "
                               "page first.", row.number, "category"))
    elif (match is not None and category is not None and category.archived_at is not None
          and status == StandardStatus.ACTIVE and match.status == StandardStatus.RETIRED):
        errors.append(RowError(f"the category “{category.name}” is archived, so the standard cannot become "
                               "active; restore the category first.", row.number, "status"))
    if match is None:
        return errors
    row.match(match, changes=_changes(match, values))
    if match.pk in library.answered and any(c in services.REVISION_FIELDS for c in row.changes):
        row.notes.append(NEW_REVISION)
    return errors


def _first_uses(rows: list[ImportRow], library: Library) -> tuple[dict, dict]:
    """The categories and frameworks the rows name that the library lacks, by lowercased name, each with
    its spelling and the position of the first row naming it, in the order they first appear."""
    categories: dict[str, tuple[str, int]] = {}
    frameworks: dict[str, tuple[str, int]] = {}
    for index, row in enumerate(rows):
        category = row.values["category"]
        if category.lower() not in library.categories:
            categories.setdefault(category.lower(), (category, index))
        for code in row.values.get("frameworks") or []:
            if code.lower() not in library.frameworks:
                frameworks.setdefault(code.lower(), (code, index))
    return categories, frameworks


def _new_names(rows: list[ImportRow], library: Library) -> dict:
    """The categories and frameworks the file would create, in the order they first appear."""
    categories, frameworks = _first_uses(rows, library)
    return {"new_categories": [name for name, _ in categories.values()],
            "new_frameworks": [code for code, _ in frameworks.values()]}


def _blank(column: str):
    """The value of a blank cell in an optional column."""
    if column in ("tags", "frameworks"):
        return []
    if column == "status":
        return StandardStatus.ACTIVE.value
    if column == "last_reviewed_on":
        return None
    return ""


def _clean(value: str) -> str:
    return services.clean_text(_unescape(value))


def _records(values: Mapping, categories: Mapping, frameworks: Mapping) -> dict:
    """A row's values with its category and frameworks as records, from maps by lowercased name."""
    values = dict(values)
    values["category"] = categories[values["category"].lower()]
    if "frameworks" in values:
        values["frameworks"] = [frameworks[code.lower()] for code in values["frameworks"]]
    return values


def _in_column(what: str, index: int, exc: RecordsRefused) -> RecordsRefused:
    """A new category's or framework's refusal as a problem of the first row naming it, in its column."""
    return RecordsRefused(index, ValidationError({"category" if what == "categories" else "frameworks": exc.messages}))


def _build(rows: list[ImportRow], ctx: ApplyContext) -> None:
    """Before the write transaction: check and build (unsaved) the categories and frameworks the rows name
    that the library lacks, and the new standards with their first revisions and mappings, by the rules
    of the services. The transaction then only checks what may have changed meanwhile and inserts."""
    msp, state = ctx.target, ctx.state
    library: Library = ctx.existing or Library.load()
    for what, new, build in zip(("categories", "frameworks"), _first_uses(rows, library),
                                (services.categories_build, services.frameworks_build), strict=True):
        state[f"{what}_rows"] = [index for _, index in new.values()]  # the first row naming each
        try:
            made = build(msp=msp, **{"names" if what == "categories" else "codes": [n for n, _ in new.values()]})
        except RecordsRefused as exc:
            raise _in_column(what, state[f"{what}_rows"][exc.index], exc) from exc
        state[what] = made
        state[f"{what}_by_name"] = {**getattr(library, what), **dict(zip(new, made, strict=True))}
    creates = [index for index, row in enumerate(rows) if row.action == CREATE]
    try:
        state["standards"] = services.standards_build(msp=msp, actor=ctx.actor, rows=[
            _records(rows[i].values, state["categories_by_name"], state["frameworks_by_name"]) for i in creates])
    except RecordsRefused as exc:
        raise RecordsRefused(creates[exc.index], exc) from exc


def _prepare(rows: list[ImportRow], ctx: ApplyContext) -> None:
    """First in the write transaction: insert the new categories (last, in the order the file names them)
    and frameworks, each in one batch; then read them all as they are now, for the updates."""
    msp, actor, state = ctx.target, ctx.actor, ctx.state
    for what, insert in (("categories", services.categories_insert), ("frameworks", services.frameworks_insert)):
        try:
            insert(msp=msp, actor=actor, **{what: state[what]})
        except RecordsRefused as exc:
            raise _in_column(what, state[f"{what}_rows"][exc.index], exc) from exc
        ctx.counts[f"{what}_created"] += len(state[what])
    state["categories_by_name"] = {c.name.lower(): c for c in Category.objects.all()}
    state["frameworks_by_name"] = {f.code.lower(): f for f in Framework.objects.all()}


def _create_many(rows: list[ImportRow], ctx: ApplyContext) -> None:
    """In the write transaction, after `_prepare` and before the updates: insert the new standards `_build`
    made, with their first text revisions and framework mappings, in a few statements."""
    services.standards_insert(msp=ctx.target, actor=ctx.actor, new=ctx.state["standards"])


def _update_many(rows: list[ImportRow], ctx: ApplyContext) -> None:
    """Last in the write transaction: every update row at once, by the rules of standard_update and
    standard_retire / standard_reactivate (services.standards_update_many)."""
    changes = []
    for row in rows:
        values = _records(row.values, ctx.state["categories_by_name"], ctx.state["frameworks_by_name"])
        changes.append(services.StandardChange(
            standard_id=row.match_id, expected_version=row.match_version, status=values.pop("status", None),
            fields={c: values[c] for c in row.changes if c != "status"}))
    services.standards_update_many(msp=ctx.target, actor=ctx.actor, changes=changes)


def _apply_row(row: ImportRow, ctx: ApplyContext) -> None:
    """One update row, as a list of one (the pipeline gives every row to `_create_many` or `_update_many`)."""
    _update_many([row], ctx)


def _conflict(row: ImportRow, change: str) -> RowError:
    if change == APPEARED:
        reason = "was added to the library after the preview, so this row would update it."
    elif change == CHANGED:
        reason = "was changed by someone else after the preview."
    else:
        reason = "was renamed or removed after the preview, so this row would create a new standard."
    return RowError(f"the standard “{row.values['name']}” {reason}", row.number, "name")


LIBRARY_IMPORT = ImportSpec(
    kind=JOB_KIND,
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    parse_cell=_parse_cell,
    classify=_classify,
    apply_row=_apply_row,
    build=_build,
    prepare=_prepare,
    create_many=_create_many,
    update_many=_update_many,
    load=lambda msp: Library.load(today=services.msp_today(msp)),
    target_model=Msp,
    noun="standard",
    nouns="standards",
    blank=_blank,
    clean=_clean,
    unique=(UniqueColumn("name", "standard name", ignore_case=True),),
    describe=_new_names,
    conflict=_conflict,
    subject=lambda msp: (None, "Standards library", reverse("standard_list")),
    field_columns={"code": "frameworks", "retired_at": "status"},
    result_keys=("created", "updated", "unchanged", "categories_created", "frameworks_created"),
    records="the library",
    max_bytes=MAX_BYTES,
)


def parse_library_csv(content: str | bytes, *, today: date, library: Library | None = None) -> ImportPreview:
    """Validate a whole library CSV. Rows come back only when the file has no error at all.

    Without `library` every row is a create (an empty library).
    """
    return csv_import_parse(LIBRARY_IMPORT, content, existing=dataclasses.replace(library or Library(), today=today))


def library_import_preview(*, msp: Msp, content: str | bytes) -> ImportPreview:
    """Validate a file against the MSP's library; writes nothing."""
    return csv_import_preview(LIBRARY_IMPORT, target=msp, content=content)


def library_import_enqueue(*, msp: Msp, actor: User, text: str, name: str, plan: Mapping[str, list]) -> Job:
    """Queue the apply step of a previewed library file (the import page): a job with progress that checks
    every row again and writes them all in one short transaction, or none."""
    return csv_import_enqueue(LIBRARY_IMPORT, target=msp, actor=actor, text=text, name=name, plan=plan)


def library_import_submit(*, msp: Msp, actor: User, content: str | bytes, name: str) -> Job:
    """The API's import: check the whole file against the library now and queue its apply step as a job
    (the same job the page queues). ImportRefused lists every problem; nothing is queued then."""
    return csv_import_submit(LIBRARY_IMPORT, target=msp, actor=actor, content=content, name=name)


def library_import_apply(*, msp: Msp, actor: User | None, content: str | bytes,
                         plan: Mapping[str, list] | None = None) -> ImportSummary:
    """Check the file again and write every row in one transaction, in the caller (scripts and tests):
    all rows or none. With `plan` (from the preview) a row whose match changed since is refused.
    ImportRefused lists the problems; nothing is written then.
    """
    return csv_import_apply(LIBRARY_IMPORT, target=msp, actor=actor, content=content, plan=plan)


csv_import_register(LIBRARY_IMPORT)
