from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import RoadmapActivity


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = "Roadmaps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, RoadmapActivity)
        # The roadmap PDF plugs into the client-document pipeline, which finds it by kind.
        # The module registers itself when imported; ready() runs once every model is loaded.
        from . import reports  # noqa: F401
