"""Pages of the debrief and decision, a role's decision rules and preparation links."""

from django.urls import path

from . import views

urlpatterns = [
    path("applications/<int:pk>/debrief/", views.debrief, name="application-debrief"),
    path("applications/<int:pk>/decision/", views.decision_record, name="application-decision"),
    path(
        "applications/<int:pk>/focus-areas/",
        views.focus_area_request,
        name="application-focus-area",
    ),
    path("applications/<int:pk>/prep-link/", views.prep_link, name="application-prep-link"),
    path("roles/<int:pk>/rules/", views.role_rules, name="role-rules"),
]
