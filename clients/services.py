"""Writes of the clients app. Views and the API call these; they never save models themselves."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from msp.models import Membership, Msp, User, hash_secret, new_secret
from msp.records import record_archive, record_create, record_restore, record_update
from msp.roles import Role, is_staff_role
from msp.services import queue_email
from msp.tenancy import history, tenant_scope

from .models import Asset, BusinessObjective, Client, ClientAccess, Contact
from .profile import PROFILE_FIELDS

PORTAL_INVITATION_DAYS = 14


def _check_staff(msp: Msp, user: User | None, field: str) -> None:
    if user is None:
        return
    ok = Membership.objects.filter(msp=msp, user=user, removed_at__isnull=True,
                                   role__in=[Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER]).exists()
    if not ok:
        raise ValidationError({field: "Choose a member of your MSP's staff."})


def _client_rules(msp: Msp, fields: dict) -> dict:
    """The assigned vCIO and TAM must be staff of the same MSP."""
    for field in ("vcio", "tam"):
        if field in fields:
            _check_staff(msp, fields[field], field)
    return fields


def client_create(*, msp: Msp, actor: User | None, **fields) -> Client:
    fields.setdefault("fiscal_year_start_month", msp.fiscal_year_start_month)
    return record_create(Client, msp=msp, actor=actor, **_client_rules(msp, fields))


def client_update(*, client: Client, actor: User | None, expected_version: int | None = None,
                  **fields) -> Client:
    if client.is_archived:
        raise ValidationError("This client is archived; restore it before editing.")
    return record_update(client, actor=actor, expected_version=expected_version,
                         **_client_rules(client.msp, fields))


def client_profile_update(*, client: Client, actor: User | None, expected_version: int | None = None,
                          reviewed: bool = False, **fields) -> Client:
    """Change the business profile (clients.profile.PROFILE_FIELDS only); `reviewed` records that it was
    gone through with the client just now."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Not part of the business profile: {', '.join(sorted(unknown))}.")
    if client.is_archived:
        raise ValidationError("This client is archived; restore it before editing.")
    for name in PROFILE_FIELDS[1:]:
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if reviewed:
        fields.update(profile_reviewed_at=timezone.now(), profile_reviewed_by=actor)
    return record_update(client, actor=actor, expected_version=expected_version, **fields)


def client_archive(*, client: Client, actor: User | None) -> Client:
    return record_archive(client, actor=actor)


def client_restore(*, client: Client, actor: User | None) -> Client:
    return record_restore(client, actor=actor)


def _child_create(model, /, *, client: Client, actor: User | None, **fields):
    if client.is_archived:
        raise ValidationError("This client is archived; restore it before adding to it.")
    return record_create(model, msp=client.msp, actor=actor, client=client, **fields)


def contact_create(*, client: Client, actor: User | None, **fields) -> Contact:
    return _child_create(Contact, client=client, actor=actor, **fields)


def _child_update(obj, /, *, actor: User | None, expected_version: int | None, **fields):
    if obj.client.is_archived:
        raise ValidationError("This client is archived; restore it before changing its records.")
    return record_update(obj, actor=actor, expected_version=expected_version, **fields)


def contact_update(*, contact: Contact, actor: User | None, expected_version: int | None = None,
                   **fields) -> Contact:
    return _child_update(contact, actor=actor, expected_version=expected_version, **fields)


@transaction.atomic
def contact_archive(*, contact: Contact, actor: User | None) -> Contact:
    """Archive a contact; their portal access ends with it."""
    for access in ClientAccess.objects.filter(contact=contact, revoked_at__isnull=True):
        portal_access_revoke(access=access, actor=actor)
    return record_archive(contact, actor=actor)


def objective_create(*, client: Client, actor: User | None, **fields) -> BusinessObjective:
    return _child_create(BusinessObjective, client=client, actor=actor, **fields)


def objective_update(*, objective: BusinessObjective, actor: User | None,
                     expected_version: int | None = None, **fields) -> BusinessObjective:
    return _child_update(objective, actor=actor, expected_version=expected_version, **fields)


def objective_archive(*, objective: BusinessObjective, actor: User | None) -> BusinessObjective:
    return record_archive(objective, actor=actor)


def asset_create(*, client: Client, actor: User | None, **fields) -> Asset:
    return _child_create(Asset, client=client, actor=actor, **fields)


def asset_update(*, asset: Asset, actor: User | None, expected_version: int | None = None, **fields) -> Asset:
    return _child_update(asset, actor=actor, expected_version=expected_version, **fields)


def asset_archive(*, asset: Asset, actor: User | None) -> Asset:
    return record_archive(asset, actor=actor)


