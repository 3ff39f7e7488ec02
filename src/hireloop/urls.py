from django.urls import include, path

from hireloop.api.app import api
from hireloop.web import ops
from hireloop.web.views.portal import task_portal
from hireloop.web.views.prep import candidate_prep

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("prep/<str:token>/", candidate_prep, name="candidate-prep"),
    path("portal/<str:token>/", task_portal, name="task-portal"),
    path("", include("hireloop.web.urls")),
]
