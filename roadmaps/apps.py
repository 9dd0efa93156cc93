from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = "Roadmaps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The roadmap PDF plugs into the client-document pipeline, which finds it by kind.
        from clients.document_jobs import document_renderer_register

        from .reports import ROADMAP_REPORT

        document_renderer_register(ROADMAP_REPORT)
