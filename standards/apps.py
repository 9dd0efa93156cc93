from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = "Standards library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The library CSV import plugs into the core's import pipeline, which finds it by kind.
        # The module registers itself when imported; ready() runs once every model is loaded.
        from . import csv_io  # noqa: F401
