"""Asset CSV import: read and validate every row first, show a preview, then apply all rows or none.

`parse_asset_csv` is pure (text or bytes in, rows and errors out) so it can be tested without a
database; `asset_import_preview` feeds it the client's live assets (to match rows by serial).
Applying runs in a Celery task as a background job (msp.jobs): `asset_import_enqueue` stores the
previewed file on a Job, and the task calls `asset_import_run`, which checks every row again against the
preview's plan (reporting progress) and then `asset_import_apply` writes all rows in one transaction.
The column set and behaviour are documented in docs/asset-import.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from msp.csvfiles import ImportFileError, decode_csv
from msp.csvfiles import delimiter as _delimiter
from msp.csvfiles import header_key as _header_key
from msp.jobs import ProgressReporter, job_create, job_fail, job_progress, job_start, job_succeed
from msp.models import Job, User
from msp.tenancy import StaleVersionError, delay_on_commit

from .choices import AssetKind, AssetStatus
from .models import Asset, Client
from .services import asset_create, asset_update

MAX_BYTES = 5 * 1024 * 1024
JOB_KIND = "asset_import"

# The documented columns, in the order of the template file.
COLUMNS = ("name", "kind", "manufacturer", "model", "serial", "purchase_date", "warranty_end", "end_of_support",
           "expected_life_years", "replacement_cost", "status")
REQUIRED_COLUMNS = ("name",)
TEXT_COLUMNS = ("name", "manufacturer", "model", "serial")
DATE_COLUMNS = ("purchase_date", "warranty_end", "end_of_support")
MAX_COST = Decimal("9999999999.99")  # Asset.replacement_cost: 12 digits, 2 of them decimals
CENT = Decimal("0.01")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

TEMPLATE_ROWS = (
    ("FW-01", "firewall", "Fortinet", "FortiGate 60F", "FGT60FTK2109ABCD", "2022-03-15", "2025-03-15",
     "2028-03-15", "5", "1250.00", "in_service"),
    ("Reception PC", "Workstation", "Dell", "OptiPlex 7010", "7XK2LM3", "6/1/2023", "6/1/2026", "", "5",
     "$1,100.00", "In service"),
)


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


@dataclass(frozen=True)
class ExistingAsset:
    """A live asset of the client that a row with the same serial updates."""

    id: UUID
    version: int


@dataclass
class ImportRow:
    """A valid row: the values to write and, for an update, the asset it matched by serial."""

    number: int
    values: dict
    display: list[str] = field(default_factory=list)
    asset_id: UUID | None = None
    asset_version: int | None = None

    @property
    def action(self) -> str:
        return "update" if self.asset_id else "create"


@dataclass
class ParseResult:
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")

    def plan(self) -> dict[str, list]:
        """What the preview showed, as JSON: the rows that update an asset, by row number, with the asset's
        id and version. Every other row creates one. The apply step refuses rows whose action changed."""
        return {str(r.number): [str(r.asset_id), r.asset_version] for r in self.rows if r.asset_id}


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().lower()
    as_value = _header_key(value)
    for choice in choices:
        if wanted == choice.label.lower() or as_value == choice.value:
            return choice.value
    return None


def _date(value: str) -> date:
    m = _ISO_DATE.match(value)
    if m:
        year, month, day = (int(x) for x in m.groups())
    else:
        m = _US_DATE.match(value)
        if not m:
            raise ValueError(f"“{value}” is not a date; use YYYY-MM-DD (or M/D/YYYY).")
        month, day, year = (int(x) for x in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        hint = " Dates with slashes are read as month/day/year." if "/" in value else ""
        raise ValueError(f"“{value}” is not a real date.{hint}") from None


def _cost(value: str) -> Decimal:
    raw = value.replace("$", "").replace(",", "").replace(" ", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{value}” is not an amount; write it like 1250.00 or $1,250.00.") from None
    if not amount.is_finite():
        raise ValueError(f"“{value}” is not an amount; write it like 1250.00 or $1,250.00.")
    if amount < 0:
        raise ValueError("cannot be negative.")
    if amount != amount.quantize(CENT):
        raise ValueError(f"“{value}” has more than 2 decimal places.")
    if amount > MAX_COST:
        raise ValueError(f"“{value}” is too large.")
    return amount.quantize(CENT)


def _life(value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise ValueError(f"“{value}” is not a whole number of years.")
    years = int(value)
    if not 1 <= years <= 30:
        raise ValueError(f"must be between 1 and 30 years, not {years}.")
    return years


def _parse_cell(column: str, value: str):
    """The Python value of one non-blank cell; ValueError carries the reason."""
    if column in TEXT_COLUMNS:
        limit = Asset._meta.get_field(column).max_length
        if len(value) > limit:
            raise ValueError(f"is {len(value)} characters long; the limit is {limit}.")
        return value
    if column == "kind":
        kind = _choice(value, AssetKind)
        if kind is None:
            raise ValueError(f"“{value}” is not a kind; use one of: {', '.join(AssetKind.values)}.")
        return kind
    if column == "status":
        status = _choice(value, AssetStatus)
        if status is None:
            raise ValueError(f"“{value}” is not a status; use one of: {', '.join(AssetStatus.values)}.")
        return status
    if column in DATE_COLUMNS:
        return _date(value)
    if column == "expected_life_years":
        return _life(value)
    if column == "replacement_cost":
        return _cost(value)
    raise AssertionError(column)  # the header check admits only known columns


def _display(column: str, value) -> str:
    if value is None:
        return ""
    if column == "kind":
        return AssetKind(value).label
    if column == "status":
        return AssetStatus(value).label
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check_header(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    """The column each position maps to (None for a blank header cell) and the header's errors."""
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


