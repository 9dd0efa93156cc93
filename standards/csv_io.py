"""CSV export and import of the standards library (the format is documented in docs/standards.md).

Export writes every standard (active and retired) in library order. Import reads the same columns, checks
every row first and then applies all rows or none: a row whose name matches a standard of the library
(ignoring letter case) updates it through standard_update (so answered text gets a new revision), any other
row creates one; unknown categories and frameworks are created. Exporting, importing that file into an empty
library and exporting again gives the same bytes.

Cells that a spreadsheet would run as a formula (starting with = + - @) are written with a leading
apostrophe, which spreadsheets hide and this import removes again; so the round trip stays exact.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from msp.csvfiles import ImportFileError, decode_csv
from msp.csvfiles import delimiter as _delimiter
from msp.csvfiles import header_key as _header_key
from msp.models import Msp, User
from msp.tenancy import StaleVersionError

from . import services
from .choices import Frequency, Priority, StandardStatus
from .models import Category, Framework, Standard
from .selectors import LIBRARY_ORDER
from .validators import validate_yes_no_question

MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("category", "name", "question", "why", "how", "reference_url", "priority", "frequency", "tags",
           "frameworks", "status", "last_reviewed_on")
REQUIRED_COLUMNS = ("category", "name", "question", "why", "how", "priority", "frequency")
SEPARATOR = services.LIST_SEPARATOR
MAX_LENGTHS = {"category": 100, "name": 150, "reference_url": 500}
FRAMEWORK_CODE_MAX = 30
_FORMULA_STARTS = ("=", "+", "-", "@", "'")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class RowError:
    """One problem: with a row (and column) when it belongs to one, else about the whole file."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


@dataclass
class ImportRow:
    """A valid row: its values (only the columns the file has) and what applying it does."""

    number: int
    values: dict
    action: str = "create"  # create, update or unchanged
    standard_id: UUID | None = None
    standard_version: int | None = None
    changes: list[str] = field(default_factory=list)
    new_revision: bool = False

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def category(self) -> str:
        return self.values["category"]


@dataclass
class ParseResult:
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_frameworks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def creates(self) -> int:
        return self.count("create")

    @property
    def updates(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def plan(self) -> dict[str, list]:
        """What the preview showed, as JSON: rows matching an existing standard, with its id and version."""
        return {str(r.number): [str(r.standard_id), r.standard_version] for r in self.rows if r.standard_id}


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    categories_created: int
    frameworks_created: int

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "categories_created": self.categories_created, "frameworks_created": self.frameworks_created}


