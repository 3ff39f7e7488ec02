from django.urls import include, path

from hireloop.api.app import api
from hireloop.web import ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("", include("hireloop.web.portal.urls")),  # prep/<token>/ and portal/<token>/
    path("", include("hireloop.web.urls")),
]
