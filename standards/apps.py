from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = "Standards library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The library CSV import plugs into the core's import pipeline, which finds it by kind.
        from msp.csvimport import csv_import_register

        from .csv_io import LIBRARY_IMPORT

        csv_import_register(LIBRARY_IMPORT)
