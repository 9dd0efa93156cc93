"""Create a personal API token for a staff member from the command line (scripts, first setup)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from msp.models import Membership, User
from msp.roles import STAFF_ROLES
from msp.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token acting as EMAIL in one of their MSPs. The raw token is printed once, "
        "on the last line of the output; only its digest is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Email address of a staff member (owner, vCIO, TAM or viewer).")
        parser.add_argument("--msp", dest="slug", help="Slug of the MSP; needed when the user belongs to several.")
        parser.add_argument("--name", default="Command line", help="What will use the token (default: %(default)s).")

    def handle(self, *args, email: str, slug: str | None, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated; their tokens would not work.")
        memberships = (
            Membership.objects.filter(user=user, removed_at__isnull=True, role__in=STAFF_ROLES)
            .select_related("msp")
            .order_by("msp__slug")
        )
        if slug:
            memberships = memberships.filter(msp__slug=slug)
        found = list(memberships)
        if not found:
            where = f" of the MSP “{slug}”" if slug else " of any MSP"
            raise CommandError(f"{user.email} is not an active staff member{where}.")
        if len(found) > 1:
            slugs = ", ".join(m.msp.slug for m in found)
            raise CommandError(f"{user.email} belongs to several MSPs ({slugs}); choose one with --msp SLUG.")
        membership = found[0]
        try:
            token, raw = api_token_create(membership=membership, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created token “{token.name}” ({token.prefix}…) for {user.email} as "
            f"{membership.get_role_display()} in {membership.msp.name}. Store it now; it is not shown again:"
        )
        self.stdout.write(raw)
