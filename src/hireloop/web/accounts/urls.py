"""Pages of signing in and out, switching workspace, and the workspace's settings and tokens."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views_auth, views_settings

urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/", views_auth.switch_workspace, name="switch-workspace"),
    path("settings/", views_settings.workspace_settings, name="settings"),
    path("settings/tokens/", views_settings.tokens, name="settings-tokens"),
    path(
        "settings/tokens/<int:pk>/revoke/",
        views_settings.token_revoke,
        name="settings-token-revoke",
    ),
]
