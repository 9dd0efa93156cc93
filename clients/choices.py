"""Status and kind choices of the clients app."""

from django.db import models


class ClientStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    CHURNED = "churned", "Churned"


class ObjectiveStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class AssetKind(models.TextChoices):
    WORKSTATION = "workstation", "Workstation"
    LAPTOP = "laptop", "Laptop"
    SERVER = "server", "Server"
    FIREWALL = "firewall", "Firewall"
    SWITCH = "switch", "Switch"
    ROUTER = "router", "Router"
    WIRELESS = "wireless", "Wireless access point"
    STORAGE = "storage", "Storage / NAS"
    UPS = "ups", "UPS / power"
    PRINTER = "printer", "Printer"
    PHONE = "phone", "Phone system"
    SOFTWARE = "software", "Software licence"
    CLOUD = "cloud", "Cloud service"
    OTHER = "other", "Other"


class AssetStatus(models.TextChoices):
    IN_SERVICE = "in_service", "In service"
    SPARE = "spare", "Spare"
    RETIRED = "retired", "Retired"


class DocumentKind(models.TextChoices):
    ALIGNMENT_REPORT = "alignment_report", "Alignment report"
    ROADMAP = "roadmap", "Roadmap and budget"
    QBR_REPORT = "qbr_report", "Business review report"
    QBR_DECK = "qbr_deck", "Business review deck (PowerPoint)"
    OTHER = "other", "Other"
