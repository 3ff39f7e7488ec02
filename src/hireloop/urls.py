from django.urls import include, path

from hireloop.api.app import api
from hireloop.web import ops
from hireloop.web.views.prep import candidate_prep

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("prep/<str:token>/", candidate_prep, name="candidate-prep"),
    path("", include("hireloop.web.urls")),
]
