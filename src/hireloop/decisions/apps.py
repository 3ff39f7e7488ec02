from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "hireloop.decisions"
    label = "decisions"
    default_auto_field = "django.db.models.BigAutoField"
