from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "hireloop.interviews"
    label = "interviews"
    default_auto_field = "django.db.models.BigAutoField"
