"""Row-level security on every tenant table of msp: a forced policy on msp_id (msp/rls.py).

Memberships, invitations and API tokens (and their events) are left out on purpose: they are read before
the tenant is known (msp.rls.RLS_EXEMPT_TABLES, docs/decisions.md).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('msp', '0005_activity_kind_registry'),
    ]

    operations = [
        EnableTenantRls('msp_activity'),
        EnableTenantRls('msp_activityevent'),
        EnableTenantRls('msp_job'),
        EnableTenantRls('msp_jobevent'),
        EnableTenantRls('msp_notification'),
    ]
