from django.urls import include, path

urlpatterns = [
    # One package per area, so each area's pages are added in one place.
    path("", include("hireloop.web.accounts.urls")),
    path("", include("hireloop.web.hiring.urls")),
    path("", include("hireloop.web.decisions.urls")),
    path("", include("hireloop.web.interviews.urls")),
    path("", include("hireloop.web.assessments.urls")),
    path("", include("hireloop.web.library.urls")),
]
