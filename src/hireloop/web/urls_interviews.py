"""Pages of interviews: scheduling, the interview page and invite, live mode and scorecards."""

from django.urls import path

from .views import interviews

urlpatterns = [
    path(
        "applications/<int:pk>/interviews/new/",
        interviews.interview_schedule,
        name="interview-schedule",
    ),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview-detail"),
    path(
        "interviews/<int:pk>/reschedule/",
        interviews.interview_reschedule,
        name="interview-reschedule",
    ),
    path("interviews/<int:pk>/cancel/", interviews.interview_cancel, name="interview-cancel"),
    path("interviews/<int:pk>/invite.ics", interviews.interview_invite, name="interview-invite"),
    path("interviews/<int:pk>/live/", interviews.interview_live, name="interview-live"),
    path(
        "interviews/<int:pk>/scorecard/",
        interviews.interview_scorecard,
        name="interview-scorecard",
    ),
    path(
        "interviews/<int:pk>/scorecard/draft/",
        interviews.scorecard_draft,
        name="interview-scorecard-draft",
    ),
    path(
        "interviews/<int:pk>/scorecard/amend/",
        interviews.scorecard_amend,
        name="interview-scorecard-amend",
    ),
]
