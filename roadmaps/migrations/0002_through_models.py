"""Explicit through-models carrying `msp` for an initiative's recommendations, objectives and assets.

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
        ('roadmaps', '0001_initial'),
        ('alignment', '0003_through_models'),
        ('clients', '0003_document_documentevent_and_more'),
        ('msp', '0004_activity_activityevent_notification_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='InitiativeRecommendation',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='roadmaps.initiative')),
                ('recommendation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alignment.recommendation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('initiative', 'recommendation'), name='initiative_recommendation_once', violation_error_message='This recommendation is already linked.')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='initiativerecommendation',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM roadmaps_initiative WHERE id = NEW.initiative_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The initiative of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM alignment_recommendation WHERE id = NEW.recommendation_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The recommendation of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='c79496e4c669e67029414b1d93043322ab7ba90a', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_93b1d', table='roadmaps_initiativerecommendation', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO roadmaps_initiativerecommendation (id, created_at, updated_at, msp_id, initiative_id, recommendation_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.initiative_id, l.recommendation_id
                   FROM roadmaps_initiative_recommendations l JOIN roadmaps_initiative o ON o.id = l.initiative_id""",
            reverse_sql="""INSERT INTO roadmaps_initiative_recommendations (initiative_id, recommendation_id)
                           SELECT initiative_id, recommendation_id FROM roadmaps_initiativerecommendation""",
        ),
        migrations.RemoveField(model_name='initiative', name='recommendations'),
        migrations.AddField(
            model_name='initiative',
            name='recommendations',
            field=models.ManyToManyField(blank=True, related_name='initiatives', through='roadmaps.InitiativeRecommendation', to='alignment.recommendation'),
        ),
        migrations.CreateModel(
            name='InitiativeObjective',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='roadmaps.initiative')),
                ('objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.businessobjective')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('initiative', 'objective'), name='initiative_objective_once', violation_error_message='This objective is already linked.')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='initiativeobjective',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM roadmaps_initiative WHERE id = NEW.initiative_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The initiative of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM clients_businessobjective WHERE id = NEW.objective_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The objective of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='f21dc46d5eb3f928e2b6bbaf22d1e28b052882e6', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_ca839', table='roadmaps_initiativeobjective', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO roadmaps_initiativeobjective (id, created_at, updated_at, msp_id, initiative_id, objective_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.initiative_id, l.businessobjective_id
                   FROM roadmaps_initiative_objectives l JOIN roadmaps_initiative o ON o.id = l.initiative_id""",
            reverse_sql="""INSERT INTO roadmaps_initiative_objectives (initiative_id, businessobjective_id)
                           SELECT initiative_id, objective_id FROM roadmaps_initiativeobjective""",
        ),
        migrations.RemoveField(model_name='initiative', name='objectives'),
        migrations.AddField(
            model_name='initiative',
            name='objectives',
            field=models.ManyToManyField(blank=True, related_name='initiatives', through='roadmaps.InitiativeObjective', to='clients.businessobjective'),
        ),
        migrations.CreateModel(
            name='InitiativeAsset',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='roadmaps.initiative')),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.asset')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('initiative', 'asset'), name='initiative_asset_once', violation_error_message='This asset is already linked.')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='initiativeasset',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM roadmaps_initiative WHERE id = NEW.initiative_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The initiative of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM clients_asset WHERE id = NEW.asset_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The asset of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='69f943e7ffc4f5247a43c4aebded30c2c1635239', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_1d5ca', table='roadmaps_initiativeasset', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO roadmaps_initiativeasset (id, created_at, updated_at, msp_id, initiative_id, asset_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.initiative_id, l.asset_id
                   FROM roadmaps_initiative_assets l JOIN roadmaps_initiative o ON o.id = l.initiative_id""",
            reverse_sql="""INSERT INTO roadmaps_initiative_assets (initiative_id, asset_id)
                           SELECT initiative_id, asset_id FROM roadmaps_initiativeasset""",
        ),
        migrations.RemoveField(model_name='initiative', name='assets'),
        migrations.AddField(
            model_name='initiative',
            name='assets',
            field=models.ManyToManyField(blank=True, related_name='initiatives', through='roadmaps.InitiativeAsset', to='clients.asset'),
        ),
    ]
