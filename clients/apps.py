from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The asset CSV import plugs into the core's import pipeline, which finds it by kind.
        from msp.csvimport import csv_import_register

        from .imports import ASSET_IMPORT

        csv_import_register(ASSET_IMPORT)
