"""Asset CSV import: the assets' plug-in to the one CSV import pipeline (msp.csvimport).

This module says what is particular to assets: the columns, how each cell is read, that a row whose serial
matches a live asset of the client updates it (blank cells keep its values), and how one row is written
through the asset services. Reading the file, the preview, the plan check and the all-or-nothing apply as a
background job are the pipeline's. `ASSET_IMPORT` is registered in clients.apps. The column set and
behaviour are documented in docs/asset-import.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import ValidationError
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
    csv_import_enqueue,
    csv_import_parse,
    csv_import_preview,
    csv_import_register,
    csv_import_write,
)
from msp.models import Job, User
from msp.records import RecordsRefused, records_bulk_create

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

__all__ = ["ASSET_IMPORT", "COLUMNS", "ExistingAsset", "ImportPreview", "ImportRefused", "ImportSummary",
           "MAX_BYTES", "RowError", "asset_import_apply", "asset_import_enqueue", "asset_import_preview",
           "existing_assets", "parse_asset_csv", "template_csv"]


@dataclass(frozen=True)
class ExistingAsset:
    """A live asset of the client that a row with the same serial updates."""

    id: UUID
    version: int

    @property
    def pk(self) -> UUID:
        return self.id


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


def _parse_cell(column: str, value: str, existing=None):
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


def _classify(row: ImportRow, existing: Mapping[str, ExistingAsset]) -> list[RowError]:
    """A serial of a live asset of the client updates it; any other row creates an asset with the defaults."""
    serial = row.values.get("serial")
    match = existing.get(serial) if serial else None
    if match is not None:
        row.match(match)
    else:
        row.values.setdefault("kind", AssetKind.OTHER.value)
        row.values.setdefault("status", AssetStatus.IN_SERVICE.value)
    return []


def _apply_row(row: ImportRow, ctx: ApplyContext) -> None:
    client = ctx.target
    if row.action == CREATE:
        asset_create(client=client, actor=ctx.actor, **row.values)
        return
    asset = Asset.objects.filter(pk=row.match_id, client=client, archived_at__isnull=True).first()
    if asset is None:
        raise ValidationError("the asset with this serial was archived after the preview.")
    asset_update(asset=asset, actor=ctx.actor, expected_version=row.match_version, **row.values)


_SERIAL_TAKEN = next(c.violation_error_message for c in Asset._meta.constraints
                     if c.name == "asset_unique_serial_per_client")


def _create_many(rows: list[ImportRow], ctx: ApplyContext) -> None:
    """Every new asset of the file in a few statements (msp.records.records_bulk_create). A serial taken
    since the rows were checked is named with its row; the database's rule catches a later race."""
    client = ctx.target
    if client.is_archived:
        raise RecordsRefused(0, ValidationError("This client is archived; restore it before adding to it."))
    serials = {row.values["serial"]: index for index, row in enumerate(rows) if row.values.get("serial")}
    taken = Asset.objects.filter(client=client, archived_at__isnull=True, serial__in=list(serials))
    first = min((serials[s] for s in taken.values_list("serial", flat=True)), default=None)
    if first is not None:
        raise RecordsRefused(first, ValidationError({"serial": _SERIAL_TAKEN}))
    records_bulk_create(Asset, msp=client.msp, actor=ctx.actor, rows=[{"client": client, **r.values} for r in rows])


def _conflict(row: ImportRow, change: str) -> RowError:
    serial = row.values.get("serial", "")
    if change == APPEARED:
        return RowError(f"“{serial}” now belongs to another asset of this client (added or edited after the "
                        "preview), so this row would update that asset instead of creating a new one.",
                        row.number, "serial")
    if change == CHANGED:
        return RowError(f"the asset with serial “{serial}” was changed by someone else after the preview.",
                        row.number)
    return RowError(f"the asset with serial “{serial}” was archived, or its serial changed, after the preview, "
                    "so this row would create a new asset instead of updating it.", row.number, "serial")


def _subject(client: Client) -> tuple[UUID, str, str]:
    return client.pk, client.name, reverse("client_detail", kwargs={"client_id": client.pk}) + "#assets"


def existing_assets(*, client: Client) -> dict[str, ExistingAsset]:
    """The client's live assets that have a serial, by serial."""
    qs = Asset.objects.filter(client=client, archived_at__isnull=True).exclude(serial="")
    return {serial: ExistingAsset(id=pk, version=version)
            for pk, serial, version in qs.values_list("id", "serial", "version")}


# Asset constraints whose violation is about one column of the file.
_CONSTRAINT_COLUMNS = {"asset_unique_serial_per_client": "serial", "asset_cost_not_negative": "replacement_cost"}

ASSET_IMPORT = ImportSpec(
    kind=JOB_KIND,
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    parse_cell=_parse_cell,
    classify=_classify,
    apply_row=_apply_row,
    create_many=_create_many,
    load=lambda client: existing_assets(client=client),
    target_model=Client,
    noun="asset",
    nouns="assets",
    unique=(UniqueColumn("serial", "serial"),),
    display=_display,
    conflict=_conflict,
    subject=_subject,
    message_columns={c.violation_error_message: _CONSTRAINT_COLUMNS[c.name]
                     for c in Asset._meta.constraints if c.name in _CONSTRAINT_COLUMNS},
    result_keys=("created", "updated"),
    records="the client's assets",
    no_rows="The file has a header but no asset rows.",
    max_bytes=MAX_BYTES,
)


def parse_asset_csv(content: str | bytes, *, existing: Mapping[str, ExistingAsset] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportPreview:
    """Validate a whole asset CSV without a database. Rows come back only when the file has no error at all.

    `existing` maps the serial numbers of the client's live assets to those assets; a row with such a
    serial updates that asset (blank cells leave its values as they are), any other row creates one.
    """
    return csv_import_parse(ASSET_IMPORT, content, existing=existing or {}, progress=progress)


def asset_import_preview(*, client: Client, content: str | bytes) -> ImportPreview:
    """Validate a file against the client's current assets; writes nothing."""
    return csv_import_preview(ASSET_IMPORT, target=client, content=content)


def asset_import_apply(*, client: Client, actor: User | None, rows: list[ImportRow]) -> ImportSummary:
    """Write checked rows through the asset services in one transaction: all rows or none (ImportRefused)."""
    return csv_import_write(ASSET_IMPORT, target=client, actor=actor, rows=rows)


def asset_import_enqueue(*, client: Client, actor: User, text: str, name: str, plan: Mapping[str, list]) -> Job:
    """Queue the apply step of a previewed file as a background job (the pipeline's one import task)."""
    return csv_import_enqueue(ASSET_IMPORT, target=client, actor=actor, text=text, name=name, plan=plan)


def template_csv() -> str:
    """A sample file with every column, for people to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


csv_import_register(ASSET_IMPORT)
