"""Pages of the interview library."""

from django.urls import path

from .views import library

urlpatterns = [
    path("library/", library.index, name="library"),
    path("library/questions/", library.questions, name="questions"),
    path("library/questions/<int:pk>/", library.question_detail, name="question-detail"),
    path("library/questions/<int:pk>/copy/", library.question_copy, name="question-copy"),
    path("library/questions/<int:pk>/edit/", library.question_edit, name="question-edit"),
    path("library/scorecards/", library.scorecards, name="scorecards"),
    path("library/scorecards/<int:pk>/", library.scorecard_detail, name="scorecard-detail"),
    path("library/scorecards/<int:pk>/pdf/", library.scorecard_download, name="scorecard-pdf"),
    path("library/scorecards/<int:pk>/copy/", library.scorecard_copy, name="scorecard-copy"),
    path("library/scorecards/<int:pk>/edit/", library.scorecard_edit, name="scorecard-edit"),
    path("library/process/", library.process, name="process"),
    path("library/stages/<slug:slug>/", library.stage_detail, name="stage-detail"),
    path("library/tasks/", library.tasks, name="tasks"),
    path("library/tasks/<slug:slug>/", library.task_detail, name="task-detail"),
    path("library/skills/", library.skills, name="skills"),
    path("library/industries/", library.industries, name="industries"),
    path("library/red-flags/", library.red_flags, name="red-flags"),
    path("library/prep/", library.prep, name="prep"),
    path("library/competencies/<slug:slug>/", library.competency_detail, name="competency-detail"),
]
