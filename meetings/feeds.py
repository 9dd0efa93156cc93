"""Calendar feeds: a client's meetings over the API, and each staff member's private subscription address.

Both are built by `meetings.ics.feed_ics` (published events, no METHOD, no attendees or RSVP, with
REFRESH-INTERVAL and X-PUBLISHED-TTL). A feed reaches back `FEED_PAST` and forward to the last planned
meeting; cancelled meetings are left out, so a calendar that polls the feed drops them.

The private address is `/calendar/<key>.ics`, where the key is `<msp id>.<secret>`: the route is public
(a calendar application sends no cookie), the MSP named in the key opens both tenancy walls for that one
lookup, and only the SHA-256 digest of the whole key is stored. An unknown, revoked or malformed key, or a
key whose owner is no longer on the MSP's staff, gets the same 404. The address reads one calendar and
nothing else: it never signs anyone in.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from clients.models import Client
from msp.models import Membership, Msp, User, hash_secret, new_secret
from msp.roles import is_staff_role
from msp.tenancy import history, tenant_scope

from .choices import MeetingStatus
from .ics import feed_ics
from .models import CalendarFeed, Meeting

# How far back a feed reaches: the last half-year of meetings stays visible in the calendar.
FEED_PAST = timedelta(days=183)
KEY_SEPARATOR = "."
PREFIX_LENGTH = 8


def _feed_meetings(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    since = timezone.now() - FEED_PAST
    return queryset.filter(starts_at__gte=since).exclude(status=MeetingStatus.CANCELLED).order_by("starts_at")


def client_feed_meetings(*, client: Client) -> QuerySet[Meeting]:
    """The client's meetings a feed shows."""
    return _feed_meetings(Meeting.objects.filter(client=client))


def user_feed_meetings(*, user: User) -> QuerySet[Meeting]:
    """A staff member's meetings a feed shows: those they lead and the steering meetings they attend as TAM."""
    return _feed_meetings(Meeting.objects.filter(Q(organizer=user) | Q(tam=user)))


def meeting_ics(*, meeting: Meeting) -> bytes:
    """One meeting as a file to add to a calendar: the feed's form (published, no attendees or RSVP)
    with the invitation's UID, so it updates the invited event rather than adding a second one."""
    return feed_ics(meetings=[meeting], name=meeting.title)


def client_feed_ics(*, client: Client) -> bytes:
    return feed_ics(meetings=client_feed_meetings(client=client), name=f"{client.name}: meetings")


def calendar_feed_active(*, user: User) -> CalendarFeed | None:
    """The person's live calendar address in the current MSP, if any."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def calendar_feed_create(*, msp: Msp, user: User, actor: User | None) -> tuple[CalendarFeed, str]:
    """A new private address for `user`; the one they had stops working. Returns the feed and its key,
    which is shown once and never stored."""
    with history(actor):
        for old in CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
            old.revoked_at = timezone.now()
            old.save(update_fields=["revoked_at", "updated_at"])
        secret = new_secret()
        key = f"{msp.pk}{KEY_SEPARATOR}{secret}"
        feed = CalendarFeed(msp=msp, user=user, prefix=secret[:PREFIX_LENGTH], key_hash=hash_secret(key))
        feed.full_clean()
        feed.save()
    return feed, key


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, actor: User | None) -> CalendarFeed:
    """Stop the address for good (calendars subscribed to it get 404 from now on)."""
    if feed.revoked_at is not None:
        raise ValidationError("This calendar address is already revoked.")
    with history(actor):
        feed.revoked_at = timezone.now()
        feed.full_clean()
        feed.save(update_fields=["revoked_at", "updated_at"])
    return feed


def _msp_of_key(key: str) -> Msp | None:
    msp_id, sep, secret = key.partition(KEY_SEPARATOR)
    if not sep or not secret:
        return None
    try:
        return Msp.objects.filter(pk=uuid.UUID(msp_id)).first()
    except ValueError:
        return None


def calendar_feed_ics(*, key: str) -> bytes | None:
    """The calendar behind a private address, or None when the key opens nothing (unknown, revoked, or its
    owner no longer on the MSP's staff). Records when the address was last fetched."""
    msp = _msp_of_key(key)
    if msp is None:
        return None
    with tenant_scope(msp):
        feed = (CalendarFeed.objects.select_related("user")
                .filter(key_hash=hash_secret(key), revoked_at__isnull=True).first())
        if feed is None or not feed.user.is_active:
            return None
        member = Membership.objects.filter(msp=msp, user=feed.user, removed_at__isnull=True).first()
        if member is None or not is_staff_role(member.role):
            return None
        # A queryset update: neither `updated_at` nor the history changes for a fetch.
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
        return feed_ics(meetings=user_feed_meetings(user=feed.user),
                        name=f"{feed.user.display_name}: meetings ({msp.name})")
