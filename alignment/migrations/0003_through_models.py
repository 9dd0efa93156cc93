"""Explicit through-models carrying `msp` for a review's scope categories and a recommendation's findings.

Each automatic link table is replaced by a tenant table: the new table is created, every existing link
row is copied with its pair and the msp of its owner row (through the trigger that refuses a link
between two MSPs), and the automatic table is dropped. Reversible
(the pairs are copied back).
"""

import uuid

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alignment', '0002_initial'),
        ('msp', '0004_activity_activityevent_notification_and_more'),
        ('standards', '0002_framework_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewScopeCategory',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alignment.review')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='standards.category')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('review', 'category'), name='review_scope_category_once', violation_error_message="This category is already in the review's scope.")],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='reviewscopecategory',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM alignment_review WHERE id = NEW.review_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The review of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM standards_category WHERE id = NEW.category_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The category of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='6ef924b6e772ba85c2cfabdc33bd29ac090a9786', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_8be86', table='alignment_reviewscopecategory', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO alignment_reviewscopecategory (id, created_at, updated_at, msp_id, review_id, category_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.review_id, l.category_id
                   FROM alignment_review_scope_categories l JOIN alignment_review o ON o.id = l.review_id""",
            reverse_sql="""INSERT INTO alignment_review_scope_categories (review_id, category_id)
                           SELECT review_id, category_id FROM alignment_reviewscopecategory""",
        ),
        migrations.RemoveField(model_name='review', name='scope_categories'),
        migrations.AddField(
            model_name='review',
            name='scope_categories',
            field=models.ManyToManyField(blank=True, related_name='+', through='alignment.ReviewScopeCategory', to='standards.category'),
        ),
        migrations.CreateModel(
            name='RecommendationFinding',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('recommendation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alignment.recommendation')),
                ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alignment.answer')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('recommendation', 'answer'), name='recommendation_finding_once', violation_error_message='This finding is already covered.')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='recommendationfinding',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM alignment_recommendation WHERE id = NEW.recommendation_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The recommendation of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM alignment_answer WHERE id = NEW.answer_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The answer of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='f6aa280d97ad4cd246d140b0323e7f3a291d690e', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_e088a', table='alignment_recommendationfinding', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO alignment_recommendationfinding (id, created_at, updated_at, msp_id, recommendation_id, answer_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.recommendation_id, l.answer_id
                   FROM alignment_recommendation_findings l JOIN alignment_recommendation o ON o.id = l.recommendation_id""",
            reverse_sql="""INSERT INTO alignment_recommendation_findings (recommendation_id, answer_id)
                           SELECT recommendation_id, answer_id FROM alignment_recommendationfinding""",
        ),
        migrations.RemoveField(model_name='recommendation', name='findings'),
        migrations.AddField(
            model_name='recommendation',
            name='findings',
            field=models.ManyToManyField(blank=True, related_name='recommendations', through='alignment.RecommendationFinding', to='alignment.answer'),
        ),
    ]
