"""The isolation harness's world: built once per test (a test walks everything in one go)."""

import pytest

from .world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
