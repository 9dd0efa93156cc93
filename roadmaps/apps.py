from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import RoadmapActivity


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = "Roadmaps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, RoadmapActivity)
