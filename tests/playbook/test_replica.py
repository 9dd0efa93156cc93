"""The owner's scorecard reads from the read replica when one is configured (msp/replica.py).

The replica here is a second connection to the test database (what a streaming replica would serve); the
test checks the scorecard's reads go there with the tenant set, so row-level security confines them as on
the primary, that the figures are the same as without a replica, and that reads outside the block and
every write stay on the primary.
"""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django_scopes import scope

from clients.models import Client
from msp.replica import REPLICA, ReplicaRouter, replica_reads
from msp.roles import Role
from playbook.scorecard import scorecard_build
from tests.conftest import build_tenant

# The replica is added to DATABASES for the test's length; Django warns about any change of that setting.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _figures(card) -> list:
    return [(c.label, {k: f.value for k, f in c.figures.items()}) for c in card.columns]


@pytest.fixture
def replica(transactional_db, settings):
    """A `replica` database: its own connection (made here, so the test database's guards leave it alone)."""
    target = connection.settings_dict
    connections[REPLICA] = own = load_backend(target["ENGINE"]).DatabaseWrapper(dict(target), REPLICA)
    statements: list[str] = []
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(target)}
    settings.DATABASE_ROUTERS = ["msp.replica.ReplicaRouter"]
    with own.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        yield statements
    own.close()


def test_without_a_replica_the_block_changes_nothing(db):
    with replica_reads(None) as alias:
        assert alias == "default"
    assert ReplicaRouter().db_for_read(Client) == "default"


def test_the_scorecard_reads_from_the_replica_inside_its_tenant(replica, login):
    tenant, other = build_tenant("Alpha", "alpha"), build_tenant("Bravo", "bravo")
    owner = login(tenant.users[Role.OWNER])
    page = owner.get("/scorecard/")
    assert page.status_code == 200
    selects = [sql for sql in replica if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) > 5
    assert any("set_config('vcio.msp'" in sql for sql in replica)  # the tenant is set on the replica
    assert not [sql for sql in replica if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    figures = _figures(page.context["card"])
    assert figures[-1][1]["clients_managed"] == 2
    # The same figures as the primary gives (read outside the block).
    with scope(msp=tenant.msp):
        assert _figures(scorecard_build(msp=tenant.msp, period=page.context["period"])) == figures
    # Row-level security on the replica: inside Alpha's block, Bravo's clients do not exist there.
    with scope(msp=tenant.msp), replica_reads(tenant.msp.pk) as alias:
        assert alias == REPLICA
        assert sorted(Client._base_manager.values_list("name", flat=True)) == ["Alpha Dental", "Alpha Logistics"]
        assert not Client._base_manager.filter(msp=other.msp).exists()
    assert ReplicaRouter().db_for_read(Client) == "default"
    assert ReplicaRouter().db_for_write(Client) == "default"
