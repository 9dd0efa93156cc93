"""Meetings, attendees, action items and touches, each table (and its history table) under row-level security
from the start (msp/rls.py)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.conf import settings
from django.db import migrations, models

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clients', '0005_client_cadence_override'),
        ('msp', '0007_msp_meeting_settings'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ActionItem',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('text', models.CharField(max_length=500)),
                ('due_on', models.DateField(blank=True, null=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('dropped', 'Dropped')], default='open', max_length=8)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='action_items', to='clients.client')),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('owner', models.ForeignKey(blank=True, help_text='A staff member who owns it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner_contact', models.ForeignKey(blank=True, help_text='Or a client contact who owns it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.contact')),
            ],
            options={
                'ordering': ['due_on', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('kind', models.CharField(choices=[('pre_planning', 'Pre-planning'), ('strategy', 'Strategy and annual planning'), ('qbr', 'Quarterly business review'), ('steering', 'TAM-vCIO steering'), ('check_in', 'Check-in')], max_length=16)),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('cancelled', 'Cancelled'), ('missed', 'Missed')], default='planned', max_length=10)),
                ('title', models.CharField(max_length=200)),
                ('starts_at', models.DateTimeField()),
                ('duration_minutes', models.PositiveSmallIntegerField(default=60, validators=[django.core.validators.MinValueValidator(15), django.core.validators.MaxValueValidator(480)])),
                ('time_zone', models.CharField(help_text="The zone the meeting is set in (the invitation's TZID).", max_length=64)),
                ('location', models.CharField(blank=True, max_length=200)),
                ('agenda', models.TextField(blank=True)),
                ('notes', models.TextField(blank=True)),
                ('outcome', models.TextField(blank=True)),
                ('decision_maker_attended', models.BooleanField(blank=True, null=True)),
                ('sequence', models.PositiveIntegerField(default=0, help_text='SEQUENCE of the calendar invitation.')),
                ('invited_at', models.DateTimeField(blank=True, help_text='When invitations were last sent.', null=True)),
                ('planned_by_scheduler', models.BooleanField(default=False)),
                ('touched', models.BooleanField(default=False, help_text='Changed by a person: the scheduler leaves it alone.')),
                ('slot_key', models.CharField(blank=True, editable=False, max_length=120)),
                ('slot_date', models.DateField(blank=True, help_text='The cadence date this meeting was planned for.', null=True)),
                ('held_at', models.DateTimeField(blank=True, null=True)),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('cancel_reason', models.CharField(blank=True, max_length=300)),
                ('client', models.ForeignKey(blank=True, help_text='Empty only for an internal steering meeting.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='clients.client')),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
                ('organizer', models.ForeignKey(blank=True, help_text='The vCIO who leads the meeting.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tam', models.ForeignKey(blank=True, help_text='The TAM of a steering meeting.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='TAM')),
            ],
            options={
                'ordering': ['starts_at'],
            },
        ),
        migrations.CreateModel(
            name='ActionItemEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('text', models.CharField(max_length=500)),
                ('due_on', models.DateField(blank=True, null=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('dropped', 'Dropped')], default='open', max_length=8)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('client', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.client')),
                ('msp', models.ForeignKey(db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='msp.msp')),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, help_text='A staff member who owns it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner_contact', models.ForeignKey(blank=True, db_constraint=False, help_text='Or a client contact who owns it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.contact')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='meetings.actionitem')),
                ('meeting', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='meetings.meeting')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='actionitem',
            name='meeting',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='action_items', to='meetings.meeting'),
        ),
        migrations.CreateModel(
            name='MeetingAttendee',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('attended', models.BooleanField(blank=True, null=True)),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.contact')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendees', to='meetings.meeting')),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
            ],
            options={
                'ordering': ['created_at'],
            },
        ),
        migrations.CreateModel(
            name='MeetingAttendeeEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('attended', models.BooleanField(blank=True, null=True)),
                ('contact', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.contact')),
                ('meeting', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='meetings.meeting')),
                ('msp', models.ForeignKey(db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='msp.msp')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='meetings.meetingattendee')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='MeetingEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('kind', models.CharField(choices=[('pre_planning', 'Pre-planning'), ('strategy', 'Strategy and annual planning'), ('qbr', 'Quarterly business review'), ('steering', 'TAM-vCIO steering'), ('check_in', 'Check-in')], max_length=16)),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('cancelled', 'Cancelled'), ('missed', 'Missed')], default='planned', max_length=10)),
                ('title', models.CharField(max_length=200)),
                ('starts_at', models.DateTimeField()),
                ('duration_minutes', models.PositiveSmallIntegerField(default=60, validators=[django.core.validators.MinValueValidator(15), django.core.validators.MaxValueValidator(480)])),
                ('time_zone', models.CharField(help_text="The zone the meeting is set in (the invitation's TZID).", max_length=64)),
                ('location', models.CharField(blank=True, max_length=200)),
                ('agenda', models.TextField(blank=True)),
                ('notes', models.TextField(blank=True)),
                ('outcome', models.TextField(blank=True)),
                ('decision_maker_attended', models.BooleanField(blank=True, null=True)),
                ('sequence', models.PositiveIntegerField(default=0, help_text='SEQUENCE of the calendar invitation.')),
                ('invited_at', models.DateTimeField(blank=True, help_text='When invitations were last sent.', null=True)),
                ('planned_by_scheduler', models.BooleanField(default=False)),
                ('touched', models.BooleanField(default=False, help_text='Changed by a person: the scheduler leaves it alone.')),
                ('slot_key', models.CharField(blank=True, editable=False, max_length=120)),
                ('slot_date', models.DateField(blank=True, help_text='The cadence date this meeting was planned for.', null=True)),
                ('held_at', models.DateTimeField(blank=True, null=True)),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('cancel_reason', models.CharField(blank=True, max_length=300)),
                ('client', models.ForeignKey(blank=True, db_constraint=False, help_text='Empty only for an internal steering meeting.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.client')),
                ('msp', models.ForeignKey(db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='msp.msp')),
                ('organizer', models.ForeignKey(blank=True, db_constraint=False, help_text='The vCIO who leads the meeting.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='meetings.meeting')),
                ('tam', models.ForeignKey(blank=True, db_constraint=False, help_text='The TAM of a steering meeting.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='TAM')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Touch',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('call', 'Call'), ('email', 'Email'), ('visit', 'Visit'), ('video', 'Video call')], max_length=8)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('note', models.TextField(blank=True)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='touches', to='clients.client')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.contact')),
                ('msp', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='msp.msp')),
            ],
            options={
                'ordering': ['-at'],
            },
        ),
        migrations.CreateModel(
            name='TouchEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('call', 'Call'), ('email', 'Email'), ('visit', 'Visit'), ('video', 'Video call')], max_length=8)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('note', models.TextField(blank=True)),
                ('by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ('client', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.client')),
                ('contact', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='clients.contact')),
                ('msp', models.ForeignKey(db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='msp.msp')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='meetings.touch')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['msp', 'client', 'starts_at'], name='meetings_me_msp_id_0e1074_idx'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['msp', 'organizer', 'starts_at'], name='meetings_me_msp_id_1243f5_idx'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['msp', 'status', 'starts_at'], name='meetings_me_msp_id_aaec6c_idx'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.UniqueConstraint(condition=models.Q(('slot_key', ''), _negated=True), fields=('msp', 'slot_key'), name='meeting_one_per_slot', violation_error_message='This cadence slot already has its meeting.'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'steering'), ('client__isnull', True)), models.Q(models.Q(('kind', 'steering'), _negated=True), ('client__isnull', False)), _connector='OR'), name='meeting_client_unless_steering', violation_error_message='A client meeting needs its client; a steering meeting has none.'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('duration_minutes__gte', 15), ('duration_minutes__lte', 480)), name='meeting_duration_range', violation_error_message='A meeting lasts from 15 minutes to 8 hours.'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), ('cancelled_at__isnull', False), _connector='OR'), name='meeting_cancelled_dated', violation_error_message='A cancelled meeting records when it was cancelled.'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'held'), _negated=True), ('held_at__isnull', False), _connector='OR'), name='meeting_held_dated', violation_error_message='A held meeting records when it was marked held.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meeting',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_meetingevent" ("agenda", "cancel_reason", "cancelled_at", "client_id", "created_at", "decision_maker_attended", "duration_minutes", "held_at", "id", "invited_at", "kind", "location", "msp_id", "notes", "organizer_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_by_scheduler", "sequence", "slot_date", "slot_key", "starts_at", "status", "tam_id", "time_zone", "title", "touched", "updated_at", "version") VALUES (NEW."agenda", NEW."cancel_reason", NEW."cancelled_at", NEW."client_id", NEW."created_at", NEW."decision_maker_attended", NEW."duration_minutes", NEW."held_at", NEW."id", NEW."invited_at", NEW."kind", NEW."location", NEW."msp_id", NEW."notes", NEW."organizer_id", NEW."outcome", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."planned_by_scheduler", NEW."sequence", NEW."slot_date", NEW."slot_key", NEW."starts_at", NEW."status", NEW."tam_id", NEW."time_zone", NEW."title", NEW."touched", NEW."updated_at", NEW."version"); RETURN NULL;', hash='0e5bd609bb80ba7cc85fb366a40c602583bdf176', operation='INSERT', pgid='pgtrigger_insert_insert_61d9e', table='meetings_meeting', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meeting',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "meetings_meetingevent" ("agenda", "cancel_reason", "cancelled_at", "client_id", "created_at", "decision_maker_attended", "duration_minutes", "held_at", "id", "invited_at", "kind", "location", "msp_id", "notes", "organizer_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_by_scheduler", "sequence", "slot_date", "slot_key", "starts_at", "status", "tam_id", "time_zone", "title", "touched", "updated_at", "version") VALUES (NEW."agenda", NEW."cancel_reason", NEW."cancelled_at", NEW."client_id", NEW."created_at", NEW."decision_maker_attended", NEW."duration_minutes", NEW."held_at", NEW."id", NEW."invited_at", NEW."kind", NEW."location", NEW."msp_id", NEW."notes", NEW."organizer_id", NEW."outcome", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."planned_by_scheduler", NEW."sequence", NEW."slot_date", NEW."slot_key", NEW."starts_at", NEW."status", NEW."tam_id", NEW."time_zone", NEW."title", NEW."touched", NEW."updated_at", NEW."version"); RETURN NULL;', hash='91a7e19f2caac639457b278b6cda7f400617b409', operation='UPDATE', pgid='pgtrigger_update_update_495b8', table='meetings_meeting', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['msp', 'client', 'status'], name='meetings_ac_msp_id_8b78df_idx'),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['msp', 'owner', 'due_on'], name='meetings_ac_msp_id_a9926a_idx'),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.CheckConstraint(condition=models.Q(('owner__isnull', True), ('owner_contact__isnull', True), _connector='OR'), name='action_item_one_owner', violation_error_message='An action item has one owner: staff or a contact.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='actionitem',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_actionitemevent" ("client_id", "created_at", "done_at", "due_on", "id", "meeting_id", "msp_id", "owner_contact_id", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "text", "updated_at", "version") VALUES (NEW."client_id", NEW."created_at", NEW."done_at", NEW."due_on", NEW."id", NEW."meeting_id", NEW."msp_id", NEW."owner_contact_id", NEW."owner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."status", NEW."text", NEW."updated_at", NEW."version"); RETURN NULL;', hash='f1086704a8ab51ba67165218f33d17dd44e49874', operation='INSERT', pgid='pgtrigger_insert_insert_e0d21', table='meetings_actionitem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='actionitem',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "meetings_actionitemevent" ("client_id", "created_at", "done_at", "due_on", "id", "meeting_id", "msp_id", "owner_contact_id", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "text", "updated_at", "version") VALUES (NEW."client_id", NEW."created_at", NEW."done_at", NEW."due_on", NEW."id", NEW."meeting_id", NEW."msp_id", NEW."owner_contact_id", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."status", NEW."text", NEW."updated_at", NEW."version"); RETURN NULL;', hash='65ecfcee41c1918c4f8807e75b0b4c1b4a4d9b33', operation='UPDATE', pgid='pgtrigger_update_update_bd1ee', table='meetings_actionitem', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='meetingattendee',
            constraint=models.UniqueConstraint(fields=('meeting', 'contact'), name='meeting_attendee_once', violation_error_message='This contact is already invited.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meetingattendee',
            trigger=pgtrigger.compiler.Trigger(name='link_same_tenant', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF NOT EXISTS (SELECT 1 FROM meetings_meeting WHERE id = NEW.meeting_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The meeting of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; IF NOT EXISTS (SELECT 1 FROM clients_contact WHERE id = NEW.contact_id AND msp_id = NEW.msp_id) THEN RAISE EXCEPTION 'The contact of a % row must belong to the same MSP.', TG_TABLE_NAME USING ERRCODE = 'check_violation'; END IF; RETURN NEW;", hash='21f44a1e4a9c0b1aadc9043aa157989ceb778ca7', operation='INSERT OR UPDATE', pgid='pgtrigger_link_same_tenant_13d1e', table='meetings_meetingattendee', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meetingattendee',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_meetingattendeeevent" ("attended", "contact_id", "created_at", "id", "meeting_id", "msp_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."attended", NEW."contact_id", NEW."created_at", NEW."id", NEW."meeting_id", NEW."msp_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='8f21b1d1140c00be0118226e07670aec493f2f6e', operation='INSERT', pgid='pgtrigger_insert_insert_30eaa', table='meetings_meetingattendee', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meetingattendee',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "meetings_meetingattendeeevent" ("attended", "contact_id", "created_at", "id", "meeting_id", "msp_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."attended", NEW."contact_id", NEW."created_at", NEW."id", NEW."meeting_id", NEW."msp_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='aad4c57dc3028cf5cc3883e811aef8c71124d2fa', operation='UPDATE', pgid='pgtrigger_update_update_44043', table='meetings_meetingattendee', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='touch',
            index=models.Index(fields=['msp', 'client', 'at'], name='meetings_to_msp_id_8ba2a3_idx'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='touch',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "meetings_touchevent" ("at", "by_id", "client_id", "contact_id", "created_at", "id", "kind", "msp_id", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."at", NEW."by_id", NEW."client_id", NEW."contact_id", NEW."created_at", NEW."id", NEW."kind", NEW."msp_id", NEW."note", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='8373e5410dd1c448636897358d3e9d6150d11db9', operation='INSERT', pgid='pgtrigger_insert_insert_01b92', table='meetings_touch', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='touch',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "meetings_touchevent" ("at", "by_id", "client_id", "contact_id", "created_at", "id", "kind", "msp_id", "note", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."at", NEW."by_id", NEW."client_id", NEW."contact_id", NEW."created_at", NEW."id", NEW."kind", NEW."msp_id", NEW."note", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='501cfc4ae34c78d79ecf6482860d464c784fe87d', operation='UPDATE', pgid='pgtrigger_update_update_ec462', table='meetings_touch', when='AFTER')),
        ),
        EnableTenantRls('meetings_meeting'),
        EnableTenantRls('meetings_meetingevent'),
        EnableTenantRls('meetings_meetingattendee'),
        EnableTenantRls('meetings_meetingattendeeevent'),
        EnableTenantRls('meetings_actionitem'),
        EnableTenantRls('meetings_actionitemevent'),
        EnableTenantRls('meetings_touch'),
        EnableTenantRls('meetings_touchevent'),
    ]
