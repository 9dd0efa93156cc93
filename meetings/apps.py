from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import MeetingActivity


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, MeetingActivity)
        # The QBR PDF and deck plug into the client-document pipeline, which finds them by kind.
        # The module registers itself when imported; ready() runs once every model is loaded.
        from . import reports  # noqa: F401
