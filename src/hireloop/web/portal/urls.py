"""Pages candidates reach by the link they were sent: preparation and the practical-task portal."""

from django.urls import path

from .views_prep import candidate_prep
from .views_task import task_portal

urlpatterns = [
    path("prep/<str:token>/", candidate_prep, name="candidate-prep"),
    path("portal/<str:token>/", task_portal, name="task-portal"),
]
