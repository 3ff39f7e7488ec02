"""Pages of practical tasks: assigning one, the review queue and the review page."""

from django.urls import path

from .views import assessments

urlpatterns = [
    path(
        "applications/<int:pk>/tasks/new/",
        assessments.assignment_create,
        name="assignment-create",
    ),
    path("tasks/", assessments.review_queue, name="task-reviews"),
    path("tasks/<int:pk>/", assessments.assignment_review, name="assignment-review"),
    path("tasks/<int:pk>/progress/", assessments.assignment_progress, name="assignment-progress"),
    path("tasks/<int:pk>/score/", assessments.assignment_score, name="assignment-score"),
    path("tasks/<int:pk>/regrade/", assessments.assignment_regrade, name="assignment-regrade"),
    path("tasks/checks/<int:pk>/override/", assessments.check_override, name="check-override"),
    path(
        "tasks/submissions/<int:pk>/download/",
        assessments.submission_download,
        name="submission-download",
    ),
    path(
        "tasks/runs/<int:pk>/files/<str:name>",
        assessments.run_artifact,
        name="run-artifact",
    ),
]
