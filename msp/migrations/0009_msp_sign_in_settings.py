"""Sign-in settings of an MSP: two-factor required for owners and vCIOs, and its Microsoft Entra tenant.

MSPs that exist already keep signing in as before (mfa_required off, their owner turns it on in Settings);
MSPs created from now on require it.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('msp', '0008_msp_brand'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='msp',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='msp',
            name='update_update',
        ),
        migrations.AddField(
            model_name='msp',
            name='entra_tenant_id',
            field=models.UUIDField(blank=True, error_messages={'unique': 'Another workspace already signs in with this Entra tenant.'}, help_text='The Directory (tenant) ID from the Entra admin centre; empty turns Microsoft sign-in off.', null=True, unique=True, verbose_name='Microsoft Entra tenant ID'),
        ),
        migrations.AddField(
            model_name='msp',
            name='mfa_required',
            field=models.BooleanField(default=False, help_text='Owners and vCIOs set up an authenticator app or a passkey before anything else.', verbose_name='require two-factor sign-in for owners and vCIOs'),
        ),
        migrations.AlterField(
            model_name='msp',
            name='mfa_required',
            field=models.BooleanField(default=True, help_text='Owners and vCIOs set up an authenticator app or a passkey before anything else.', verbose_name='require two-factor sign-in for owners and vCIOs'),
        ),
        migrations.AddField(
            model_name='mspevent',
            name='entra_tenant_id',
            field=models.UUIDField(blank=True, error_messages={'unique': 'Another workspace already signs in with this Entra tenant.'}, help_text='The Directory (tenant) ID from the Entra admin centre; empty turns Microsoft sign-in off.', null=True, verbose_name='Microsoft Entra tenant ID'),
        ),
        migrations.AddField(
            model_name='mspevent',
            name='mfa_required',
            field=models.BooleanField(default=False, help_text='Owners and vCIOs set up an authenticator app or a passkey before anything else.', verbose_name='require two-factor sign-in for owners and vCIOs'),
        ),
        migrations.AlterField(
            model_name='mspevent',
            name='mfa_required',
            field=models.BooleanField(default=True, help_text='Owners and vCIOs set up an authenticator app or a passkey before anything else.', verbose_name='require two-factor sign-in for owners and vCIOs'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='msp',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "msp_mspevent" ("created_at", "currency", "entra_tenant_id", "fiscal_year_start_month", "id", "max_meetings_per_vcio_per_day", "meeting_hour", "mfa_required", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "time_zone", "updated_at", "version") VALUES (NEW."created_at", NEW."currency", NEW."entra_tenant_id", NEW."fiscal_year_start_month", NEW."id", NEW."max_meetings_per_vcio_per_day", NEW."meeting_hour", NEW."mfa_required", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."slug", NEW."time_zone", NEW."updated_at", NEW."version"); RETURN NULL;', hash='da6c50c44d59d90bfc0eb8d490d48a99fbc6bce8', operation='INSERT', pgid='pgtrigger_insert_insert_45a7d', table='msp_msp', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='msp',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "msp_mspevent" ("created_at", "currency", "entra_tenant_id", "fiscal_year_start_month", "id", "max_meetings_per_vcio_per_day", "meeting_hour", "mfa_required", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "time_zone", "updated_at", "version") VALUES (NEW."created_at", NEW."currency", NEW."entra_tenant_id", NEW."fiscal_year_start_month", NEW."id", NEW."max_meetings_per_vcio_per_day", NEW."meeting_hour", NEW."mfa_required", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."slug", NEW."time_zone", NEW."updated_at", NEW."version"); RETURN NULL;', hash='1f08626c209aa668e48b4116fd6e5caf1115470c', operation='UPDATE', pgid='pgtrigger_update_update_186a5', table='msp_msp', when='AFTER')),
        ),
    ]
