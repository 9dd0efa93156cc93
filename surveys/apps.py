from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import SurveyActivity


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Client survey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, SurveyActivity)