class ImportRefused(Exception):
    """Nothing was written; `errors` say which rows and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


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


def _parse_cell(column: str, value: str, *, today: date):
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
        if day > today:
            raise ValueError(f"{value} is in the future.")
        return day
    return value  # category, name, why, how: text


def _check_header(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    errors: list[RowError] = []
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for raw in header:
        key = _header_key(raw)
        if not key:
            columns.append(None)
            continue
        if key not in COLUMNS:
            unknown.append(raw.strip())
        elif key in seen:
            errors.append(RowError(f"The column {key} appears more than once."))
        seen.add(key)
        columns.append(key)
    if unknown:
        errors.append(RowError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"The columns are: {', '.join(COLUMNS)}."))
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            errors.append(RowError(f"The required column {required} is missing."))
    return columns, errors


# --- what the file changes in the library ----------------------------------------------------------------


@dataclass
class Library:
    """The MSP's current library, as the import compares rows with it."""

    standards: dict[str, Standard] = field(default_factory=dict)  # by lowercased name
    categories: dict[str, Category] = field(default_factory=dict)  # by lowercased name, archived too
    frameworks: dict[str, Framework] = field(default_factory=dict)  # by lowercased code, archived too
    answered: set = field(default_factory=set)  # ids of standards that have answers

    @classmethod
    def load(cls) -> Library:
        standards = Standard.objects.select_related("category").prefetch_related("frameworks")
        return cls(
            standards={s.name.lower(): s for s in standards},
            categories={c.name.lower(): c for c in Category.objects.all()},
            frameworks={f.code.lower(): f for f in Framework.objects.all()},
            answered=set(Standard.objects.filter(answers__isnull=False).values_list("pk", flat=True)),
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
        row.action = "create"
        return errors
    row.standard_id, row.standard_version = match.pk, match.version
    row.changes = _changes(match, values)
    row.action = "update" if row.changes else "unchanged"
    row.new_revision = match.pk in library.answered and any(
        c in services.REVISION_FIELDS for c in row.changes)
    return errors


def parse_library_csv(content: str | bytes, *, today: date, library: Library | None = None) -> ParseResult:
    """Validate a whole library CSV. Rows come back only when the file has no error at all.

    Row numbers are those a spreadsheet shows: the header is row 1. Without `library` every row is a
    create (an empty library).
    """
    library = library or Library()
    result = ParseResult()
    if isinstance(content, bytes):
        try:
            content = decode_csv(content)
        except ImportFileError as exc:
            result.errors.append(RowError(str(exc)))
            return result
    if content.startswith("\ufeff"):
        content = content[1:]
    if not content.strip():
        result.errors.append(RowError("The file is empty."))
        return result

    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(content.split("\n", 1)[0]))
    try:
        records = list(reader)
    except csv.Error as exc:
        result.errors.append(RowError(f"Line {reader.line_num}: the CSV cannot be read ({exc})."))
        return result
    columns, header_errors = _check_header(records[0])
    if header_errors:
        result.errors.extend(header_errors)
        return result
    result.columns = [c for c in columns if c]
    names: dict[str, int] = {}
    new_categories: dict[str, str] = {}
    new_frameworks: dict[str, str] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are skipped
        row_errors: list[RowError] = []
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            row_errors.append(RowError(f"has {len(cells)} cells but the header has {len(columns)} columns.",
                                       number))
        values: dict[str, object] = {}
        padded = list(cells) + [""] * (len(columns) - len(cells))
        for column, raw in zip(columns, padded, strict=False):
            value = services.clean_text(_unescape(raw.strip()))
            if column is None:
                if value:
                    row_errors.append(RowError("a value is in a column without a header name.", number))
                continue
            if not value:
                if column in REQUIRED_COLUMNS:
                    row_errors.append(RowError("is required.", number, column))
                else:
                    values[column] = _blank(column)
                continue
            try:
                values[column] = _parse_cell(column, value, today=today)
            except ValueError as exc:
                row_errors.append(RowError(str(exc), number, column))
        name = values.get("name")
        if isinstance(name, str):
            if name.lower() in names:
                row_errors.append(RowError(
                    f"“{name}” is also on row {names[name.lower()]}; each standard name may appear once.",
                    number, "name"))
            else:
                names[name.lower()] = number
        if row_errors:
            # In the order of the file's columns, as people read the row.
            row_errors.sort(key=lambda e: columns.index(e.column) if e.column in columns else -1)
            result.errors.extend(row_errors)
            continue
        row = ImportRow(number=number, values=values)
        classify_errors = _classify(row, library)
        if classify_errors:
            result.errors.extend(classify_errors)
            continue
        category = values["category"]
        if category.lower() not in library.categories:
            new_categories.setdefault(category.lower(), category)
        for code in values.get("frameworks") or []:
            if code.lower() not in library.frameworks:
                new_frameworks.setdefault(code.lower(), code)
        result.rows.append(row)

    if not result.rows and not result.errors:
        result.errors.append(RowError("The file has a header but no standards."))
    if result.errors:
        result.rows = []
    else:
        result.new_categories = list(new_categories.values())
        result.new_frameworks = list(new_frameworks.values())
    return result


def _blank(column: str):
    """The value of a blank cell in an optional column."""
    if column in ("tags", "frameworks"):
        return []
    if column == "status":
        return StandardStatus.ACTIVE.value
    if column == "last_reviewed_on":
        return None
    return ""


def library_import_preview(*, msp: Msp, content: str | bytes) -> ParseResult:
    """Validate a file against the MSP's library; writes nothing."""
    return parse_library_csv(content, today=services.msp_today(msp), library=Library.load())