def parse_asset_csv(content: str | bytes, *, existing: Mapping[str, ExistingAsset] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ParseResult:
    """Validate a whole asset CSV. Rows come back only when the file has no error at all.

    `existing` maps the serial numbers of the client's live assets to those assets; a row with such a
    serial updates that asset (blank cells leave its values as they are), any other row creates one.
    Row numbers are those a spreadsheet shows: the header is row 1. `progress(done, total)` is called
    as lines after the header are checked.
    """
    existing = existing or {}
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
        if not records:
            result.errors.append(RowError("The file is empty."))
            return result
        header = records[0]
        total = len(records) - 1
        columns, header_errors = _check_header(header)
        if header_errors:
            result.errors.extend(header_errors)
            return result
        result.columns = [c for c in columns if c]
        rows: list[ImportRow] = []
        serial_rows: dict[str, int] = {}
        for number, cells in enumerate(records[1:], start=2):
            if progress is not None:
                progress(number - 2, total)
            if not any(c.strip() for c in cells):
                continue  # blank lines are skipped
            row_errors: list[RowError] = []
            if len(cells) > len(columns):
                extra = [c for c in cells[len(columns):] if c.strip()]
                if extra:
                    row_errors.append(RowError(
                        f"has {len(cells)} cells but the header has {len(columns)} columns.", number))
            given: dict[str, object] = {}
            for column, raw in zip(columns, cells, strict=False):
                value = raw.strip()
                if column is None:
                    if value:
                        row_errors.append(RowError("a value is in a column without a header name.", number))
                    continue
                if not value:
                    continue
                try:
                    given[column] = _parse_cell(column, value)
                except ValueError as exc:
                    row_errors.append(RowError(str(exc), number, column))
            if "name" not in given and not any(e.column == "name" for e in row_errors):
                row_errors.append(RowError("is required.", number, "name"))
            serial = given.get("serial")
            if serial:
                if serial in serial_rows:
                    row_errors.append(RowError(
                        f"“{serial}” is also on row {serial_rows[serial]}; each serial may appear once.",
                        number, "serial"))
                else:
                    serial_rows[serial] = number
            if row_errors:
                # In the order of the file's columns, as people read the row.
                row_errors.sort(key=lambda e: columns.index(e.column) if e.column in columns else -1)
                result.errors.extend(row_errors)
                continue
            match = existing.get(serial) if serial else None
            values = dict(given)
            if match is None:
                values.setdefault("kind", AssetKind.OTHER.value)
                values.setdefault("status", AssetStatus.IN_SERVICE.value)
            rows.append(ImportRow(
                number=number, values=values,
                display=[_display(c, values.get(c)) for c in result.columns],
                asset_id=match.id if match else None, asset_version=match.version if match else None,
            ))
    except csv.Error as exc:
        result.errors.append(RowError(f"Line {reader.line_num}: the CSV cannot be read ({exc})."))
        return result
    if progress is not None:
        progress(total, total)

    if not rows and not result.errors:
        result.errors.append(RowError("The file has a header but no asset rows."))
    if not result.errors:
        result.rows = rows
    return result


def existing_assets(*, client: Client) -> dict[str, ExistingAsset]:
    """The client's live assets that have a serial, by serial."""
    qs = Asset.objects.filter(client=client, archived_at__isnull=True).exclude(serial="")
    return {serial: ExistingAsset(id=pk, version=version)
            for pk, serial, version in qs.values_list("id", "serial", "version")}


def asset_import_preview(*, client: Client, content: str | bytes) -> ParseResult:
    """Validate a file against the client's current assets; writes nothing."""
    return parse_asset_csv(content, existing=existing_assets(client=client))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


class ImportRefused(Exception):
    """The apply step wrote nothing; `errors` say which rows and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def plan_conflicts(rows: list[ImportRow], plan: Mapping[str, list]) -> list[RowError]:
    """Rows whose action is not the one the preview showed: the client's assets changed in between.

    People approved the preview, so a row that would now update an asset instead of creating one (or the
    other way round, or update an asset that someone has edited since) is refused rather than applied.
    """
    errors: list[RowError] = []
    for row in rows:
        planned = plan.get(str(row.number))
        serial = row.values.get("serial", "")
        if planned is None and row.asset_id:
            errors.append(RowError(
                f"“{serial}” now belongs to another asset of this client (added or edited after the preview), "
                "so this row would update that asset instead of creating a new one.", row.number, "serial"))
        elif planned is not None and row.asset_id is None:
            errors.append(RowError(
                f"the asset with serial “{serial}” was archived, or its serial changed, after the preview, "
                "so this row would create a new asset instead of updating it.", row.number, "serial"))
        elif planned is not None and [str(row.asset_id), row.asset_version] != list(planned):
            errors.append(RowError(
                f"the asset with serial “{serial}” was changed by someone else after the preview.", row.number))
    return errors


# Asset constraints whose violation is about one column of the file.
_CONSTRAINT_COLUMNS = {"asset_unique_serial_per_client": "serial", "asset_cost_not_negative": "replacement_cost"}
_COLUMN_OF_MESSAGE = {c.violation_error_message: _CONSTRAINT_COLUMNS[c.name]
                      for c in Asset._meta.constraints if c.name in _CONSTRAINT_COLUMNS}


def _validation_errors(row: ImportRow, exc: ValidationError) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(m, row.number, _COLUMN_OF_MESSAGE.get(m)) for m in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        for m in messages:
            column = name if name in COLUMNS else _COLUMN_OF_MESSAGE.get(m) if name == NON_FIELD_ERRORS else None
            errors.append(RowError(m, row.number, column))
    return errors


def asset_import_apply(*, client: Client, actor: User | None, rows: list[ImportRow]) -> ImportSummary:
    """Write every row through the asset services in one transaction: all rows or none.

    An update is refused when its asset was edited after the rows were checked, and a row the services
    or the database refuse is named; either way nothing is written and ImportRefused says why.
    """
    created = updated = 0
    row: ImportRow | None = None
    try:
        with transaction.atomic():
            for row in rows:
                if row.asset_id:
                    asset = Asset.objects.filter(pk=row.asset_id, client=client, archived_at__isnull=True).first()
                    if asset is None:
                        raise ValidationError("the asset with this serial was archived after the preview.")
                    asset_update(asset=asset, actor=actor, expected_version=row.asset_version, **row.values)
                    updated += 1
                else:
                    asset_create(client=client, actor=actor, **row.values)
                    created += 1
    except ValidationError as exc:
        raise ImportRefused(_validation_errors(row, exc)) from exc
    except StaleVersionError as exc:
        raise ImportRefused([RowError(
            f"the asset with serial “{row.values.get('serial', '')}” was changed by someone else "
            "after the preview.", row.number)]) from exc
    except IntegrityError as exc:
        # Another change committed between the check and the write; the database's rule caught it.
        raise ImportRefused([RowError(
            "the database refused this row because the client's assets changed while importing.",
            row.number)]) from exc
    return ImportSummary(created=created, updated=updated)


def _assets(n: int) -> str:
    return f"{n} asset{'s' if n != 1 else ''}"


@transaction.atomic
def asset_import_enqueue(*, client: Client, actor: User, text: str, name: str, plan: Mapping[str, list]) -> Job:
    """Queue the apply step of a previewed file; the job holds the file's text and the preview's plan."""
    from .tasks import run_asset_import  # tasks imports this module

    job = job_create(
        msp=client.msp, kind=JOB_KIND, title=f"Import {name}"[:200], created_by=actor,
        payload={"text": text, "name": name, "plan": dict(plan)},
        subject_id=client.pk, subject_label=client.name,
        subject_url=reverse("client_detail", kwargs={"client_id": client.pk}) + "#assets",
    )
    delay_on_commit(run_asset_import, job_id=str(job.pk), client_id=str(client.pk), actor_id=actor.pk,
                    msp_id=str(client.msp_id))
    return job


def _refuse(job: Job, errors: list[RowError]) -> Job:
    return job_fail(job=job, errors=errors,
                    message=f"Nothing was imported: {len(errors)} problem{'s' if len(errors) != 1 else ''}.")


def asset_import_run(*, job_id, client_id, actor_id: int | None) -> Job | None:
    """The apply step, in a worker: check every row again (reporting progress, committed as it goes),
    then write them all in one transaction. Returns the finished job, or None when it was not queued."""
    job = job_start(job_id=job_id, message="Checking the file…")
    if job is None:
        return None
    try:
        payload = job.payload or {}
        client = Client.objects.get(pk=client_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        reporter = ProgressReporter(job, message=lambda done, total: f"Checked {done} of {total} rows")
        result = parse_asset_csv(payload["text"], existing=existing_assets(client=client), progress=reporter)
        errors = result.errors or plan_conflicts(result.rows, payload.get("plan", {}))
        if errors:
            return _refuse(job, errors)
        job_progress(job=job, done=job.progress_total, total=job.progress_total,
                     message=f"Saving {_assets(len(result.rows))}…")
        summary = asset_import_apply(client=client, actor=actor, rows=result.rows)
    except ImportRefused as exc:
        return _refuse(job, exc.errors)
    except Exception:
        job_fail(job=job, message="The import stopped on an unexpected error. Nothing was imported.")
        raise
    return job_succeed(
        job=job, result={"created": summary.created, "updated": summary.updated},
        message=f"Imported {_assets(summary.created + summary.updated)}: "
                f"{summary.created} created, {summary.updated} updated.")


def template_csv() -> str:
    """A sample file with every column, for people to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()
