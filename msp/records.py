"""Generic writes for tenant records: create, update with a version check, archive.

Each app's services name their own operations (`client_create`, `asset_update`...) and call these,
so the rules are the same everywhere: validation before save, foreign keys checked to belong to the
same tenant, the version checked and bumped, history recorded with the acting user.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Msp
from .tenancy import TenantModel, VersionedModel, bump_version, check_version, history


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
    latest = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
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
