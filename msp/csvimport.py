"""The one CSV import pipeline: upload, strict parsing, preview, all-or-nothing apply (inline or as a job).

An app plugs in with an `ImportSpec` (its columns, how to read one cell, how a row compares with the
records that exist, how to write one row, and its labels), registered by kind from its AppConfig.ready.
Everything else is shared and behaves the same for every import:

- `read_upload` refuses files that are too large, not .csv or not UTF-8 (for the upload forms).
- `csv_import_parse` reads the file strictly (bounded size and row count, a quoting mistake is refused
  with its row), checks the header, reads every cell and reports every problem as (row, column, reason).
  Rows come back only when the whole file is clean; each says whether it creates, updates or leaves a
  record unchanged. `csv_import_preview` does the same against the target's current records.
- `ImportPreview.plan()` is what the preview showed (which rows match which record at which version);
  applying refuses the whole file when a row would now do something else.
- `csv_import_apply` checks and writes in the caller's process (scripts and tests); `csv_import_enqueue`
  makes a Job and the one task `apply_csv_import` runs `csv_import_run` in a worker: check every row
  again with progress on the job, compare with the plan, write every row in one short transaction or
  none, and finish the job with the counts or every problem. `csv_import_submit` (an API's import)
  checks the file at once and queues the job only when it has no problem.

The core imports no app: specs are looked up by kind, so this module never imports the apps that use it.
See docs/csv-import.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from .csvfiles import (
    CsvSyntaxError,
    ImportFileError,
    csv_text,
    header_key,
    megabytes,
    read_records,
)
from .jobs import TRANSIENT_ERRORS, ProgressReporter, job_create, job_fail, job_progress, job_run, job_succeed
from .models import Job, Msp, User
from .records import RecordsRefused, RecordsStale
from .tenancy import StaleVersionError, TenantTask

MAX_BYTES = 5 * 1024 * 1024
# The help text of every CSV upload field.
UPLOAD_HELP = (f"UTF-8 CSV, at most {MAX_BYTES // (1024 * 1024)} MB and {settings.CSV_IMPORT_MAX_ROWS:,} rows. "
               "Nothing is saved until you review the preview and apply it.")

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTIONS = (CREATE, UPDATE, UNCHANGED)
# Past tense of each action, the keys of an import's counts.
DONE = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}

# Why a row no longer does what the preview showed (the argument of `ImportSpec.conflict`).
APPEARED = "appeared"  # it was to create a record, and now matches one
VANISHED = "vanished"  # it was to update a record that is gone (archived, renamed)
CHANGED = "changed"  # it was to update a record that someone edited since


# --- problems, rows, previews ---------------------------------------------------------------------------


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


class ImportRefused(Exception):
    """Nothing was written; `errors` say which rows and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportRow:
    """A valid row: its values by column and what applying it does.

    `match_id` / `match_version` name the existing record it updates (or leaves unchanged); `changes`
    lists the columns that differ from it, when the spec compares them; `notes` are short remarks shown
    in the preview (e.g. "new text revision"); `display` is the row as the preview table shows it.
    """

    number: int
    values: dict
    action: str = CREATE
    match_id: UUID | None = None
    match_version: int | None = None
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    display: list[str] = field(default_factory=list)

    def match(self, record, *, changes: Iterable[str] | None = None) -> None:
        """This row updates `record` (a versioned model); with `changes` given, an empty list means the
        record already holds these values and the row leaves it unchanged."""
        self.match_id, self.match_version = record.pk, record.version
        if changes is None:
            self.action = UPDATE
        else:
            self.changes = list(changes)
            self.action = UPDATE if self.changes else UNCHANGED


