"""`CreateFinalModels`: the operation the squashed migrations are made of (bin/squash_migrations.py).

Applying a migration costs far more in Django's model state than in the database: once the state's
model classes exist, every operation re-renders the model it touches and every model related to it, and
here nearly every model is related to the tenant and the user. This operation applies its inner
operations to the state with the classes dropped, so they are rendered once afterwards, and then creates
each model's final table (its fields, indexes, constraints and many-to-many tables, exactly as Django
would for that state) and installs the model's triggers.

That is only the same as running the inner operations one by one when every one of them concerns a model
the batch itself creates, so the operation refuses anything else.
"""

from __future__ import annotations

import pgtrigger.migrations
from django.db import migrations
from django.db.migrations.operations.base import Operation

# Operations whose whole effect is in the final state of a model the batch creates.
_MODEL_OPERATIONS = (
    migrations.AddField, migrations.AlterField, migrations.RemoveField, migrations.AddIndex,
    migrations.AddConstraint, migrations.AlterModelOptions, migrations.AlterModelManagers,
    pgtrigger.migrations.AddTrigger, pgtrigger.migrations.RemoveTrigger,
)


class CreateFinalModels(Operation):
    """Create the models of `operations` (CreateModel plus later changes to those same models) in their
    final state, in one step. Reversible: drops the tables."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, operations: list[Operation]):
        self.operations = operations
        created = [op.name_lower for op in operations if isinstance(op, migrations.CreateModel)]
        for op in operations:
            if isinstance(op, migrations.CreateModel):
                continue
            if not isinstance(op, _MODEL_OPERATIONS) or op.model_name_lower not in created:
                raise ValueError(f"CreateFinalModels only takes changes to the models it creates, not {op!r}")
        self.model_names = created

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"operations": self.operations})

    def state_forwards(self, app_label, state) -> None:
        # Without rendered classes the state changes are plain bookkeeping; the classes are rendered
        # again, once, when the database step (or the next migration) asks for them.
        state.__dict__.pop("apps", None)
        for op in self.operations:
            op.state_forwards(app_label, state)

    def _models(self, app_label, state):
        return [state.apps.get_model(app_label, name) for name in self.model_names]

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        alias = schema_editor.connection.alias
        models = [m for m in self._models(app_label, to_state) if self.allow_migrate_model(alias, m)]
        for model in models:
            schema_editor.create_model(model)
        for model in models:
            for trigger in to_state.models[app_label, model._meta.model_name].options.get("triggers", []):
                pgtrigger.migrations._add_trigger(schema_editor, model, trigger)  # as AddTrigger does

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        alias = schema_editor.connection.alias
        for model in reversed(self._models(app_label, from_state)):
            if self.allow_migrate_model(alias, model):
                schema_editor.delete_model(model)

    def describe(self) -> str:
        return f"Create {len(self.model_names)} models in their final state"

    @property
    def migration_name_fragment(self) -> str:
        return "final_models"
