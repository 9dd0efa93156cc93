"""The bench seeder's bulk load of the answers table: the table ends exactly as its migrations made it
(indexes, keys, triggers), and a row that breaks a key still fails the load."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone
from django_scopes import scopes_disabled

from alignment.models import Answer

from .seed import Scale, loading, seed_msp

pytestmark = pytest.mark.django_db

TINY = Scale(vcios=1, clients=2, categories=2, standards_per_category=2, completed_reviews=2, initiatives=2,
             budget_lines=4, contacts=1)


def shape(table: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = cursor.fetchall()
        cursor.execute("SELECT conname, pg_get_constraintdef(oid), convalidated, condeferrable, condeferred "
                       "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1", [table])
        constraints = cursor.fetchall()
        cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                       "ORDER BY 1", [table])
        triggers = cursor.fetchall()
    return {"indexes": indexes, "constraints": constraints, "triggers": triggers}


def test_seeding_an_empty_answers_table_leaves_it_as_the_migrations_made_it():
    before = shape("alignment_answer")
    assert len(before["indexes"]) == 10
    assert sum(1 for c in before["constraints"] if "FOREIGN KEY" in c[1]) == 6
    seeded = seed_msp(name="Tiny MSP", slug="tiny", scale=TINY)
    assert seeded.answers == 2 * 3 * 4  # two clients, two completed reviews and one open each, four standards
    assert shape("alignment_answer") == before
    with scopes_disabled():
        assert Answer.objects.count() == 24


def test_a_row_that_breaks_a_key_fails_the_load():
    now = timezone.now()
    with pytest.raises(IntegrityError, match="violates foreign key constraint"), loading(Answer, rebuild=True), \
            connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alignment_answer (id, msp_id, created_at, updated_at, version, review_id, standard_id, "
            "revision_id, category_id, priority, position, response, note) "
            "VALUES (%s, %s, %s, %s, 1, %s, %s, %s, %s, 'high', 1, '', '')",
            [uuid.uuid4(), uuid.uuid4(), now, now, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()])
