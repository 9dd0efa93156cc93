from django.db import migrations, models


class Migration(migrations.Migration):
    """The one-time lines of no initiative a client approved, by decision time, with what prices them (the
    scorecard's approved value of a period is read from this index alone)."""

    dependencies = [
        ('budgets', '0001_squashed_0004_row_level_security'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='budgetline',
            index=models.Index(
                condition=models.Q(('archived_at__isnull', True), ('decision', 'approved'), ('initiative__isnull', True),
                                   ('kind', 'one_time')),
                fields=['msp', 'decided_at'], include=('client', 'quantity', 'unit_cost', 'pricing', 'rate'),
                name='budgetline_approved_one_time'),
        ),
    ]
