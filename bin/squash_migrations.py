"""Write one squashed migration per project app (`python bin/squash_migrations.py [app ...]`).

`manage.py squashmigrations` cannot optimise across the operations that change no model state (row-level
security, triggers, the data copies of the through-model migrations), so its output keeps almost every
step. A fresh database is the only one a squash ever runs on (Django uses the originals wherever one of them
is applied), so here the model operations are optimised on their own, the triggers each model ends up with
are installed once after them, and the row-level security policies come last. The data copies are left out:
on a fresh database they copy nothing. The originals stay, listed in `replaces`, so existing databases
upgrade through them. docs/decisions.md ("Squashed migrations") says why and how to check the result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msp.settings")

import django  # noqa: E402

django.setup()

import pgtrigger.migrations  # noqa: E402
from django.db import migrations  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.db.migrations.optimizer import MigrationOptimizer  # noqa: E402
from django.db.migrations.writer import MigrationWriter  # noqa: E402

from msp.migration_ops import CreateFinalModels  # noqa: E402
from msp.rls import EnableTenantRls  # noqa: E402

APPS = ("msp", "clients", "standards", "alignment", "roadmaps", "budgets", "meetings", "surveys", "playbook")


def _chain(loader: MigrationLoader, app: str) -> list:
    """The app's original migrations in order (each app's history is linear)."""
    names = sorted(name for (label, name), m in loader.disk_migrations.items()
                   if label == app and not m.replaces)
    return [loader.disk_migrations[app, name] for name in names]


def squash(loader: MigrationLoader, app: str) -> Path:
    originals = _chain(loader, app)
    model_ops, triggers, rls = [], {}, []
    for migration in originals:
        for op in migration.operations:
            if isinstance(op, EnableTenantRls):
                rls.append(op.table)
            elif isinstance(op, pgtrigger.migrations.AddTrigger):
                triggers[op.model_name.lower(), op.trigger.name] = op.trigger
            elif isinstance(op, pgtrigger.migrations.RemoveTrigger):
                triggers.pop((op.model_name.lower(), op.name), None)
            elif isinstance(op, migrations.RunSQL | migrations.RunPython):
                if not (isinstance(op, migrations.RunSQL) and op.sql.lstrip().upper().startswith("INSERT")):
                    raise SystemExit(f"{app}.{migration.name}: only data copies may be left out ({op!r})")
            elif isinstance(op, migrations.DeleteModel | migrations.RenameModel):
                raise SystemExit(f"{app}.{migration.name}: {op!r} would need its triggers moved")
            else:
                model_ops.append(op)
    model_ops = MigrationOptimizer().optimize(model_ops, app)
    model_ops += [pgtrigger.migrations.AddTrigger(model_name=model, trigger=trigger)
                  for (model, _), trigger in triggers.items()]
    operations = [CreateFinalModels(model_ops)] + [EnableTenantRls(table) for table in dict.fromkeys(rls)]
    dependencies = []
    for migration in originals:
        for dep in migration.dependencies:
            if dep[0] != app and dep not in dependencies:
                dependencies.append(dep)
    first, last = originals[0].name, originals[-1].name
    name = f"{first[:4]}_squashed_{last}"
    squashed = type("Migration", (migrations.Migration,), {
        "dependencies": dependencies, "operations": operations,
        "replaces": [(app, m.name) for m in originals]})(name, app)
    writer = MigrationWriter(squashed)
    path = Path(writer.path)
    path.write_text(writer.as_string())
    print(f"{app}: {len(originals)} migrations, {sum(len(m.operations) for m in originals)} operations "
          f"-> {path.name}: {len(model_ops)} model operations in one step, {len(rls)} policies")
    return path


def main(argv: list[str]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app in argv or APPS:
        squash(loader, app)


if __name__ == "__main__":
    main(sys.argv[1:])
