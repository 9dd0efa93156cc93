"""Demo data of the playbook: this year's objectives for each demo vCIO, and escalations they logged."""

from __future__ import annotations

from datetime import date, timedelta

from clients.demo import Tally
from clients.models import Client
from msp.models import Msp, User

from .choices import DEFAULT_OBJECTIVES, EscalationSource
from .models import Escalation, Objective
from .services import escalation_create, objectives_set

# A vCIO with a lighter book of clients aims a little lower on touches and meetings.
LIGHTER = {"touches": 416, "meetings": 208}
ESCALATIONS = [
    (9, "Backups failed three nights in a row", EscalationSource.MONITORING),
    (23, "Email delivery delays for the front desk", EscalationSource.TICKET),
    (41, "Firewall licence about to lapse", EscalationSource.EMAIL),
    (58, "Practice manager unhappy with ticket response times", EscalationSource.CALL),
    (76, "Ransomware alert on a reception PC (contained)", EscalationSource.MONITORING),
    (95, "Phone system outage after the ISP change", EscalationSource.TICKET),
]


def demo_playbook_seed(tally: Tally, *, msp: Msp, vcios: list[User], today: date, actor: User) -> None:
    for n, vcio in enumerate(vcios):
        annual = {a.value: v for a, v in DEFAULT_OBJECTIVES.items()} | (LIGHTER if n else {})
        # Set once: a later run (in a later year too) leaves the objectives the owner may have changed.
        if Objective.objects.filter(vcio=vcio).exists():
            tally.existing["objectives (playbook)"] += len(annual)
        else:
            objectives_set(msp=msp, vcio=vcio, year=today.year, actor=actor, annual=annual)
            tally.created["objectives (playbook)"] += len(annual)
        clients = list(Client.objects.filter(vcio=vcio, archived_at__isnull=True).order_by("name"))
        for i, (days_ago, summary, source) in enumerate(ESCALATIONS[n::2] if n else ESCALATIONS):
            if not clients:
                break
            client = clients[i % len(clients)]
            tally.ensure("escalations", Escalation.objects.filter(client=client, summary=summary).first(),
                         lambda c=client, v=vcio, s=summary, d=days_ago, src=source: escalation_create(
                             client=c, actor=v, vcio=v, occurred_on=today - timedelta(days=d), summary=s,
                             source=src))
