"""Generic writes for tenant records: create, update with a version check, archive.

Each app's services name their own operations (`client_create`, `asset_update`...) and call these,
so the rules are the same everywhere: validation before save, foreign keys checked to belong to the
same tenant, the version checked and bumped, history recorded with the acting user.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from .models import Msp
from .tenancy import StaleVersionError, TenantModel, VersionedModel, bump_version, check_version, history


def _check_same_tenant(obj: TenantModel) -> None:
    """A foreign key to another tenant's row is refused as if the row did not exist."""
    errors = {}
    for field in obj._meta.concrete_fields:
        if not field.is_relation or field.name == "msp":
            continue
        related_model = field.related_model
        if not (isinstance(related_model, type) and issubclass(related_model, TenantModel)):
            continue
        related_id = getattr(obj, field.attname)
        if related_id is None:
            continue
        if not related_model.objects.filter(pk=related_id, msp_id=obj.msp_id).exists():
            errors[field.name] = f"Select a valid {field.verbose_name}; that one was not found."
    if errors:
        raise ValidationError(errors)


class RecordsRefused(ValidationError):
    """A record of a `records_bulk_create` list was refused; `index` says which (nothing was written)."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


class RecordsStale(StaleVersionError):
    """A record of a list was saved by someone else since it was read; `index` says which."""

    def __init__(self, index: int, current: int):
        super().__init__(current)
        self.index = index


def records_build(model: type[TenantModel], /, *, msp: Msp, rows: list[dict]) -> list[TenantModel]:
    """Unsaved records of one model (their ids already given), each validated by the rules of
    `record_create` but its foreign keys, without a query: the first half of `records_bulk_create`, to
    run before the write transaction opens. RecordsRefused names the first refused record."""
    objs = [model(msp=msp, **fields) for fields in rows]
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for index, obj in enumerate(objs):
        try:
            # Foreign keys are checked by records_insert for the whole list (full_clean would query each).
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RecordsRefused(index, exc) from exc
    return objs


def records_insert(objs: list[TenantModel], /, *, msp: Msp, actor=None, batch_size: int = 1000) -> list[TenantModel]:
    """Insert records made by `records_build`, with a few queries for the whole list: foreign keys of the
    same tenant (one query per foreign key), history with the acting user, every row visible in the
    tenant's scope afterwards. The second half of `records_bulk_create`, inside the write transaction."""
    if not objs:
        return objs
    model = type(objs[0])
    for field in model._meta.concrete_fields:
        related_model = field.related_model
        if (not field.is_relation or field.name == "msp"
                or not (isinstance(related_model, type) and issubclass(related_model, TenantModel))):
            continue
        wanted = {getattr(o, field.attname) for o in objs} - {None}
        found = set(related_model.objects.filter(pk__in=wanted, msp_id=msp.pk).values_list("pk", flat=True))
        if found == wanted:
            continue
        for index, obj in enumerate(objs):
            if getattr(obj, field.attname) not in found and getattr(obj, field.attname) is not None:
                raise RecordsRefused(index, ValidationError(
                    {field.name: f"Select a valid {field.verbose_name}; that one was not found."}))
    with history(actor):
        model.objects.bulk_create(objs, batch_size=batch_size)
    if model.objects.filter(pk__in=[o.pk for o in objs]).count() != len(objs):
        raise ValidationError("This record does not belong to the current workspace.")
    return objs


def records_save_many(objs: list[TenantModel], fields: list[str], *, batch_size: int = 1000) -> None:
    """Save `fields` of many records of one model that the caller has validated, in one statement per
    batch (UPDATE ... FROM VALUES; Django's bulk_update builds a CASE per row and field, which costs
    seconds for thousands of rows). Row triggers (history) fire for each row and row-level security
    applies, as for one save."""
    if not objs:
        return
    meta = type(objs[0])._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in columns) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in batch for f in columns]
            values = ", ".join([row] * len(batch))
            # Names come from the model and every value is a parameter.
            cursor.execute(f"UPDATE {quote(meta.db_table)} AS t SET {sets} FROM (VALUES {values}) AS v({names}) "  # noqa: S608
                           f"WHERE t.{quote(meta.pk.column)} = v.{quote(meta.pk.column)}", params)


def records_bulk_create(model: type[TenantModel], /, *, msp: Msp, actor=None, rows: list[dict],
                        batch_size: int = 1000) -> list[TenantModel]:
    """Create many records of one model with a few queries for the whole list (an import's new rows), by
    the rules of `record_create`: every record validated, foreign keys of the same tenant (checked once
    per model), history with the acting user, every row visible in the tenant's scope afterwards.

    Uniqueness and check constraints are the database's to enforce here (an IntegrityError), as checking
    them one record at a time is what this avoids. RecordsRefused names the first refused record.
    """
    return records_insert(records_build(model, msp=msp, rows=rows), msp=msp, actor=actor, batch_size=batch_size)


def _save(obj: TenantModel) -> None:
    _check_same_tenant(obj)
    obj.full_clean()
    obj.save()
    # Confirm the row is visible in the active tenant scope, inside the same transaction.
    if not type(obj).objects.filter(pk=obj.pk).exists():
        raise ValidationError("This record does not belong to the current workspace.")


