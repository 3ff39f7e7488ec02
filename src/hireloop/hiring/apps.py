from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "hireloop.hiring"
    label = "hiring"
    default_auto_field = "django.db.models.BigAutoField"
