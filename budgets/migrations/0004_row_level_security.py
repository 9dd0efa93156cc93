"""Row-level security on every tenant table of budgets: a forced policy on msp_id (msp/rls.py).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0003_budgetline_decision'),
    ]

    operations = [
        EnableTenantRls('budgets_budgetline'),
        EnableTenantRls('budgets_budgetlineevent'),
        EnableTenantRls('budgets_budgetversion'),
        EnableTenantRls('budgets_budgetversionevent'),
    ]
