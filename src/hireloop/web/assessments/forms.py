"""Forms for practical tasks: assigning one, overriding a check, and the reviewer's score. They
only shape input; the assessment services validate again and their messages show beside the
fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from hireloop.accounts.errors import DomainError
from hireloop.assessments.models import CheckOutcome
from hireloop.assessments.services import default_deadline
from hireloop.library.models import PracticalTask

from ..forms import DomainErrorsMixin
from ..interviews.forms import DATETIME_LOCAL, LocalDateTimeInput
from .display import grader_label

REVIEW_SCORES = [
    (1, "1 · Poor"),
    (2, "2 · Weak"),
    (3, "3 · Solid"),
    (4, "4 · Strong"),
    (5, "5 · Outstanding"),
]


class MessageBesideField(DomainErrorsMixin):
    """For services whose ``field_errors`` hold short codes ("range", "1-5"): their message
    is the readable part, so it goes beside the first field they name."""

    def add_service_error(self, exc: DomainError) -> None:
        target = next((name for name in exc.field_errors if name in self.fields), None)
        self.add_error(target, exc.message)  # type: ignore[attr-defined]


def _task_choice(task: PracticalTask, now: datetime) -> tuple[int, str]:
    days = (default_deadline(task, now=now) - now).days
    graded = f"grades itself ({grader_label(task.grader)})" if task.grader else "reviewed by hand"
    return task.pk, f"{task.name} · {graded} · {days} days by default"


class AssignForm(MessageBesideField, forms.Form):
    task = forms.TypedChoiceField(
        coerce=int,
        label="Task",
        error_messages={"required": "Choose a task from the library."},
    )
    deadline = forms.DateTimeField(
        required=False,
        label="Deadline",
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, tasks: list[PracticalTask], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.fields["task"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a task"),
            *(_task_choice(t, now) for t in tasks),
        ]
        self.fields["deadline"].help_text = (
            f"In {timezone.get_current_timezone_name()}. Leave it empty for the task's usual "
            "time: a day per two hours of work, at least two days. At most 30 days away."
        )


class OverrideForm(DomainErrorsMixin, forms.Form):
    result = forms.ChoiceField(choices=CheckOutcome.choices, label="Result")
    points = forms.FloatField(min_value=0, label="Points")
    reason = forms.CharField(
        max_length=2000,
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the automatic result is wrong."},
    )

    def __init__(self, *args: Any, check_id: int, max_points: float, **kwargs: Any) -> None:
        # One form per check on the page: distinct ids, the same field names.
        kwargs.setdefault("auto_id", f"check-{check_id}-%s")
        super().__init__(*args, **kwargs)
        points = self.fields["points"]
        points.max_value = max_points  # type: ignore[attr-defined]
        points.validators.append(MaxValueValidator(max_points))
        points.widget.attrs["max"] = f"{max_points:g}"
        points.help_text = f"From 0 to {max_points:g}."


class ReviewForm(MessageBesideField, forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        choices=REVIEW_SCORES,
        widget=forms.RadioSelect,
        label="Your score",
        error_messages={"required": "Score the work from 1 to 5."},
    )
    notes = forms.CharField(
        required=False,
        max_length=5000,
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What stood out, good and bad. Other reviewers and the hiring manager read it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "review-%s")
        super().__init__(*args, **kwargs)
