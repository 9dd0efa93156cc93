"""Row-level security on every tenant table of standards: a forced policy on msp_id (msp/rls.py).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0003_through_models'),
    ]

    operations = [
        EnableTenantRls('standards_category'),
        EnableTenantRls('standards_categoryevent'),
        EnableTenantRls('standards_framework'),
        EnableTenantRls('standards_frameworkevent'),
        EnableTenantRls('standards_standard'),
        EnableTenantRls('standards_standardevent'),
        EnableTenantRls('standards_standardrevision'),
        EnableTenantRls('standards_standardrevisionevent'),
        EnableTenantRls('standards_standardframework'),
    ]
