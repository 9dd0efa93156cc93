from django.db import migrations, models


class Migration(migrations.Migration):
    """The lines a client decided in a period, by the MSP (the scorecard's approved one-time value)."""

    dependencies = [
        ('budgets', '0001_squashed_0004_row_level_security'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='budgetline',
            index=models.Index(fields=['msp', 'decided_at'], name='budgets_bud_msp_id_e1d5e5_idx'),
        ),
    ]
