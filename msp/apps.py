from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .rls import grant_app_privileges


class MspConfig(AppConfig):
    name = "msp"
    verbose_name = "MSP workspace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sent once per app after the whole plan has run, so every table exists; one sender suffices.
        post_migrate.connect(grant_app_privileges, sender=self, dispatch_uid="msp.rls.grant_app_privileges")
