from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import auth, interviews

urlpatterns = [
    path("", interviews.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/", auth.switch_workspace, name="switch-workspace"),
    # One module per area, so each area's pages are added in one place.
    path("", include("hireloop.web.urls_hiring")),
    path("", include("hireloop.web.urls_decisions")),
    path("", include("hireloop.web.urls_interviews")),
    path("", include("hireloop.web.urls_assessments")),
    path("", include("hireloop.web.urls_library")),
]
