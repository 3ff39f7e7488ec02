from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class WebConfig(AppConfig):
    name = "hireloop.web"
    label = "web"


class StaticFilesConfig(BaseStaticFilesConfig):
    """Collect only what pages use: no ReDoc, one htmx build. (Source maps stay: the hashed
    manifest storage rewrites the references to them.)"""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "redoc.standalone.js*",
        "htmax-*",
        "htmx-4*",
        "htmx-2.js",
    ]
