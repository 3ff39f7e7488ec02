"""Practical tasks given to candidates, what they submitted, and the grading of each submission."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hireloop.accounts.models import User, Workspace
from hireloop.hiring.models import Application
from hireloop.library.models import PracticalTask


class Assignment(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    task = models.ForeignKey(PracticalTask, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The reviewer's own score (1-5) ends blind review: until then names stay hidden.
    review_score = models.PositiveSmallIntegerField(null=True, blank=True)
    review_notes = models.TextField(blank=True, max_length=5000)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_score__isnull=True) | Q(review_score__range=(1, 5)),
                name="review_score_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} for {self.application}"


class SubmissionKind(models.TextChoices):
    ARCHIVE = "archive", "Project archive"
    TEXT = "text", "SQL text"


class Submission(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=10, choices=SubmissionKind.choices)
    # Archives are kept on disk under MEDIA_ROOT; SQL and DDL are kept in the row.
    archive = models.FileField(upload_to="submissions/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"Submission {self.pk} for {self.assignment_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Grading"
    DONE = "done", "Done"
    FAILED = "failed", "Could not grade"


class GradingRun(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.FloatField(default=0)
    message = models.CharField(max_length=200, blank=True)
    log = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who holds the run: set by the claiming update, checked by every later write.
    claimed_by = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    artifacts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Grading run {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class CheckOutcome(models.TextChoices):
    PASS = "pass", "Pass"
    PARTIAL = "partial", "Partial"
    FAIL = "fail", "Fail"


class CheckResult(models.Model):
    run = models.ForeignKey(GradingRun, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveSmallIntegerField()
    check_id = models.CharField(max_length=80)
    criterion = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    result = models.CharField(max_length=10, choices=CheckOutcome.choices)
    points = models.FloatField()
    max_points = models.FloatField()
    evidence = models.TextField(blank=True)
    override_result = models.CharField(max_length=10, choices=CheckOutcome.choices, blank=True)
    override_points = models.FloatField(null=True, blank=True)
    override_reason = models.TextField(blank=True, max_length=2000)
    overridden_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="one_check_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {self.result}"

    @property
    def final_result(self) -> str:
        return self.override_result or self.result

    @property
    def final_points(self) -> float:
        return self.points if self.override_points is None else self.override_points
