"""Pages of the debrief and decision, a role's decision rules, preparation links and settings."""

from django.urls import path

from .views import decisions, settings

urlpatterns = [
    path("applications/<int:pk>/debrief/", decisions.debrief, name="application-debrief"),
    path("applications/<int:pk>/decision/", decisions.decision_record, name="application-decision"),
    path(
        "applications/<int:pk>/focus-areas/",
        decisions.focus_area_request,
        name="application-focus-area",
    ),
    path("applications/<int:pk>/prep-link/", decisions.prep_link, name="application-prep-link"),
    path("roles/<int:pk>/rules/", decisions.role_rules, name="role-rules"),
    path("settings/", settings.workspace_settings, name="settings"),
    path("settings/tokens/", settings.tokens, name="settings-tokens"),
    path("settings/tokens/<int:pk>/revoke/", settings.token_revoke, name="settings-token-revoke"),
]
