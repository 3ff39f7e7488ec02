"""Pages of interviews: the home page, scheduling, the interview page and invite, live mode and
scorecards."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "applications/<int:pk>/interviews/new/",
        views.interview_schedule,
        name="interview-schedule",
    ),
    path("interviews/<int:pk>/", views.interview_detail, name="interview-detail"),
    path(
        "interviews/<int:pk>/reschedule/",
        views.interview_reschedule,
        name="interview-reschedule",
    ),
    path("interviews/<int:pk>/cancel/", views.interview_cancel, name="interview-cancel"),
    path("interviews/<int:pk>/invite.ics", views.interview_invite, name="interview-invite"),
    path("interviews/<int:pk>/live/", views.interview_live, name="interview-live"),
    path(
        "interviews/<int:pk>/scorecard/",
        views.interview_scorecard,
        name="interview-scorecard",
    ),
    path(
        "interviews/<int:pk>/scorecard/draft/",
        views.scorecard_draft,
        name="interview-scorecard-draft",
    ),
    path(
        "interviews/<int:pk>/scorecard/amend/",
        views.scorecard_amend,
        name="interview-scorecard-amend",
    ),
]
