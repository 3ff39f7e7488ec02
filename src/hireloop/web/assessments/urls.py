"""Pages of practical tasks: assigning one, the review queue and the review page."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "applications/<int:pk>/tasks/new/",
        views.assignment_create,
        name="assignment-create",
    ),
    path("tasks/", views.review_queue, name="task-reviews"),
    path("tasks/<int:pk>/", views.assignment_review, name="assignment-review"),
    path("tasks/<int:pk>/progress/", views.assignment_progress, name="assignment-progress"),
    path("tasks/<int:pk>/score/", views.assignment_score, name="assignment-score"),
    path("tasks/<int:pk>/regrade/", views.assignment_regrade, name="assignment-regrade"),
    path("tasks/checks/<int:pk>/override/", views.check_override, name="check-override"),
    path(
        "tasks/submissions/<int:pk>/download/",
        views.submission_download,
        name="submission-download",
    ),
    path(
        "tasks/runs/<int:pk>/files/<str:name>",
        views.run_artifact,
        name="run-artifact",
    ),
]
