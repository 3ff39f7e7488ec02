from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hireloop.demo"
    label = "demo"
