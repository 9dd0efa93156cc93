from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The alignment report plugs into the client-document pipeline, which finds it by kind.
        from clients.document_jobs import document_renderer_register

        from .reports import ALIGNMENT_REPORT

        document_renderer_register(ALIGNMENT_REPORT)
