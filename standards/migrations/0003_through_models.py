"""Explicit through-models carrying `msp` for a standard's frameworks.

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
        ('standards', '0002_framework_version'),
        ('msp', '0004_activity_activityevent_notification_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='StandardFramework',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='standards.standard')),
                ('framework', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='standards.framework')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('standard', 'framework'), name='standard_framework_once', violation_error_message='This framework is already mapped.')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='standardframework',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM standards_standard WHERE id = NEW.standard_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The standard of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM standards_framework WHERE id = NEW.framework_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The framework of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='8560162a1f6088814dd80d5248f2eaf446cacf32', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_49ea3', table='standards_standardframework', when='BEFORE')),
        ),
        migrations.RunSQL(
            sql="""INSERT INTO standards_standardframework (id, created_at, updated_at, msp_id, standard_id, framework_id)
                   SELECT gen_random_uuid(), now(), now(), o.msp_id, l.standard_id, l.framework_id
                   FROM standards_standard_frameworks l JOIN standards_standard o ON o.id = l.standard_id""",
            reverse_sql="""INSERT INTO standards_standard_frameworks (standard_id, framework_id)
                           SELECT standard_id, framework_id FROM standards_standardframework""",
        ),
        migrations.RemoveField(model_name='standard', name='frameworks'),
        migrations.AddField(
            model_name='standard',
            name='frameworks',
            field=models.ManyToManyField(blank=True, related_name='standards', through='standards.StandardFramework', to='standards.framework'),
        ),
    ]
