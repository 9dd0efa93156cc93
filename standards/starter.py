"""The starter library: a new MSP loads a ready set of categories, frameworks and standards in one click.

The content lives in `standards/starter_data.py` (module-level `FRAMEWORKS = [(code, name), ...]` and
`CATEGORIES = [{"name", "description", "standards": [{"name", "question", "why", "how", "reference_url",
"priority", "frequency", "tags": [...], "frameworks": [codes]}]}]`). Loading is idempotent: what already
exists by name (frameworks by code, ignoring letter case) is left as it is, so loading twice adds nothing
and an MSP that edited a starter standard keeps its edits.
"""

from __future__ import annotations

import importlib

from django.db import transaction
from django_scopes import scope

from msp.models import Msp, User

from . import services
from .choices import StandardStatus
from .models import Category, Framework, Standard


def starter_data():
    """The starter content module (looked up on each call, so tests can swap it)."""
    return importlib.import_module("standards.starter_data")


def starter_summary() -> dict | None:
    """{"categories": n, "standards": n} of the starter content, or None when there is none."""
    try:
        data = starter_data()
    except ModuleNotFoundError as exc:
        if exc.name != "standards.starter_data":
            raise
        return None
    standards = sum(len(c.get("standards", [])) for c in data.CATEGORIES)
    return {"categories": len(data.CATEGORIES), "standards": standards} if standards else None


@transaction.atomic
def starter_library_load(*, msp: Msp, actor: User | None) -> dict:
    """Load the starter library into `msp`'s library; returns how many of each were created:
    {"frameworks": n, "categories": n, "standards": n}.

    Skips frameworks (by code), categories and standards (by name) that already exist. The standards of
    an existing category that is archived are skipped too: the MSP put that chapter away on purpose.
    Opens the MSP's tenant scope itself, so it can be called from a request, a task or a command.
    """
    data = starter_data()
    created = {"frameworks": 0, "categories": 0, "standards": 0}
    with scope(msp=msp):
        frameworks = {fw.code.lower(): fw for fw in Framework.objects.filter(msp=msp)}
        for code, name in data.FRAMEWORKS:
            if code.lower() not in frameworks:
                frameworks[code.lower()] = services.framework_create(msp=msp, actor=actor, code=code, name=name)
                created["frameworks"] += 1
        categories = {c.name.lower(): c for c in Category.objects.filter(msp=msp)}
        existing = {name.lower() for name in Standard.objects.filter(msp=msp).values_list("name", flat=True)}
        for entry in data.CATEGORIES:
            category = categories.get(entry["name"].lower())
            if category is None:
                category = services.category_create(msp=msp, actor=actor, name=entry["name"],
                                                    description=entry.get("description", ""))
                categories[category.name.lower()] = category
                created["categories"] += 1
            elif category.archived_at is not None:
                continue
            for item in entry.get("standards", []):
                if item["name"].lower() in existing:
                    continue
                mapped = []
                for code in item.get("frameworks", []):
                    if code.lower() not in frameworks:
                        frameworks[code.lower()] = services.framework_create(msp=msp, actor=actor, code=code)
                        created["frameworks"] += 1
                    mapped.append(frameworks[code.lower()])
                services.standard_create(
                    msp=msp, actor=actor, category=category, name=item["name"], question=item["question"],
                    why=item["why"], how=item["how"], reference_url=item.get("reference_url", ""),
                    priority=item.get("priority"), frequency=item.get("frequency"), tags=item.get("tags", []),
                    frameworks=mapped, status=StandardStatus.ACTIVE,
                )
                existing.add(item["name"].lower())
                created["standards"] += 1
    return created
