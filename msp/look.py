"""One visual language: what colour and icon each status has, and the red/amber/green rule for scores.

Pages (through the `status_badge`, `score_band` and `rating_badge` template tags in msp/templatetags/ui.py),
the client PDFs (reports/base.html carries the same classes) and the charts all read this module, so a
status looks the same everywhere: proposed is amber on the roadmap, the budget, the portal and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings


@dataclass(frozen=True)
class Tone:
    """A colour family: the Bootstrap badge class on pages, and the same colours for PDFs and charts."""

    name: str
    badge: str  # Bootstrap classes of the badge
    fill: str  # background colour (hex) for PDFs and charts
    ink: str  # text colour on that background


TONES = {t.name: t for t in [
    Tone("idea", "text-bg-light border", "#ced4da", "#212529"),  # not yet put to anyone
    Tone("waiting", "text-bg-warning", "#ffc107", "#000000"),  # awaiting the client's decision
    Tone("planned", "text-bg-info", "#0dcaf0", "#000000"),  # agreed and on the calendar
    Tone("active", "text-bg-primary", "#0d6efd", "#ffffff"),  # under way
    Tone("good", "text-bg-success", "#198754", "#ffffff"),  # approved, held, answered
    Tone("done", "text-bg-dark", "#212529", "#ffffff"),  # finished
    Tone("bad", "text-bg-danger", "#dc3545", "#ffffff"),  # declined, missed, failed
    Tone("muted", "text-bg-secondary", "#6c757d", "#ffffff"),  # cancelled, dropped, retired
]}

# Every status word the product uses (the TextChoices values of every app), with its tone and icon
# (Bootstrap Icons). A word means the same in every place it appears.
STATUSES: dict[str, tuple[str, str]] = {
    "idea": ("idea", "lightbulb"),
    "onboarding": ("idea", "person-plus"),
    "proposed": ("waiting", "hourglass-split"),
    "open": ("waiting", "circle"),
    "invited": ("waiting", "envelope"),
    "scheduled": ("planned", "calendar-event"),
    "planned": ("planned", "calendar-event"),
    "queued": ("planned", "clock"),
    "sent": ("planned", "send"),
    "in_progress": ("active", "arrow-repeat"),
    "running": ("active", "arrow-repeat"),
    "approved": ("good", "check-circle"),
    "active": ("good", "check-circle"),
    "in_service": ("good", "check-circle"),
    "answered": ("good", "check-circle"),
    "held": ("good", "check-circle"),
    "done": ("done", "check2-all"),
    "completed": ("done", "check2-all"),
    "achieved": ("done", "check2-all"),
    "succeeded": ("done", "check2-all"),
    "closed": ("done", "check2-all"),
    "declined": ("bad", "x-circle"),
    "missed": ("bad", "exclamation-circle"),
    "failed": ("bad", "x-circle"),
    "churned": ("bad", "box-arrow-right"),
    "expired": ("bad", "clock-history"),
    "cancelled": ("muted", "slash-circle"),
    "dismissed": ("muted", "slash-circle"),
    "dropped": ("muted", "slash-circle"),
    "retired": ("muted", "archive"),
    "revoked": ("muted", "slash-circle"),
    "spare": ("muted", "box"),
    "archived": ("muted", "archive"),
}
UNKNOWN = ("muted", "question-circle")


def status_look(status: str) -> tuple[Tone, str]:
    """(tone, icon) of a status word; an unknown word is muted with a question mark, never an error."""
    tone, icon = STATUSES.get(status, UNKNOWN)
    return TONES[tone], icon


# --- scores: red, amber, green --------------------------------------------------------------------------

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
BAND_LABELS = {GREEN: "Good", AMBER: "Fair", RED: "Needs attention", NONE: "No score"}
BAND_TONES = {GREEN: "good", AMBER: "waiting", RED: "bad", NONE: "muted"}
# Text colours for a score on a white page or PDF; each reads at 4.5:1 or more on white.
BAND_INK = {GREEN: "#146c43", AMBER: "#8a5a00", RED: "#b02a37", NONE: "#495057"}


def band_badge(band: str) -> str:
    """The badge classes of a red/amber/green band or scorecard rating."""
    return TONES[BAND_TONES.get(band, "muted")].badge


def score_band(value) -> str:
    """The band of a 0-100 score: green from settings.SCORE_BANDS["green"], amber from ["amber"], red below;
    "none" for no score."""
    if value is None or value == "":
        return NONE
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return NONE
    bands = settings.SCORE_BANDS
    if number >= bands["green"]:
        return GREEN
    if number >= bands["amber"]:
        return AMBER
    return RED
