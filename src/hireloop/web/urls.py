from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .views import auth

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="library", permanent=False), name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/", auth.switch_workspace, name="switch-workspace"),
    # One module per area, so each area's pages are added in one place.
    path("", include("hireloop.web.urls_hiring")),
    path("", include("hireloop.web.urls_library")),
]
