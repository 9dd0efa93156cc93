from django.db import migrations, models


class Migration(migrations.Migration):
    """The initiatives decided in a period, by the MSP (the scorecard's approved one-time value)."""

    dependencies = [
        ('roadmaps', '0001_squashed_0004_title_confirmed'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(fields=['msp', 'decided_at'], name='roadmaps_in_msp_id_b8a523_idx'),
        ),
    ]
