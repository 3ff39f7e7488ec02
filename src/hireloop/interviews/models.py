"""Scheduled interviews, their interviewers, and the scorecards interviewers fill in."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hireloop.accounts.models import User, Workspace
from hireloop.hiring.models import Application, PlanStage
from hireloop.library.models import Question, Recommendation, ScorecardVersion


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Interview(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="interviews")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    stage = models.ForeignKey(PlanStage, on_delete=models.PROTECT, related_name="interviews")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED
    )
    scorecard_version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="+"
    )
    interviewers = models.ManyToManyField(User, related_name="interviews")
    # RFC 5545 SEQUENCE: calendar clients replace an invite only when it grows.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status", "starts_at"])]
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.stage.name} with {self.application.candidate}"


class InterviewChange(models.Model):
    """Scheduling history: when an interview was booked, moved or cancelled, by whom and why."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(
        max_length=12,
        choices=[("schedule", "Scheduled"), ("reschedule", "Rescheduled"), ("cancel", "Cancelled")],
    )
    starts_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.interview_id}"


class FeedbackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Feedback(models.Model):
    """One interviewer's scorecard for one interview, rated against a frozen scorecard version."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="feedback")
    interviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="feedback")
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.DRAFT
    )
    ratings = models.JSONField(default=dict, blank=True)  # criterion slug -> 1..5
    signals = models.JSONField(default=dict, blank=True)  # criterion slug -> {strong: [], weak: []}
    red_flags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "interviewer"], name="one_scorecard_each")
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.interview_id}"


class FeedbackRevision(models.Model):
    """Every submitted version of a scorecard, with the reason for amending it."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=500, blank=True)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "number"], name="one_revision_number")
        ]
        ordering = ["feedback", "number"]

    def __str__(self) -> str:
        return f"{self.feedback_id} r{self.number}"


class QuestionNote(models.Model):
    """A question asked (or skipped) in the interview, with notes and an optional 1-5 score."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.TextField()
    position = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["feedback", "position"]

    def __str__(self) -> str:
        return self.prompt[:60]
