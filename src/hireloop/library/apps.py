from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "hireloop.library"
    label = "library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .cache import connect_signals

        connect_signals()