def plan_conflicts(rows: list[ImportRow], plan: Mapping[str, list]) -> list[RowError]:
    """Rows that would now do something else than the preview showed: the library changed in between."""
    errors = []
    for row in rows:
        planned = plan.get(str(row.number))
        current = [str(row.standard_id), row.standard_version] if row.standard_id else None
        if planned != (list(current) if current else None):
            if planned is None:
                reason = "was added to the library after the preview, so this row would update it."
            elif current is None:
                reason = "was renamed or removed after the preview, so this row would create a new standard."
            else:
                reason = "was changed by someone else after the preview."
            errors.append(RowError(f"the standard “{row.name}” {reason}", row.number, "name"))
    return errors


_COLUMN_OF_FIELD = {"code": "frameworks", "retired_at": "status"}


def _validation_errors(row: ImportRow | None, exc: ValidationError) -> list[RowError]:
    number = row.number if row else None
    if not hasattr(exc, "error_dict"):
        return [RowError(m, number) for m in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        column = _COLUMN_OF_FIELD.get(name, name)
        for m in messages:
            errors.append(RowError(m, number, column if column in COLUMNS and name != NON_FIELD_ERRORS else None))
    return errors


@dataclass
class _Cursor:
    """The row being written, so an error raised by a service names it."""

    row: ImportRow | None = None


def library_import_apply(*, msp: Msp, actor: User | None, content: str | bytes,
                         plan: Mapping[str, list] | None = None) -> ImportSummary:
    """Check the file again and write every row in one transaction: all rows or none.

    With `plan` (from the preview) a row whose match changed since is refused. ImportRefused lists the
    problems; nothing is written then.
    """
    cursor = _Cursor()
    try:
        with transaction.atomic():
            result = parse_library_csv(content, today=services.msp_today(msp), library=Library.load())
            errors = result.errors or (plan_conflicts(result.rows, plan) if plan is not None else [])
            if errors:
                raise ImportRefused(errors)
            return _apply(msp=msp, actor=actor, result=result, cursor=cursor)
    except ValidationError as exc:
        raise ImportRefused(_validation_errors(cursor.row, exc)) from exc
    except StaleVersionError as exc:
        row = cursor.row
        raise ImportRefused([RowError(f"the standard “{row.name}” was changed by someone else during the import.",
                                      row.number, "name")]) from exc
    except IntegrityError as exc:
        number = cursor.row.number if cursor.row else None
        raise ImportRefused([RowError("the database refused this row because the library changed while "
                                      "importing; try again.", number)]) from exc


def _apply(*, msp: Msp, actor: User | None, result: ParseResult, cursor: _Cursor) -> ImportSummary:
    categories = {c.name.lower(): c for c in Category.objects.all()}
    frameworks = {f.code.lower(): f for f in Framework.objects.all()}
    created = updated = unchanged = categories_created = frameworks_created = 0
    for row in result.rows:
        cursor.row = row
        values = dict(row.values)
        key = values["category"].lower()
        if key not in categories:
            categories[key] = services.category_create(msp=msp, actor=actor, name=values["category"])
            categories_created += 1
        values["category"] = categories[key]
        if "frameworks" in values:
            mapped = []
            for code in values["frameworks"]:
                if code.lower() not in frameworks:
                    frameworks[code.lower()] = services.framework_create(msp=msp, actor=actor, code=code)
                    frameworks_created += 1
                mapped.append(frameworks[code.lower()])
            values["frameworks"] = mapped
        if row.action == "create":
            services.standard_create(msp=msp, actor=actor, **values)
            created += 1
            continue
        if row.action == "unchanged":
            unchanged += 1
            continue
        standard = Standard.objects.select_related("category").get(pk=row.standard_id)
        status = values.pop("status", None)
        fields = {c: values[c] for c in row.changes if c != "status"}
        if fields:
            standard = services.standard_update(standard=standard, actor=actor,
                                                expected_version=row.standard_version, **fields)
        if status == StandardStatus.RETIRED:
            services.standard_retire(standard=standard, actor=actor)
        elif status == StandardStatus.ACTIVE:
            services.standard_reactivate(standard=standard, actor=actor)
        updated += 1
    return ImportSummary(created=created, updated=updated, unchanged=unchanged,
                         categories_created=categories_created, frameworks_created=frameworks_created)
