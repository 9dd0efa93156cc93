"""The one role -> permission matrix. Pages, the API and menus all ask `can()`."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    VCIO = "vcio", "vCIO"
    TAM = "tam", "TAM"
    VIEWER = "viewer", "Viewer"
    CLIENT = "client", "Client (portal)"


STAFF_ROLES = (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER)


class Perm:
    """Permission names. Each is a capability a page or an API route needs."""

    VIEW_CLIENTS = "clients.view"
    EDIT_CLIENTS = "clients.edit"  # create and edit clients, contacts, objectives
    ARCHIVE_CLIENTS = "clients.archive"
    EDIT_ASSETS = "assets.edit"  # assets and the asset CSV import
    MANAGE_PORTAL = "portal.manage"  # grant and revoke client portal access
    MANAGE_MEMBERS = "members.manage"
    MANAGE_SETTINGS = "settings.manage"
    VIEW_AUDIT_LOG = "audit.view"  # the MSP's change history across every record (owners only)
    USE_API = "api.use"
    USE_STAFF_AREA = "staff.area"  # the signed-in staff member's own corner: jobs, notifications
    USE_PORTAL = "portal.use"
    # Standards library: every staff role reads it; owner, vCIO and TAM maintain it.
    VIEW_STANDARDS = "standards.view"
    EDIT_STANDARDS = "standards.edit"  # standards, categories, frameworks, CSV import, starter library, mark reviewed
    # Alignment reviews (reading them needs only VIEW_CLIENTS).
    SCHEDULE_REVIEWS = "reviews.schedule"  # schedule and cancel reviews
    ANSWER_REVIEWS = "reviews.answer"  # answer, add evidence, mark a category N/A, complete
    SUMMARIZE_REVIEWS = "reviews.summarize"  # write the technology summary and mark it completed
    EDIT_RECOMMENDATIONS = "recommendations.edit"  # turn findings into recommendations
    # Budgets (reading them needs only VIEW_CLIENTS).
    EDIT_BUDGETS = "budgets.edit"  # budget lines, presenting versions, accepting lifecycle suggestions
    # The playbook: a vCIO reads their own; owners and viewers read everyone's; the owner sets objectives.
    VIEW_PLAYBOOK = "playbook.view"
    VIEW_ALL_PLAYBOOKS = "playbook.view_all"
    SET_OBJECTIVES = "playbook.objectives"
    LOG_ESCALATIONS = "playbook.escalations"  # log and edit escalations
    # The owner's scorecard: a vCIO reads their own column; owners and viewers every column and the MSP's.
    VIEW_SCORECARD = "scorecard.view"
    VIEW_ALL_SCORECARD = "scorecard.view_all"
    ASSESS_PRACTICE = "scorecard.assess"  # the owner's yearly practice self-assessment
    # Roadmaps (reading them needs only VIEW_CLIENTS).
    EDIT_ROADMAPS = "roadmaps.edit"  # initiatives, moving them, lifecycle suggestions
    # The client survey (results and campaigns are read with VIEW_CLIENTS).
    MANAGE_SURVEYS = "surveys.manage"  # edit the survey's questions, plan and cancel campaigns


_STAFF_READ = {Perm.VIEW_CLIENTS, Perm.USE_API, Perm.VIEW_STANDARDS, Perm.USE_STAFF_AREA}

_REVIEW_LEAD = {Perm.SCHEDULE_REVIEWS, Perm.ANSWER_REVIEWS, Perm.SUMMARIZE_REVIEWS, Perm.EDIT_RECOMMENDATIONS}

MATRIX: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(
        _STAFF_READ
        | {
            Perm.EDIT_STANDARDS,
            Perm.EDIT_CLIENTS,
            Perm.ARCHIVE_CLIENTS,
            Perm.EDIT_ASSETS,
            Perm.MANAGE_PORTAL,
            Perm.MANAGE_MEMBERS,
            Perm.MANAGE_SETTINGS,
            Perm.VIEW_AUDIT_LOG,
            Perm.EDIT_BUDGETS,
            Perm.VIEW_PLAYBOOK,
            Perm.VIEW_ALL_PLAYBOOKS,
            Perm.SET_OBJECTIVES,
            Perm.LOG_ESCALATIONS,
            Perm.MANAGE_SURVEYS,
            Perm.VIEW_SCORECARD,
            Perm.VIEW_ALL_SCORECARD,
            Perm.ASSESS_PRACTICE,
        }
        | _REVIEW_LEAD
        | {Perm.EDIT_ROADMAPS}
    ),
    Role.VCIO: frozenset(
        _STAFF_READ | {Perm.EDIT_CLIENTS, Perm.ARCHIVE_CLIENTS, Perm.EDIT_ASSETS, Perm.MANAGE_PORTAL,
                       Perm.EDIT_STANDARDS, Perm.EDIT_ROADMAPS, Perm.EDIT_BUDGETS, Perm.VIEW_PLAYBOOK,
                       Perm.LOG_ESCALATIONS, Perm.VIEW_SCORECARD}
        | _REVIEW_LEAD
    ),
    Role.TAM: frozenset(_STAFF_READ | {Perm.EDIT_ASSETS, Perm.EDIT_STANDARDS, Perm.LOG_ESCALATIONS}
                        | {Perm.ANSWER_REVIEWS}),
    Role.VIEWER: frozenset(_STAFF_READ | {Perm.VIEW_PLAYBOOK, Perm.VIEW_ALL_PLAYBOOKS, Perm.VIEW_SCORECARD,
                                          Perm.VIEW_ALL_SCORECARD}),
    Role.CLIENT: frozenset({Perm.USE_PORTAL}),
}


def can(role: str | None, perm: str) -> bool:
    """True when `role` holds `perm`. An unknown or missing role holds nothing."""
    return perm in MATRIX.get(role or "", frozenset())


def is_staff_role(role: str | None) -> bool:
    return role in STAFF_ROLES
