"""The client's business profile: what the vCIO knows of the business behind the technology.

A vCIO plans technology for a business, so they keep its revenue, where the money comes from, what sells
best, the sales goals, the size of a typical customer and the market position. A profile counts as
**current** when every part is filled and it was reviewed with the client in the last 12 months; the
owner's scorecard measures the share of clients whose profile is current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Client

PROFILE_FIELDS = ("annual_revenue", "revenue_streams", "most_profitable_stream", "sales_goals",
                  "average_customer_size", "market_position")
REVIEW_VALID_FOR = timedelta(days=365)


@dataclass(frozen=True)
class ProfileStatus:
    filled: int  # parts filled in
    total: int
    reviewed_at: datetime | None
    reviewed_recently: bool

    @property
    def complete(self) -> bool:
        return self.filled == self.total

    @property
    def current(self) -> bool:
        return self.complete and self.reviewed_recently

    @property
    def words(self) -> str:
        if self.current:
            return "Current: complete and reviewed in the last 12 months."
        missing = self.total - self.filled
        parts = []
        if missing:
            parts.append(f"{missing} of {self.total} parts still to fill in")
        if self.reviewed_at is None:
            parts.append("never reviewed with the client")
        elif not self.reviewed_recently:
            parts.append("last reviewed more than 12 months ago")
        return "Not current: " + "; ".join(parts) + "."


def _is_filled(client: Client, name: str) -> bool:
    value = getattr(client, name)
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def profile_status(client: Client, *, now: datetime | None = None) -> ProfileStatus:
    now = now or timezone.now()
    reviewed = client.profile_reviewed_at
    return ProfileStatus(filled=sum(_is_filled(client, n) for n in PROFILE_FIELDS), total=len(PROFILE_FIELDS),
                         reviewed_at=reviewed,
                         reviewed_recently=reviewed is not None and reviewed >= now - REVIEW_VALID_FOR)


def current_profile_filter(*, now: datetime | None = None, prefix: str = "") -> Q:
    """The clients (or rows reaching a client through `prefix`, e.g. "client__") whose profile is current,
    as one filter for aggregate queries."""
    now = now or timezone.now()
    q = Q(**{f"{prefix}annual_revenue__isnull": False, f"{prefix}profile_reviewed_at__gte": now - REVIEW_VALID_FOR})
    for name in PROFILE_FIELDS[1:]:
        q &= ~Q(**{f"{prefix}{name}": ""})
    return q
