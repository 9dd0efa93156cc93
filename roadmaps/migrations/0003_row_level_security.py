"""Row-level security on every tenant table of roadmaps: a forced policy on msp_id (msp/rls.py).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('roadmaps', '0002_through_models'),
    ]

    operations = [
        EnableTenantRls('roadmaps_initiative'),
        EnableTenantRls('roadmaps_initiativeevent'),
        EnableTenantRls('roadmaps_initiativerecommendation'),
        EnableTenantRls('roadmaps_initiativeobjective'),
        EnableTenantRls('roadmaps_initiativeasset'),
        EnableTenantRls('roadmaps_lifecycledecision'),
        EnableTenantRls('roadmaps_lifecycledecisionevent'),
    ]
