"""The squashed migrations (bin/squash_migrations.py) describe exactly the models of the originals.

The test database itself is built through the squashes (a fresh database), so the row-level security,
trigger and model checks of the other tests run against their result; here the model state they leave is
compared with the state the original migrations leave, model by model.
"""

from __future__ import annotations

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter

from msp.migration_ops import CreateFinalModels

SQUASHED_APPS = {"msp", "clients", "standards", "alignment", "roadmaps", "budgets", "meetings", "surveys",
                 "playbook"}


def _written(field) -> str:
    return MigrationWriter.serialize(field)[0]


def _columns(model_state) -> list[str]:
    """The fields that are columns, in table order (many-to-many fields are tables of their own)."""
    return [name for name, field in model_state.fields.items() if not field.many_to_many]


def _options(model_state) -> dict:
    """The options, with indexes, constraints and triggers by name (their order means nothing)."""
    named = ("indexes", "constraints", "triggers")
    options = {k: v for k, v in model_state.options.items() if k not in named}
    for key in named:
        options[key] = {item.name: _written(item) for item in model_state.options.get(key, [])}
    return options


def _state(*, squashed: bool):
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=squashed)
    return loader, loader.project_state()


def test_squashes_replace_every_original_and_leave_the_same_models():
    loader, squashed = _state(squashed=True)
    _, originals = _state(squashed=False)
    squashes = {key: m for key, m in loader.disk_migrations.items() if m.replaces}
    assert {app for app, _ in squashes} == SQUASHED_APPS
    for (app, _), migration in squashes.items():
        chain = sorted(name for (label, name), m in loader.disk_migrations.items() if label == app
                       and not m.replaces)
        replaced = [name for _, name in migration.replaces]
        assert replaced == chain[:len(replaced)], app  # a prefix: later migrations apply after it
        assert isinstance(migration.operations[0], CreateFinalModels)
    assert sorted(squashed.models) == sorted(originals.models)
    for key, model_state in originals.models.items():
        other = squashed.models[key]
        assert _columns(other) == _columns(model_state), key
        assert sorted(other.fields) == sorted(model_state.fields), key
        for name, field in model_state.fields.items():  # as written in a migration (nested fields too)
            assert _written(other.fields[name]) == _written(field), (key, name)
        assert _options(other) == _options(model_state), key
        assert (other.bases, other.managers) == (model_state.bases, model_state.managers), key


def test_a_batch_refuses_a_change_to_a_model_it_does_not_create():
    with pytest.raises(ValueError, match="only takes changes to the models it creates"):
        CreateFinalModels([migrations.AddField("client", "x", models.IntegerField(default=0))])
