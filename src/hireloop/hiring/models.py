"""Roles with their interview plans, candidates, applications and every move they make."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from hireloop.accounts.models import User, Workspace
from hireloop.library.models import (
    IndustryProfile,
    Recommendation,
    ScorecardVersion,
    Seniority,
    SkillRequirement,
    StageTemplate,
)


class RoleStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class Role(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=160)
    team = models.CharField(max_length=120, blank=True)
    seniority = models.CharField(max_length=10, choices=Seniority.choices)
    industry = models.ForeignKey(
        IndustryProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RoleStatus.choices, default=RoleStatus.OPEN)
    hiring_manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_roles"
    )
    # Overrides of the decision rules derived from the industry profile and seniority.
    rules = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return self.title


class PlanStage(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    template = models.ForeignKey(
        StageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scorecard_version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.PositiveSmallIntegerField()
    interviewers = models.ManyToManyField(User, blank=True, related_name="stage_pools")

    class Meta:
        ordering = ["role", "position"]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class SkillCheck(models.Model):
    """A skill from the verification matrix and the stage of this role that verifies it."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="skill_checks")
    skill = models.ForeignKey(SkillRequirement, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(
        PlanStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="skill_checks"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="one_check_per_skill")
        ]

    def __str__(self) -> str:
        return f"{self.skill} in {self.stage or 'no stage'}"


class Candidate(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=160)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    current_title = models.CharField(max_length=160, blank=True)
    skills = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=80, blank=True)
    notes = models.TextField(blank=True)
    resume_name = models.CharField(max_length=200, blank=True)
    resume_kind = models.CharField(max_length=8, blank=True)
    resume_text = models.TextField(blank=True)
    # Lower-cased name, email, title, skills and résumé text: what candidate search looks in.
    search_document = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"], name="candidate_email_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    HIRED = "hired", "Hired"


class Application(models.Model):
    # Still in the process: it may be scheduled, assigned tasks, prepared for and withdrawn. The
    # other statuses close it for good. For querysets: ``status__in=Application.OPEN_STATUSES``.
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = (ApplicationStatus.ACTIVE, ApplicationStatus.ON_HOLD)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="applications")
    stage = models.ForeignKey(PlanStage, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE
    )
    stage_entered_at = models.DateTimeField()
    # Bumped by every move; a move names the version it saw, so concurrent moves cannot both win.
    version = models.PositiveIntegerField(default=1)
    # The recommendation of the newest submitted scorecard, kept by interviews.services as
    # scorecards are submitted or amended: the board shows it without reading every scorecard.
    latest_recommendation = models.CharField(
        max_length=16, choices=Recommendation.choices, blank=True
    )
    latest_recommendation_at = models.DateTimeField(null=True, blank=True)  # its submitted_at
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "role"], name="one_application_per_role")
        ]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["role", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.role}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Action(models.TextChoices):
    CREATE = "create", "Applied"
    ADVANCE = "advance", "Advanced"
    BACK = "back", "Moved back"
    REJECT = "reject", "Rejected"
    WITHDRAW = "withdraw", "Withdrew"
    HOLD = "hold", "Put on hold"
    RESUME = "resume", "Resumed"
    HIRE = "hire", "Hired"


class RejectReason(models.TextChoices):
    SKILLS = "skills", "Skills below the bar for the role"
    LEVEL = "level", "Experience does not match the level"
    COMMUNICATION = "communication", "Communication or collaboration concerns"
    CONDUCT = "conduct", "Conduct during the process"
    COMPENSATION = "compensation", "Compensation expectations"
    FILLED = "filled", "Role filled or closed"
    OTHER = "other", "Other"


class Transition(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    from_stage = models.ForeignKey(
        PlanStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(
        PlanStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["application", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reject") | ~Q(reason=""), name="rejection_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.action}"
