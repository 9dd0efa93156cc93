"""Demo data of meetings: the demo MSP's next 12 months, planned by the scheduler (no emails sent)."""

from __future__ import annotations

from clients.demo import Tally
from msp.models import Msp

from .choices import MeetingStatus
from .models import Meeting
from .scheduling import meetings_schedule


def demo_meetings_seed(tally: Tally, *, msp: Msp) -> None:
    """Run the scheduler for `msp`; what it plans counts as created, the meetings already there as found."""
    summary = meetings_schedule(msp=msp, send_invitations=False)
    created = len(summary.created)
    tally.created["meetings"] += created
    tally.existing["meetings"] += Meeting.objects.exclude(status=MeetingStatus.CANCELLED).count() - created
