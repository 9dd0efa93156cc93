from django.apps import AppConfig


class MspConfig(AppConfig):
    name = "msp"
    verbose_name = "MSP workspace"
    default_auto_field = "django.db.models.BigAutoField"
