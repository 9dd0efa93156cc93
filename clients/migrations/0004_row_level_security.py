"""Row-level security on every tenant table of clients: a forced policy on msp_id (msp/rls.py).
"""

from django.db import migrations

from msp.rls import EnableTenantRls


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0003_document_documentevent_and_more'),
    ]

    operations = [
        EnableTenantRls('clients_client'),
        EnableTenantRls('clients_clientevent'),
        EnableTenantRls('clients_contact'),
        EnableTenantRls('clients_contactevent'),
        EnableTenantRls('clients_businessobjective'),
        EnableTenantRls('clients_businessobjectiveevent'),
        EnableTenantRls('clients_asset'),
        EnableTenantRls('clients_assetevent'),
        EnableTenantRls('clients_clientaccess'),
        EnableTenantRls('clients_clientaccessevent'),
        EnableTenantRls('clients_document'),
        EnableTenantRls('clients_documentevent'),
    ]
