"""Pages of the interview library."""

from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.index, name="library"),
    path("library/questions/", views.questions, name="questions"),
    path("library/questions/<int:pk>/", views.question_detail, name="question-detail"),
    path("library/questions/<int:pk>/copy/", views.question_copy, name="question-copy"),
    path("library/questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("library/scorecards/", views.scorecards, name="scorecards"),
    path("library/scorecards/<int:pk>/", views.scorecard_detail, name="scorecard-detail"),
    path("library/scorecards/<int:pk>/pdf/", views.scorecard_download, name="scorecard-pdf"),
    path("library/scorecards/<int:pk>/copy/", views.scorecard_copy, name="scorecard-copy"),
    path("library/scorecards/<int:pk>/edit/", views.scorecard_edit, name="scorecard-edit"),
    path("library/process/", views.process, name="process"),
    path("library/stages/<slug:slug>/", views.stage_detail, name="stage-detail"),
    path("library/tasks/", views.tasks, name="tasks"),
    path("library/tasks/<slug:slug>/", views.task_detail, name="task-detail"),
    path("library/skills/", views.skills, name="skills"),
    path("library/industries/", views.industries, name="industries"),
    path("library/red-flags/", views.red_flags, name="red-flags"),
    path("library/prep/", views.prep, name="prep"),
    path("library/competencies/<slug:slug>/", views.competency_detail, name="competency-detail"),
]
