from django.db import migrations, models


class Migration(migrations.Migration):
    """A client's completed reviews and their scores read newest first from the index alone (the scorecard's
    latest two scores); it covers what the index on (msp, client, status) served, which goes once the new one
    exists."""

    dependencies = [
        ('alignment', '0006_review_completed_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['msp', 'client', 'status', 'completed_at', 'id'], include=('score',),
                               name='review_client_latest'),
        ),
        migrations.RemoveIndex(
            model_name='review',
            name='alignment_r_msp_id_350de5_idx',
        ),
    ]
