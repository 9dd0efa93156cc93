from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import MeetingActivity


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, MeetingActivity)
