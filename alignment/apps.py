from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import AlignmentActivity


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, AlignmentActivity)
