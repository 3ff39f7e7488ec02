"""The interview library: built-in rows (no workspace) loaded from packs, plus own copies.

Questions and scorecards can be copied into a workspace and edited there; a copy points at the
row it came from. Scorecards are templates whose meaning lives in immutable versions: anything
that records ratings points at a ScorecardVersion, never at the editable template.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hireloop.accounts.models import User, Workspace


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"


class QuestionKind(models.TextChoices):
    TECHNICAL_BASIC = "technical_basic", "Technical - basic"
    TECHNICAL_ADVANCED = "technical_advanced", "Technical - advanced"
    SITUATIONAL = "situational", "Situational"
    BEHAVIOURAL = "behavioural", "Behavioural (STAR)"
    MOTIVATION = "motivation", "Motivation"
    HR = "hr", "HR"


class Recommendation(models.TextChoices):
    STRONG_HIRE = "strong_hire", "Strong hire"
    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"
    STRONG_NO_HIRE = "strong_no_hire", "Strong no hire"


class Pack(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="competencies")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    why_it_matters = models.TextField()
    topics = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class WorkspaceCopyable(models.Model):
    """Built-in when ``workspace`` is null; otherwise a workspace's own copy (or own entry)."""

    workspace = models.ForeignKey(Workspace, null=True, blank=True, on_delete=models.CASCADE)
    pack = models.ForeignKey(Pack, null=True, blank=True, on_delete=models.SET_NULL)
    slug = models.SlugField(max_length=80)
    retired = models.BooleanField(default=False)  # gone from the pack but still referenced
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_builtin(self) -> bool:
        return self.workspace_id is None


def _slug_constraints(model: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["slug"], condition=Q(workspace__isnull=True), name=f"{model}_builtin_slug"
        ),
        models.UniqueConstraint(fields=["workspace", "slug"], name=f"{model}_workspace_slug"),
    ]


class Question(WorkspaceCopyable):
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    prompt = models.TextField()
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    competencies = models.ManyToManyField(Competency, related_name="questions")
    primary_competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="primary_questions"
    )
    # Space-delimited (" junior mid ") so "suits level X" is a portable LIKE on any database.
    levels = models.CharField(max_length=40)
    minutes = models.PositiveSmallIntegerField()
    look_for = models.TextField()
    strong_signals = models.JSONField(default=list)
    weak_signals = models.JSONField(default=list)
    good_answer = models.JSONField(default=list)
    poor_answer = models.TextField()
    follow_ups = models.JSONField(default=list)
    red_flags = models.JSONField(default=list)
    strong_answer_names = models.JSONField(default=list)
    star = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = _slug_constraints("question")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["workspace", "retired"])]

    def __str__(self) -> str:
        return self.prompt[:80]

    @property
    def seniorities(self) -> list[str]:
        return self.levels.split()


class Scorecard(WorkspaceCopyable):
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    name = models.CharField(max_length=200)
    stage_slug = models.SlugField(max_length=80)
    summary = models.TextField()
    minutes = models.PositiveSmallIntegerField()
    current_version = models.ForeignKey(
        "ScorecardVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = _slug_constraints("scorecard")

    def __str__(self) -> str:
        return self.name


class ScorecardVersion(models.Model):
    """An immutable snapshot of a scorecard's criteria, anchors and red-flag checklist."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_number")
        ]
        ordering = ["scorecard", "-number"]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.number}"


class StageTemplate(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    summary = models.TextField()
    minutes = models.PositiveSmallIntegerField()
    focus = models.JSONField(default=list)
    participants = models.JSONField(default=list)
    success_criteria = models.JSONField(default=list)
    prep_tips = models.JSONField(default=list)
    typical_tasks = models.JSONField(default=list)
    discussion_points = models.JSONField(default=list)
    scorecard = models.ForeignKey(Scorecard, null=True, on_delete=models.SET_NULL, related_name="+")
    # Place in the default interview process; null for stages offered but not in it.
    process_position = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Process(models.Model):
    pack = models.OneToOneField(Pack, on_delete=models.CASCADE, related_name="process")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    typical_weeks_min = models.PositiveSmallIntegerField()
    typical_weeks_max = models.PositiveSmallIntegerField()
    agenda = models.JSONField(default=list)
    expectations = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "processes"

    def __str__(self) -> str:
        return self.name


class PracticalTask(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="tasks")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    brief = models.TextField()
    grader = models.CharField(max_length=20, blank=True)
    min_hours = models.FloatField()
    max_hours = models.FloatField()
    competencies = models.ManyToManyField(Competency, related_name="tasks")
    levels = models.CharField(max_length=40)
    scenario = models.JSONField(default=list)
    requirements = models.JSONField(default=list)
    deliverables = models.JSONField(default=list)
    evaluation_criteria = models.JSONField(default=list)
    common_mistakes = models.JSONField(default=list)
    tips = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def seniorities(self) -> list[str]:
        return self.levels.split()


class SkillRequirement(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="skills")
    slug = models.SlugField(max_length=80, unique=True)
    skill = models.CharField(max_length=200)
    priority = models.CharField(
        max_length=8, choices=[("must", "Must verify"), ("good", "Good to verify")]
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="skills")
    method = models.TextField()
    minimum = models.TextField(blank=True)
    criteria = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.skill


class IndustryProfile(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="industries")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    focus = models.JSONField(default=list)
    challenges = models.JSONField(default=list)
    emphasis = models.JSONField(default=list)
    weights = models.JSONField(default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class CandidateRedFlag(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="red_flags")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    severity = models.CharField(
        max_length=10, choices=[("caution", "Caution"), ("serious", "Serious")]
    )
    guidance = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PrepTopic(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="prep_topics")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    tips = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class LibraryVersion(models.Model):
    """A single row whose token changes with every write to the library, so that each server
    process can tell with one cheap read whether what it cached is still current
    (see ``hireloop.library.cache``)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
