from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The client's portal: the top (wiring) layer, reading the apps' selectors and calling their services."""

    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"
