from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import AlignmentActivity


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, AlignmentActivity)
        # The alignment report plugs into the client-document pipeline, which finds it by kind.
        # The module registers itself when imported; ready() runs once every model is loaded.
        from . import reports  # noqa: F401