# --- client portal access ---------------------------------------------------------------------------

def _portal_token(msp: Msp) -> tuple[str, str]:
    """The link carries the tenant id so the lookup runs inside that tenant's scope."""
    raw = f"p.{msp.pk.hex}.{new_secret()}"
    return raw, hash_secret(raw)


@transaction.atomic
def portal_access_invite(*, contact: Contact, actor: User) -> tuple[ClientAccess, str]:
    """Invite a client contact to the portal by email. Returns the access and the one-time link."""
    if not contact.email:
        raise ValidationError({"contact": f"{contact.name} has no email address; add one first."})
    if contact.archived_at or contact.client.is_archived:
        raise ValidationError({"contact": "Archived contacts and clients cannot get portal access."})
    existing = User.objects.filter(email__iexact=contact.email).first()
    if existing and Membership.objects.filter(msp=contact.msp, user=existing, removed_at__isnull=True,
                                              role__in=[r.value for r in Role if is_staff_role(r)]).exists():
        raise ValidationError({"contact": f"{contact.email} belongs to your own staff."})
    if ClientAccess.objects.filter(contact=contact, revoked_at__isnull=True).exists():
        raise ValidationError({"contact": f"{contact.name} already has portal access or a pending invitation."})
    raw, digest = _portal_token(contact.msp)
    access = record_create(
        ClientAccess, msp=contact.msp, actor=actor, client=contact.client, contact=contact,
        email=contact.email.lower(), token_hash=digest, invited_by=actor,
        expires_at=timezone.now() + timedelta(days=PORTAL_INVITATION_DAYS),
    )
    link = settings.SITE_URL + reverse("invitation_accept", args=[raw])
    msp, client_name = contact.msp, contact.client.name
    queue_email(
        msp=msp, to=access.email, subject=f"Your {client_name} portal at {msp.name}",
        template="clients/email/portal_invitation.txt",
        context={"msp_name": msp.name, "client_name": client_name, "contact_name": contact.name, "link": link,
                 "inviter": actor.display_name, "days": PORTAL_INVITATION_DAYS},
    )
    return access, link


def portal_invitation_from_token(raw: str) -> ClientAccess | None:
    parts = raw.split(".")
    if len(parts) != 3 or parts[0] != "p":
        return None
    try:
        msp = Msp.objects.get(pk=parts[1])
    except (Msp.DoesNotExist, ValueError, ValidationError):
        return None
    # The link names its MSP: both walls are opened for that tenant (the request may have none yet).
    with tenant_scope(msp):
        return (
            ClientAccess.objects.select_related("client", "contact", "msp")
            .filter(token_hash=hash_secret(raw), accepted_at__isnull=True, revoked_at__isnull=True,
                    expires_at__gt=timezone.now())
            .first()
        )


@transaction.atomic
def portal_access_accept(*, access: ClientAccess, user: User) -> Membership:
    """The invited contact signs in: they get a client membership tied to this one client."""
    if user.email.lower() != access.email.lower():
        raise ValidationError(f"This invitation was sent to {access.email}; sign in with that address.")
    msp = access.msp
    with tenant_scope(msp), history(user):
        locked = ClientAccess.objects.select_for_update().get(pk=access.pk)
        if locked.accepted_at or locked.revoked_at or locked.expires_at <= timezone.now():
            raise ValidationError("This invitation is no longer valid.")
        membership = Membership.objects.filter(msp=msp, user=user, removed_at__isnull=True).first()
        if membership and membership.role != Role.CLIENT:
            raise ValidationError("You are on this MSP's staff; staff accounts cannot be portal users.")
        if ClientAccess.objects.filter(user=user, accepted_at__isnull=False, revoked_at__isnull=True) \
                .exclude(client=locked.client).exists():
            raise ValidationError("This account already has portal access for another client of this MSP.")
        if membership is None:
            membership = Membership.objects.create(msp=msp, user=user, role=Role.CLIENT)
        locked.user = user
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["user", "accepted_at", "updated_at"])
    return membership


@transaction.atomic
def portal_access_revoke(*, access: ClientAccess, actor: User) -> ClientAccess:
    """Revoke portal access; the client membership goes when the user has no other live access."""
    with history(actor):
        if access.revoked_at is None:
            access.revoked_at = timezone.now()
            access.save(update_fields=["revoked_at", "updated_at"])
        if access.user_id and not ClientAccess.objects.filter(user_id=access.user_id, revoked_at__isnull=True,
                                                               accepted_at__isnull=False).exists():
            Membership.objects.filter(msp=access.msp, user_id=access.user_id, role=Role.CLIENT,
                                      removed_at__isnull=True).update(removed_at=timezone.now())
    return access