@dataclass
class ImportPreview:
    """What a file would do: its columns, its rows (only when it has no problem at all), every problem,
    and what the spec adds about the whole file (`extra`, e.g. the categories it would create)."""

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def creates(self) -> int:
        return self.count(CREATE)

    @property
    def updates(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    def plan(self) -> dict[str, list]:
        """What the preview showed, as JSON: the rows matching an existing record, by row number, with the
        record's id and version. Every other row creates one. Applying refuses rows whose match changed."""
        return {str(r.number): [str(r.match_id), r.match_version] for r in self.rows if r.match_id}


@dataclass(frozen=True)
class ImportSummary:
    """What an apply did: a count per key of the spec's `result_keys` (created, updated, ...)."""

    counts: dict

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict:
        return dict(self.counts)


@dataclass
class ApplyContext:
    """What `ImportSpec.apply_row` gets besides the row: the import's target and actor, the records the
    rows were compared with, the counts (a spec may add its own keys, e.g. categories_created) and a
    scratch dict the spec may keep state in for the length of one apply."""

    target: Any
    actor: User | None
    existing: Any
    counts: dict
    state: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UniqueColumn:
    """A column whose value may appear on one row of a file only (e.g. a serial number)."""

    column: str
    what: str  # "serial" -> “X” is also on row 2; each serial may appear once.
    ignore_case: bool = False


def _no_cleaning(value: str) -> str:
    return value


def _plain(column: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ImportSpec:
    """How one kind of CSV import reads and writes its rows. Everything but the first group has a default.

    - `kind`: the registry key and the Job kind, e.g. "asset_import".
    - `columns` (in template order) and `required` (each must be in the header and filled on every row).
    - `parse_cell(column, text, existing)`: the value of one non-blank, trimmed cell, or ValueError with
      the reason (the message the person sees after "row N, column C: ").
    - `classify(row, existing)`: compare a clean row with the existing records: call `row.match(record)`
      when it updates one (or set `row.action` yourself); return problems that depend on those records.
    - `apply_row(row, ctx)`: write one create or update row inside the apply's transaction (unchanged
      rows are not passed). Raise ValidationError or StaleVersionError to refuse it; the row is named.
    - `create_many(rows, ctx)` (optional): write every create row at once (e.g. with
      `msp.records.records_bulk_create`), before the updates (so the row locks of the updates are held
      for the shortest time); `apply_row` then gets update rows only.
      Raise RecordsRefused (its `index` is the row's position in `rows`) to refuse one.
    - `update_many(rows, ctx)` (optional): write every update row at once, last (after `create_many`);
      `apply_row` then gets none of them. Raise RecordsRefused, or RecordsStale for a record saved by
      someone else since (both with the row's position in `rows`), to refuse one.
    - `build(rows, ctx)` (optional): called before the write transaction opens with every row that writes
      (creates and updates, in file order), to check and build in `ctx.state` what the writes need, so
      the transaction only writes (the standards import validates its new records here). No writes.
    - `prepare(rows, ctx)` (optional): called first in the write transaction with the same rows, to write
      at once what rows share (the standards import's new categories and frameworks).
      Both raise RecordsRefused (its `index` is the row's position in `rows`) to refuse a row.
    - `load(target)`: the existing records rows are compared with (whatever `classify` wants), read in
      the tenant's scope; `target_model` is the model of the target (a Client, the Msp...).
    - `noun` / `nouns`: labels in messages ("asset" / "assets").
    """

    kind: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    parse_cell: Callable[[str, str, Any], Any]
    classify: Callable[[ImportRow, Any], list[RowError]]
    apply_row: Callable[[ImportRow, ApplyContext], None]
    load: Callable[[Any], Any]
    target_model: type[models.Model]
    noun: str
    nouns: str
    # Blank optional cells: None leaves them out of `values` (an update keeps the record's value); a
    # function gives the value a blank cell stands for (an update then clears it).
    blank: Callable[[str], Any] | None = None
    clean: Callable[[str], str] = _no_cleaning  # applied to every trimmed cell before it is read
    unique: tuple[UniqueColumn, ...] = ()
    display: Callable[[str, Any], str] = _plain  # a value as the preview table shows it
    describe: Callable[[list[ImportRow], Any], dict] | None = None  # the preview's `extra`
    conflict: Callable[[ImportRow, str], RowError] | None = None  # words for APPEARED/VANISHED/CHANGED
    subject: Callable[[Any], tuple[UUID | None, str, str]] | None = None  # job subject: id, label, url
    create_many: Callable[[list[ImportRow], ApplyContext], None] | None = None  # all create rows at once
    update_many: Callable[[list[ImportRow], ApplyContext], None] | None = None  # all update rows at once
    build: Callable[[list[ImportRow], ApplyContext], None] | None = None  # before the transaction
    prepare: Callable[[list[ImportRow], ApplyContext], None] | None = None  # first in the transaction
    field_columns: Mapping[str, str] = field(default_factory=dict)  # model field -> column, for errors
    message_columns: Mapping[str, str] = field(default_factory=dict)  # constraint message -> column
    result_keys: tuple[str, ...] = ("created", "updated", "unchanged")
    records: str = "the existing records"  # "the library" in "because the library changed while importing"
    no_rows: str = ""  # the message for a file with a header only; default "... but no {nouns}."
    max_bytes: int = MAX_BYTES
    max_rows: int | None = None  # None: settings.CSV_IMPORT_MAX_ROWS (5,000)

    def label(self, n: int) -> str:
        return f"{n} {self.noun if n == 1 else self.nouns}"

    @property
    def row_cap(self) -> int:
        """The most rows (after the header) one file may have."""
        return self.max_rows if self.max_rows is not None else settings.CSV_IMPORT_MAX_ROWS


_REGISTRY: dict[str, ImportSpec] = {}


def csv_import_register(spec: ImportSpec) -> ImportSpec:
    """Make an import known by its kind (call it from the app's AppConfig.ready)."""
    known = _REGISTRY.get(spec.kind)
    if known is not None and known is not spec:
        raise ValueError(f"Another CSV import is already registered as “{spec.kind}”.")
    _REGISTRY[spec.kind] = spec
    return spec


def csv_import_spec(kind: str) -> ImportSpec:
    """The registered import of `kind`; LookupError when no app registered it."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"No CSV import is registered as “{kind}”.") from None


# --- reading a file ---------------------------------------------------------------------------------------


def read_upload(upload, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of an uploaded file (a Django UploadedFile), or ImportFileError saying why it is refused."""
    if upload.size > max_bytes:
        raise ImportFileError(f"The file is {megabytes(upload.size)}; the limit is {megabytes(max_bytes)}. "
                              "Split it into smaller files.")
    if not (upload.name or "").lower().endswith((".csv", ".txt")):
        raise ImportFileError("Upload a .csv file (in Excel: File › Save As › CSV UTF-8).")
    return csv_text(upload.read(), max_bytes=max_bytes)


def _check_header(spec: ImportSpec, header: list[str]) -> tuple[list[str | None], list[RowError]]:
    """The column each position maps to (None for a blank header cell) and the header's problems."""
    errors: list[RowError] = []
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for raw in header:
        key = header_key(raw)
        if not key:
            columns.append(None)
            continue
        if key not in spec.columns:
            unknown.append(raw.strip())
        elif key in seen:
            errors.append(RowError(f"The column {key} appears more than once."))
        seen.add(key)
        columns.append(key)
    if unknown:
        errors.append(RowError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"The columns are: {', '.join(spec.columns)}."))
    for required in spec.required:
        if required not in seen:
            errors.append(RowError(f"The required column {required} is missing."))
    return columns, errors


def _read_row(spec: ImportSpec, number: int, cells: list[str], columns: list[str | None],
              existing) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
        errors.append(RowError(f"has {len(cells)} cells but the header has {len(columns)} columns.", number))
    values: dict[str, Any] = {}
    # A short row (trailing cells left off) reads as blank cells.
    padded = list(cells) + [""] * (len(columns) - len(cells))
    for column, raw in zip(columns, padded, strict=False):
        value = spec.clean(raw.strip())
        if column is None:
            if value:
                errors.append(RowError("a value is in a column without a header name.", number))
            continue
        if not value:
            if column in spec.required:
                errors.append(RowError("is required.", number, column))
            elif spec.blank is not None:
                values[column] = spec.blank(column)
            continue
        try:
            values[column] = spec.parse_cell(column, value, existing)
        except ValueError as exc:
            errors.append(RowError(str(exc), number, column))
    return values, errors


def csv_import_parse(spec: ImportSpec, content: str | bytes, *, existing=None,
                     progress: Callable[[int, int], None] | None = None) -> ImportPreview:
    """Validate a whole file against `existing` (what `spec.load` returns; None for no records).

    Row numbers are those a spreadsheet shows: the header is row 1. `progress(done, total)` is called as
    rows after the header are checked. Nothing is written.
    """
    preview = ImportPreview(kind=spec.kind)
    try:
        text = csv_text(content, max_bytes=spec.max_bytes)
        records = read_records(text, max_rows=spec.row_cap) if text.strip() else []
    except ImportFileError as exc:
        preview.errors.append(RowError(str(exc)))
        return preview
    except CsvSyntaxError as exc:
        preview.errors.append(RowError(exc.reason, exc.row))
        return preview
    if not records:
        preview.errors.append(RowError("The file is empty."))
        return preview
    columns, header_errors = _check_header(spec, records[0])
    if header_errors:
        preview.errors.extend(header_errors)
        return preview
    preview.columns = [c for c in columns if c]

    total = len(records) - 1
    rows: list[ImportRow] = []
    first_row: dict[str, dict[str, int]] = {u.column: {} for u in spec.unique}
    for number, cells in enumerate(records[1:], start=2):
        if progress is not None:
            progress(number - 2, total)
        if not any(c.strip() for c in cells):
            continue  # blank lines are skipped
        values, errors = _read_row(spec, number, cells, columns, existing)
        for unique in spec.unique:
            value = values.get(unique.column)
            if not isinstance(value, str) or not value:
                continue
            key = value.lower() if unique.ignore_case else value
            seen = first_row[unique.column]
            if key in seen:
                errors.append(RowError(f"“{value}” is also on row {seen[key]}; each {unique.what} may appear "
                                       "once.", number, unique.column))
            else:
                seen[key] = number
        if errors:
            # In the order of the file's columns, as people read the row.
            errors.sort(key=lambda e: columns.index(e.column) if e.column in columns else -1)
            preview.errors.extend(errors)
            continue
        row = ImportRow(number=number, values=values)
        problems = spec.classify(row, existing)
        if problems:
            preview.errors.extend(problems)
            continue
        row.display = [spec.display(c, row.values.get(c)) for c in preview.columns]
        rows.append(row)
    if progress is not None:
        progress(total, total)

    if not rows and not preview.errors:
        preview.errors.append(RowError(spec.no_rows or f"The file has a header but no {spec.nouns}."))
    if not preview.errors:
        preview.rows = rows
        if spec.describe is not None:
            preview.extra = spec.describe(rows, existing)
    return preview


def csv_import_preview(spec: ImportSpec, *, target, content: str | bytes) -> ImportPreview:
    """Validate a file against the target's current records (inside the tenant's scope); writes nothing."""
    return csv_import_parse(spec, content, existing=spec.load(target))


# --- applying ---------------------------------------------------------------------------------------------


def _conflict(spec: ImportSpec, row: ImportRow, change: str) -> RowError:
    if spec.conflict is not None:
        return spec.conflict(row, change)
    reason = {
        APPEARED: f"a matching {spec.noun} was added after the preview, so this row would update it instead "
                  "of creating one.",
        VANISHED: f"the {spec.noun} it was to update is gone since the preview, so this row would create a new "
                  "one instead.",
        CHANGED: f"the {spec.noun} it updates was changed by someone else after the preview.",
    }[change]
    return RowError(reason, row.number)


def plan_conflicts(spec: ImportSpec, rows: list[ImportRow], plan: Mapping[str, list]) -> list[RowError]:
    """Rows that would now do something else than the preview showed: the records changed in between.

    People approved the preview, so a row that would now update a record instead of creating one (or the
    other way round, or update a record that someone has edited since) refuses the whole file.
    """
    errors: list[RowError] = []
    for row in rows:
        planned = plan.get(str(row.number))
        if planned is None and row.match_id:
            errors.append(_conflict(spec, row, APPEARED))
        elif planned is not None and row.match_id is None:
            errors.append(_conflict(spec, row, VANISHED))
        elif planned is not None and [str(row.match_id), row.match_version] != list(planned):
            errors.append(_conflict(spec, row, CHANGED))
    return errors


def _validation_errors(spec: ImportSpec, row: ImportRow | None, exc: ValidationError) -> list[RowError]:
    number = row.number if row else None
    if not hasattr(exc, "error_dict"):
        return [RowError(m, number, spec.message_columns.get(m)) for m in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        for m in messages:
            if name == NON_FIELD_ERRORS:
                column = spec.message_columns.get(m)
            else:
                column = spec.field_columns.get(name, name)
                column = column if column in spec.columns else None
            errors.append(RowError(m, number, column))
    return errors


class _RowRefused(Exception):
    """A hook that writes many rows refused one of them (`error`, its RecordsRefused or RecordsStale)."""

    def __init__(self, row: ImportRow, error: RecordsRefused | RecordsStale):
        super().__init__(str(error))
        self.row, self.error = row, error


def _write_many(hook: Callable[[list[ImportRow], ApplyContext], None], rows: list[ImportRow],
                ctx: ApplyContext) -> None:
    try:
        hook(rows, ctx)
    except (RecordsRefused, RecordsStale) as exc:
        raise _RowRefused(rows[exc.index], exc) from exc


def csv_import_write(spec: ImportSpec, *, target, actor: User | None, rows: list[ImportRow],
                     existing=None, finish: Callable[[ImportSummary], Any] | None = None) -> ImportSummary:
    """Write every row in one transaction (`spec.prepare`, `create_many`, then `apply_row` per row or
    `update_many`): all rows or none. `spec.build` checks and builds what it can before the transaction
    opens; `finish(summary)` runs last inside it (a job's success commits with its rows).

    A row the services or the database refuse (or whose record was edited meanwhile) is named in
    ImportRefused, and nothing is written.
    """
    counts = dict.fromkeys(spec.result_keys, 0)
    ctx = ApplyContext(target=target, actor=actor, existing=existing, counts=counts)
    row: ImportRow | None = None
    creates = [r for r in rows if r.action == CREATE] if spec.create_many is not None else []
    updates = [r for r in rows if r.action == UPDATE] if spec.update_many is not None else []
    written_at_once = {id(r) for r in creates + updates}
    writing = [r for r in rows if r.action != UNCHANGED]
    try:
        if spec.build is not None:
            _write_many(spec.build, writing, ctx)
        with transaction.atomic():
            if spec.prepare is not None:
                _write_many(spec.prepare, writing, ctx)
            if creates:
                _write_many(spec.create_many, creates, ctx)
            # The updates last: the row locks they take are held from there to the commit only.
            for row in rows:
                if row.action != UNCHANGED and id(row) not in written_at_once:
                    spec.apply_row(row, ctx)
                counts[DONE[row.action]] = counts.get(DONE[row.action], 0) + 1
            row = None
            if updates:
                _write_many(spec.update_many, updates, ctx)
            if finish is not None:
                finish(ImportSummary(counts=counts))
    except _RowRefused as exc:
        if isinstance(exc.error, StaleVersionError):
            raise ImportRefused([_conflict(spec, exc.row, CHANGED)]) from exc.error
        raise ImportRefused(_validation_errors(spec, exc.row, exc.error)) from exc.error
    except ValidationError as exc:
        raise ImportRefused(_validation_errors(spec, row, exc)) from exc
    except StaleVersionError as exc:
        raise ImportRefused([_conflict(spec, row, CHANGED)]) from exc
    except IntegrityError as exc:
        # Another change committed between the check and the write; the database's rule caught it.
        raise ImportRefused([RowError(f"the database refused this row because {spec.records} changed while "
                                      "importing; try again.", row.number if row else None)]) from exc
    return ImportSummary(counts=counts)


def csv_import_apply(spec: ImportSpec, *, target, actor: User | None, content: str | bytes,
                     plan: Mapping[str, list] | None = None) -> ImportSummary:
    """Check the file again and write every row, in one transaction, in the caller's process.

    With `plan` (from the preview) a row whose match changed since is refused. ImportRefused lists the
    problems; nothing is written then. Larger imports use `csv_import_enqueue` instead.
    """
    # Checked before the write transaction opens; the write re-checks versions and the database's rules.
    existing = spec.load(target)
    preview = csv_import_parse(spec, content, existing=existing)
    errors = preview.errors or (plan_conflicts(spec, preview.rows, plan) if plan is not None else [])
    if errors:
        raise ImportRefused(errors)
    return csv_import_write(spec, target=target, actor=actor, rows=preview.rows, existing=existing)


# --- the background job -------------------------------------------------------------------------------------


def _problems(n: int) -> str:
    return f"{n} problem{'s' if n != 1 else ''}"


@transaction.atomic
def csv_import_enqueue(spec: ImportSpec, *, target, actor: User, text: str, name: str,
                       plan: Mapping[str, list]) -> Job:
    """Queue the apply step of a previewed file; the job holds the file's text, its name and the plan."""
    subject_id, subject_label, subject_url = spec.subject(target) if spec.subject else (None, "", "")
    return job_create(
        msp=_tenant_of(target), kind=spec.kind, title=f"Import {name}"[:200], created_by=actor,
        payload={"text": text, "name": name, "plan": dict(plan), "target": str(target.pk)},
        subject_id=subject_id, subject_label=subject_label[:200], subject_url=subject_url,
        task=apply_csv_import,
    )


def csv_import_submit(spec: ImportSpec, *, target, actor: User, content: str | bytes, name: str) -> Job:
    """Check a whole file now, as the preview does, and queue its apply step with the preview's plan (an
    API answers at once with the problems, or with the job). ImportRefused lists every problem (the file's
    size, encoding, syntax, header, row cap and each row's cells); nothing is queued then."""
    preview = csv_import_preview(spec, target=target, content=content)
    if preview.errors:
        raise ImportRefused(preview.errors)
    text = csv_text(content, max_bytes=spec.max_bytes)
    return csv_import_enqueue(spec, target=target, actor=actor, text=text, name=name, plan=preview.plan())


def _tenant_of(target) -> Msp:
    """The tenant a target belongs to: the Msp itself, or the `msp` of a tenant record."""
    return target if isinstance(target, Msp) else target.msp


def _refuse(job: Job, errors: list[RowError]) -> Job:
    return job_fail(job=job, errors=errors, message=f"Nothing was imported: {_problems(len(errors))}.")


def _imported(spec: ImportSpec, summary: ImportSummary) -> str:
    counts = summary.counts
    rows = sum(counts.get(DONE[a], 0) for a in ACTIONS)
    parts = [f"{counts[DONE[a]]} {DONE[a]}" for a in ACTIONS if DONE[a] in spec.result_keys]
    return f"Imported {spec.label(rows)}: {', '.join(parts)}."


def csv_import_run(*, job_id) -> Job | None:
    """The apply step, in a worker: check every row again (progress committed as it goes), compare with the
    preview's plan, then write them all in one transaction. Returns the finished job, or None when it was
    not queued (a task delivered twice runs once)."""
    return job_run(job_id=job_id, start="Checking the file…", body=_import_job,
                   unexpected=lambda job: "The import stopped on an unexpected error. Nothing was imported.")


def _import_job(job: Job) -> Job:
    spec = csv_import_spec(job.kind)
    payload = job.payload or {}
    # Inside the job's tenant scope another tenant's record is simply not found; a target that is not
    # a scoped record (the Msp) is checked against the job's tenant.
    target = spec.target_model._default_manager.filter(pk=payload["target"]).first()
    if target is None or _tenant_of(target).pk != job.msp_id:
        return job_fail(job=job, message="Nothing was imported.",
                        errors=["What the file was to be imported into no longer exists."])
    existing = spec.load(target)
    reporter = ProgressReporter(job, message=lambda done, total: f"Checked {done} of {total} rows")
    preview = csv_import_parse(spec, payload["text"], existing=existing, progress=reporter)
    errors = preview.errors or plan_conflicts(spec, preview.rows, payload.get("plan", {}))
    if errors:
        return _refuse(job, errors)
    job_progress(job=job, done=job.progress_total, total=job.progress_total,
                 message=f"Saving {spec.label(len(preview.rows))}…")
    # The rows and the job's success commit together: a worker lost before the commit wrote nothing,
    # and a job that succeeded is never started again, so running it again is safe.
    try:
        csv_import_write(spec, target=target, actor=job.created_by, rows=preview.rows, existing=existing,
                         finish=lambda summary: job_succeed(job=job, result=summary.as_dict(),
                                                            message=_imported(spec, summary)))
    except ImportRefused as exc:
        return _refuse(job, exc.errors)
    return job


@shared_task(base=TenantTask, bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3)
def apply_csv_import(self, *, job_id: str, msp_id: str) -> None:
    """Apply a previewed CSV of any registered kind (the job's kind); progress and outcome are on the job."""
    csv_import_run(job_id=job_id)
