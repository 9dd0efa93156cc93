"""Row-level security on every tenant table of alignment: a forced policy on msp_id (msp/rls.py).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('alignment', '0003_through_models'),
    ]

    operations = [
        EnableTenantRls('alignment_review'),
        EnableTenantRls('alignment_reviewevent'),
        EnableTenantRls('alignment_reviewscopecategory'),
        EnableTenantRls('alignment_answer'),
        EnableTenantRls('alignment_answerevent'),
        EnableTenantRls('alignment_evidence'),
        EnableTenantRls('alignment_evidenceevent'),
        EnableTenantRls('alignment_recommendation'),
        EnableTenantRls('alignment_recommendationevent'),
        EnableTenantRls('alignment_recommendationfinding'),
    ]
