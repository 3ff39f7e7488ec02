"""Users, workspaces, memberships with roles, API tokens, the audit log and sign-in failures."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored lower-case; people type them however they like.
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in with an email address; there is no separate username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class FeedbackVisibility(models.TextChoices):
    NEVER = "never", "Never (hiring managers and admins only)"
    AFTER_OWN = "after_own", "After the interviewer submits their own"
    ALWAYS = "always", "Always"


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "lower-case words and hyphens")],
    )
    feedback_visibility = models.CharField(
        max_length=20, choices=FeedbackVisibility.choices, default=FeedbackVisibility.AFTER_OWN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    RECRUITER = "recruiter", "Recruiter"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    INTERVIEWER = "interviewer", "Interviewer"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace"], name="one_membership_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"


class ApiToken(models.Model):
    """A token for scripts; only a hash is stored, the secret is shown once at creation."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


class AuditVerb(models.TextChoices):
    """What an audit row records. The values are what ``AuditEvent.verb`` stores; the field has
    no ``choices`` (older rows keep their verbs, and no migration is needed for a new one)."""

    USER_CREATE = "user.create"
    WORKSPACE_CREATE = "workspace.create"
    WORKSPACE_UPDATE = "workspace.update"
    MEMBERSHIP_SET = "membership.set"
    API_TOKEN_CREATE = "api_token.create"  # noqa: S105 - a verb, not a secret
    API_TOKEN_REVOKE = "api_token.revoke"  # noqa: S105 - a verb, not a secret
    PACK_LOAD = "pack.load"
    QUESTION_COPY = "question.copy"
    QUESTION_UPDATE = "question.update"
    SCORECARD_COPY = "scorecard.copy"
    SCORECARD_UPDATE = "scorecard.update"
    ROLE_CREATE = "role.create"
    ROLE_UPDATE = "role.update"
    ROLE_RULES = "role.rules"
    PLAN_ADD_STAGE = "plan.add_stage"
    PLAN_UPDATE_STAGE = "plan.update_stage"
    PLAN_REMOVE_STAGE = "plan.remove_stage"
    PLAN_MOVE_STAGE = "plan.move_stage"
    CANDIDATE_CREATE = "candidate.create"
    CANDIDATE_UPDATE = "candidate.update"
    CANDIDATE_RESUME = "candidate.resume"
    PREP_LINK_CREATE = "prep_link.create"
    APPLICATION_CREATE = "application.create"
    # One per pipeline move (hiring.pipeline.MOVES): "application.<action>".
    APPLICATION_ADVANCE = "application.advance"
    APPLICATION_BACK = "application.back"
    APPLICATION_HOLD = "application.hold"
    APPLICATION_RESUME = "application.resume"
    APPLICATION_WITHDRAW = "application.withdraw"
    APPLICATION_HIRE = "application.hire"
    APPLICATION_REJECT = "application.reject"
    INTERVIEW_SCHEDULE = "interview.schedule"
    INTERVIEW_RESCHEDULE = "interview.reschedule"
    INTERVIEW_CANCEL = "interview.cancel"
    SCORECARD_SUBMIT = "scorecard.submit"
    SCORECARD_AMEND = "scorecard.amend"
    ASSIGNMENT_CREATE = "assignment.create"
    ASSIGNMENT_REVIEW = "assignment.review"
    SUBMISSION_CREATE = "submission.create"
    GRADING_RUN_RETRY = "grading_run.retry"
    GRADING_RUN_DONE = "grading_run.done"
    CHECK_OVERRIDE = "check.override"
    DECISION_RECORD = "decision.record"
    FOCUS_AREA_REQUEST = "focus_area.request"


class AuditEvent(models.Model):
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-at"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}:{self.object_id}"


class FailedLogin(models.Model):
    """One failed sign-in; recent rows decide whether further attempts are refused."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.at}"