@transaction.atomic
def record_create(model: type[TenantModel], /, *, msp: Msp, actor=None, **fields) -> TenantModel:
    with history(actor):
        obj = model(msp=msp, **fields)
        _save(obj)
    return obj


def _lock_latest(obj: TenantModel) -> None:
    """Lock the row and, when someone saved it since `obj` was read, take their values first.

    Used by writes that carry no expected version (internal steps such as "mark reviewed"): they apply
    their own fields on top of the latest row instead of writing back a stale copy of the others.
    """
    latest = type(obj)._base_manager.select_for_update(no_key=True).get(pk=obj.pk)
    if getattr(latest, "version", None) != getattr(obj, "version", None):
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(latest, field.attname))


@transaction.atomic
def record_update(obj: TenantModel, *, actor=None, expected_version: int | None = None, **fields) -> TenantModel:
    """Apply `fields`; with `expected_version`, refuse when someone else saved in between; without one,
    apply them on top of the latest saved row."""
    with history(actor):
        if isinstance(obj, VersionedModel):
            if expected_version is None:
                _lock_latest(obj)
            check_version(obj, expected_version)
            bump_version(obj)
        for key, value in fields.items():
            setattr(obj, key, value)
        _save(obj)
    return obj


@transaction.atomic
def record_archive(obj: TenantModel, *, actor=None) -> TenantModel:
    """Archive rather than delete: the row stays, with its history, out of everyday lists."""
    if isinstance(obj, VersionedModel):
        _lock_latest(obj)
    if getattr(obj, "archived_at", None) is None:
        with history(actor):
            obj.archived_at = timezone.now()
            if isinstance(obj, VersionedModel):
                bump_version(obj)
            obj.save(update_fields=["archived_at", "updated_at"]
                     + (["version"] if isinstance(obj, VersionedModel) else []))
    return obj


@transaction.atomic
def record_restore(obj: TenantModel, *, actor=None) -> TenantModel:
    if isinstance(obj, VersionedModel):
        _lock_latest(obj)
    if getattr(obj, "archived_at", None) is not None:
        with history(actor):
            obj.archived_at = None
            if isinstance(obj, VersionedModel):
                bump_version(obj)
            obj.full_clean()
            obj.save()
    return obj


# --- undoing a client's decision ------------------------------------------------------------------------


def decision_undo_until(decided_at: datetime | None) -> datetime | None:
    """Until when a decision made at `decided_at` can be undone (settings.DECISION_UNDO_MINUTES)."""
    if decided_at is None:
        return None
    return decided_at + timedelta(minutes=settings.DECISION_UNDO_MINUTES)


def decision_undo_check(*, what: str, decided_at: datetime | None, decided_by_id, actor, still_decided: bool) -> None:
    """Refuse (ValidationError, the reason people see) to undo a decision on `what` unless it still stands
    as decided, `actor` made it, and the undo window has not passed. Shared by initiatives and budget lines."""
    if not still_decided or decided_at is None:
        raise ValidationError(f"“{what}” is no longer as you decided it, so there is nothing to undo.")
    if actor is None or decided_by_id != actor.pk:
        raise ValidationError(f"Only the person who decided “{what}” can undo that decision.")
    if timezone.now() > decision_undo_until(decided_at):
        raise ValidationError(f"The {settings.DECISION_UNDO_MINUTES} minutes to undo your decision on “{what}” "
                              "have passed; ask your vCIO if it should change.")


def records_validate(objects, *, fields) -> None:
    """Validate `fields` of many records of one model at once, by the rules `_save` applies to one.

    Each record's own rules (field validators, choices, lengths, `clean()`, constraints over only these
    fields) run per record with no query; the foreign keys among `fields` are checked with one query per
    field: each must be an existing row, of the record's own tenant when the target is a tenant model.
    The database's constraints hold the rest. A bad value raises ValidationError with its field and reason.
    """
    objects = list(objects)
    if not objects:
        return
    fields = set(fields)
    meta = objects[0]._meta
    relations = [f for f in meta.concrete_fields if f.is_relation and f.name in fields and f.name != "msp"]
    skip = [f.name for f in meta.fields if f.name not in fields or f in relations]
    for obj in objects:
        obj.full_clean(exclude=skip, validate_unique=False)
    for field in relations:
        ids = {getattr(obj, field.attname) for obj in objects} - {None}
        if not ids:
            continue
        related = field.related_model
        if issubclass(related, TenantModel):
            found = set(related._base_manager.filter(pk__in=ids).values_list("pk", "msp_id"))
            bad = [o for o in objects if getattr(o, field.attname) is not None
                   and (getattr(o, field.attname), o.msp_id) not in found]
        else:
            found = set(related._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
            bad = [o for o in objects if getattr(o, field.attname) is not None
                   and getattr(o, field.attname) not in found]
        if bad:
            raise ValidationError({field.name: f"Select a valid {field.verbose_name}; that one was not found."})
