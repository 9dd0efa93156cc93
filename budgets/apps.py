from django.apps import AppConfig

from msp.activity_kinds import register_activity_kinds

from .choices import BudgetActivity


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "Budgets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_activity_kinds(self.label, BudgetActivity)
