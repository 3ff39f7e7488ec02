"""Pages of roles, plans, candidates and applications."""

from django.urls import path

from . import views_applications, views_candidates, views_roles

urlpatterns = [
    path("roles/", views_roles.roles, name="roles"),
    path("roles/new/", views_roles.role_new, name="role-new"),
    path("roles/<int:pk>/", views_roles.role_board, name="role-board"),
    path("roles/<int:pk>/plan/", views_roles.role_plan, name="role-plan"),
    path("roles/<int:pk>/settings/", views_roles.role_update, name="role-update"),
    path("roles/<int:pk>/stages/", views_roles.plan_stage_add, name="plan-stage-add"),
    path("stages/<int:pk>/", views_roles.plan_stage_update, name="plan-stage-update"),
    path("stages/<int:pk>/move/", views_roles.plan_stage_move, name="plan-stage-move"),
    path("stages/<int:pk>/remove/", views_roles.plan_stage_remove, name="plan-stage-remove"),
    path("candidates/", views_candidates.candidates, name="candidates"),
    path("candidates/new/", views_candidates.candidate_new, name="candidate-new"),
    path("candidates/<int:pk>/", views_candidates.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/edit/", views_candidates.candidate_edit, name="candidate-edit"),
    path("candidates/<int:pk>/resume/", views_candidates.candidate_resume, name="candidate-resume"),
    path("candidates/<int:pk>/apply/", views_candidates.candidate_apply, name="candidate-apply"),
    path("applications/", views_applications.applications, name="applications"),
    path(
        "applications/<int:pk>/", views_applications.application_detail, name="application-detail"
    ),
    path(
        "applications/<int:pk>/move/", views_applications.application_move, name="application-move"
    ),
]
