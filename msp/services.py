"""Writes of the tenancy core: workspaces, memberships, invitations and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .brand import CleanLogo, accent_clean
from .models import ApiToken, Invitation, Membership, Msp, User, hash_secret, new_secret
from .roles import Role
from .tasks import send_email
from .tenancy import bump_version, check_version, delay_on_commit, history

INVITATION_DAYS = 14


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "msp"
    slug, n = base, 2
    while Msp.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def msp_create(*, name: str, owner: User, slug: str | None = None, currency: str = "USD",
               time_zone: str = "UTC", fiscal_year_start_month: int = 1, mfa_required: bool = True) -> Msp:
    """A new workspace with `owner` as its first owner (two-factor sign-in required unless told otherwise)."""
    with history(owner):
        msp = Msp(name=name.strip(), slug=slug or _unique_slug(name), currency=currency,
                  time_zone=time_zone, fiscal_year_start_month=fiscal_year_start_month, mfa_required=mfa_required)
        msp.full_clean()
        msp.save()
        Membership.objects.create(msp=msp, user=owner, role=Role.OWNER)
    return msp


@transaction.atomic
def msp_update(*, msp: Msp, actor: User, expected_version: int | None = None, logo: CleanLogo | None = None,
               remove_logo: bool = False, **fields) -> Msp:
    """Change the MSP's settings. `logo` (already checked by msp.brand.logo_clean) replaces the logo;
    `remove_logo` takes it away. The history records who changed what (the logo by its checksum)."""
    if "accent_color" in fields:
        fields["accent_color"] = accent_clean(fields["accent_color"])
    with history(actor):
        check_version(msp, expected_version)
        for key, value in fields.items():
            setattr(msp, key, value)
        if logo is not None:
            msp.logo_png, msp.logo_width, msp.logo_height, msp.logo_sha256 = (
                logo.png, logo.width, logo.height, logo.sha256)
        elif remove_logo:
            msp.logo_png, msp.logo_width, msp.logo_height, msp.logo_sha256 = None, None, None, ""
        bump_version(msp)
        msp.full_clean()
        msp.save()
    return msp


def _lock_owners(msp: Msp) -> None:
    """Serialise changes to the owners, so two owners cannot demote or remove each other at once."""
    list(Membership.objects.select_for_update().filter(msp=msp, role=Role.OWNER, removed_at__isnull=True))


def _owners_left(msp: Msp, excluding: Membership) -> int:
    return (
        Membership.objects.filter(msp=msp, role=Role.OWNER, removed_at__isnull=True)
        .exclude(pk=excluding.pk)
        .count()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if role not in {r.value for r in Role if r != Role.CLIENT}:
        raise ValidationError({"role": "Choose owner, vCIO, TAM or viewer."})
    if membership.role == Role.CLIENT:
        raise ValidationError({"role": "Portal users are managed from their client's page."})
    _lock_owners(membership.msp)
    if membership.role == Role.OWNER and role != Role.OWNER and _owners_left(membership.msp, membership) == 0:
        raise ValidationError({"role": "An MSP needs at least one owner; make someone else owner first."})
    with history(actor):
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> Membership:
    """Remove a member: the row is kept (removed_at) and their API tokens stop working."""
    _lock_owners(membership.msp)
    if membership.role == Role.OWNER and _owners_left(membership.msp, membership) == 0:
        raise ValidationError("An MSP needs at least one owner; make someone else owner first.")
    with history(actor):
        membership.removed_at = timezone.now()
        membership.save(update_fields=["removed_at", "updated_at"])
        ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return membership


def queue_email(*, msp: Msp, to: str, subject: str, template: str, context: dict) -> None:
    """Send an email from a Celery worker once the transaction commits (context must be JSON)."""
    delay_on_commit(send_email, msp_id=str(msp.pk), to=to, subject=subject, template=template, context=context)


@transaction.atomic
def invitation_create(*, msp: Msp, email: str, role: str, actor: User) -> tuple[Invitation, str]:
    """Invite someone to the MSP's staff. Returns the invitation and the one-time link.

    Inviting a pending email again with the same role sends a new link (the old one stops working);
    with another role it is refused, so the role the first email named never changes silently."""
    email = email.strip().lower()
    if role not in {r.value for r in Role if r != Role.CLIENT}:
        raise ValidationError({"role": "Choose owner, vCIO, TAM or viewer."})
    if Membership.objects.filter(msp=msp, user__email__iexact=email, removed_at__isnull=True).exists():
        raise ValidationError({"email": f"{email} is already a member of {msp.name}."})
    pending = list(Invitation.objects.pending().select_for_update().filter(msp=msp, email=email))
    for earlier in pending:
        if earlier.role != role:
            # Inviting again with another role would quietly change what the first email promised.
            raise ValidationError({"role": (
                f"{email} already has a pending invitation as {earlier.get_role_display()}. Withdraw it "
                f"first to invite them as {Role(role).label}, or invite them as {earlier.get_role_display()} "
                "to send the link again.")})
    # The same invitation again: a fresh link replaces the old one, which stops working.
    Invitation.objects.filter(pk__in=[p.pk for p in pending]).update(revoked_at=timezone.now())
    raw = new_secret()
    with history(actor):
        invitation = Invitation(msp=msp, email=email, role=role, token_hash=hash_secret(raw), invited_by=actor,
                                expires_at=timezone.now() + timedelta(days=INVITATION_DAYS))
        invitation.full_clean()
        invitation.save()
    link = settings.SITE_URL + reverse("invitation_accept", args=[raw])
    queue_email(
        msp=msp, to=email, subject=f"You are invited to {msp.name} on vCIO",
        template="msp/email/invitation.txt",
        context={"msp_name": msp.name, "role": invitation.get_role_display(), "link": link,
                 "inviter": actor.display_name, "days": INVITATION_DAYS},
    )
    return invitation, link


def invitation_from_token(raw: str) -> Invitation | None:
    return Invitation.objects.pending().select_related("msp").filter(token_hash=hash_secret(raw)).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation was sent to {invitation.email}; sign in with that address.")
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at or locked.revoked_at or locked.expires_at <= timezone.now():
        raise ValidationError("This invitation is no longer valid.")
    with history(user):
        membership = Membership.objects.filter(msp=locked.msp, user=user, removed_at__isnull=True).first()
        if membership is None:
            membership = Membership.objects.create(msp=locked.msp, user=user, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    with history(actor):
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """A new personal token. The raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the tool that will use it."})
    if membership.removed_at is not None:
        raise ValidationError("This membership has been removed.")
    raw = "vcio_" + new_secret()
    token = ApiToken(membership=membership, name=name[:100], prefix=raw[:12], key_hash=hash_secret(raw))
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
