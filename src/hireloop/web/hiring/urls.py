"""Pages of roles, plans, candidates and applications."""

from django.urls import path

from . import views_roles as hiring

urlpatterns = [
    path("roles/", hiring.roles, name="roles"),
    path("roles/new/", hiring.role_new, name="role-new"),
    path("roles/<int:pk>/", hiring.role_board, name="role-board"),
    path("roles/<int:pk>/plan/", hiring.role_plan, name="role-plan"),
    path("roles/<int:pk>/settings/", hiring.role_update, name="role-update"),
    path("roles/<int:pk>/stages/", hiring.plan_stage_add, name="plan-stage-add"),
    path("stages/<int:pk>/", hiring.plan_stage_update, name="plan-stage-update"),
    path("stages/<int:pk>/move/", hiring.plan_stage_move, name="plan-stage-move"),
    path("stages/<int:pk>/remove/", hiring.plan_stage_remove, name="plan-stage-remove"),
    path("candidates/", hiring.candidates, name="candidates"),
    path("candidates/new/", hiring.candidate_new, name="candidate-new"),
    path("candidates/<int:pk>/", hiring.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/edit/", hiring.candidate_edit, name="candidate-edit"),
    path("candidates/<int:pk>/resume/", hiring.candidate_resume, name="candidate-resume"),
    path("candidates/<int:pk>/apply/", hiring.candidate_apply, name="candidate-apply"),
    path("applications/", hiring.applications, name="applications"),
    path("applications/<int:pk>/", hiring.application_detail, name="application-detail"),
    path("applications/<int:pk>/move/", hiring.application_move, name="application-move"),
]
