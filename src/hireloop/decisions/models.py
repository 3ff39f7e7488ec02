"""Focus areas requested for the next interviewers, and the recorded hiring decisions."""

from __future__ import annotations

from django.db import models

from hireloop.accounts.models import User
from hireloop.hiring.models import Application
from hireloop.library.models import Competency, Seniority


class FocusArea(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="focus_areas"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-created_at"]

    def __str__(self) -> str:
        return f"{self.competency} for {self.application_id}"


class Outcome(models.TextChoices):
    HIRE = "hire", "Hire"
    HIRE_AT_LEVEL = "hire_at_level", "Hire at another level"
    NO_HIRE = "no_hire", "No hire"
    ANOTHER_ROUND = "another_round", "One more round"


class Decision(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    level = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    rationale = models.TextField()
    # What Hireloop suggested when the decision was taken, so it can be explained later.
    suggestion = models.JSONField(default=dict)
    decided_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-at"]

    def __str__(self) -> str:
        return f"{self.outcome} for {self.application_id}"
