from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The asset CSV import plugs into the core's import pipeline, which finds it by kind.
        # The module registers itself when imported; ready() runs once every model is loaded.
        from . import imports  # noqa: F401
