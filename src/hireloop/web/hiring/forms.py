"""Forms for roles, interview plans, candidates and pipeline moves. They only shape input for the
hiring services; the services validate again and their messages are shown beside the fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from hireloop.hiring.models import RejectReason, RoleStatus
from hireloop.hiring.services import CANDIDATE_FIELDS
from hireloop.library.models import Seniority

from ..forms import Choices, DomainErrorsMixin, LinesField


class CommaField(forms.CharField):
    """A text input where comma-separated values become a list."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class RoleForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(max_length=160)
    team = forms.CharField(max_length=120, required=False)
    seniority = forms.ChoiceField(choices=Seniority.choices, label="Target seniority")
    industry = forms.ChoiceField(
        required=False,
        label="Industry profile",
        help_text="Shapes which competencies weigh most and which questions are suggested.",
    )
    hiring_manager = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Hiring manager"
    )

    def __init__(self, *args: Any, industries: Choices, managers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "No particular industry"), *industries]  # type: ignore[attr-defined]
        self.fields["hiring_manager"].choices = [("", "Nobody yet"), *managers]  # type: ignore[attr-defined]


class RoleSettingsForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(max_length=160)
    team = forms.CharField(max_length=120, required=False)
    seniority = forms.ChoiceField(choices=Seniority.choices, label="Target seniority")
    status = forms.ChoiceField(choices=RoleStatus.choices)
    industry = forms.ChoiceField(required=False, label="Industry profile")

    def __init__(self, *args: Any, industries: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "role")
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "No particular industry"), *industries]  # type: ignore[attr-defined]


class StageAddForm(DomainErrorsMixin, forms.Form):
    """A stage from scratch, or from a library stage template that fills in what is left empty."""

    template = forms.ChoiceField(
        required=False,
        label="Start from a library stage",
        help_text="Fills in the name, length and scorecard you leave empty.",
    )
    name = forms.CharField(max_length=120, required=False)
    scorecard = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    minutes = forms.IntegerField(required=False, min_value=5, max_value=480)

    aliases = {"scorecard_id": "scorecard", "scorecard_version": "scorecard"}

    def __init__(
        self,
        *args: Any,
        templates: list[Any],
        scorecards: Choices,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.templates = {t.slug: t for t in templates}
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            ("", "No template"),
            *((t.slug, t.name) for t in templates),
        ]
        self.fields["scorecard"].choices = [("", "Choose a scorecard"), *scorecards]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        template = self.templates.get(cd.get("template") or "")
        if template is not None:
            cd["name"] = cd.get("name") or template.name
            cd["minutes"] = cd.get("minutes") or template.minutes
            if not cd.get("scorecard") and template.scorecard_id:
                cd["scorecard"] = template.scorecard_id
        for name, message in (
            ("name", "Name the stage, or start from a library stage."),
            ("scorecard", "Choose the scorecard interviewers fill in at this stage."),
            ("minutes", "How long is this stage, in minutes?"),
        ):
            if not cd.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cd


class StageEditForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=120)
    minutes = forms.IntegerField(min_value=5, max_value=480)
    scorecard = forms.TypedChoiceField(coerce=int)
    interviewers = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Interviewer pool",
        widget=forms.CheckboxSelectMultiple,
        help_text="People in the pool see this role and can be booked for its interviews.",
    )

    aliases = {"scorecard_id": "scorecard", "scorecard_version": "scorecard"}

    def __init__(
        self, *args: Any, stage_id: int, scorecards: Choices, members: Choices, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"stage{stage_id}")
        super().__init__(*args, **kwargs)
        self.fields["scorecard"].choices = scorecards  # type: ignore[attr-defined]
        self.fields["interviewers"].choices = members  # type: ignore[attr-defined]


class CandidateForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=160)
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=40, required=False)
    location = forms.CharField(max_length=120, required=False)
    years_experience = forms.IntegerField(
        required=False, min_value=0, max_value=60, label="Years of experience"
    )
    level = forms.ChoiceField(
        required=False,
        choices=[("", "Not assessed yet"), *Seniority.choices],
        label="Experience level",
    )
    current_title = forms.CharField(max_length=160, required=False)
    skills = CommaField(required=False, help_text="Separate skills with commas.")
    links = LinesField(required=False, help_text="One link per line: profile, portfolio, code.")
    source = forms.CharField(
        max_length=80, required=False, help_text="Where they came from, e.g. referral."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    FIELDS = CANDIDATE_FIELDS  # what the service accepts, in the form's order

    @classmethod
    def initial_from(cls, candidate: Any) -> dict[str, Any]:
        return {name: getattr(candidate, name) for name in cls.FIELDS}

    def to_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


_USED_BY = re.compile(r"already used by candidate (\d+)")


def existing_candidate_id(field_errors: dict[str, list[str]]) -> int | None:
    """The id in a duplicate-email Conflict ("already used by candidate 12"), if it names one."""
    for message in field_errors.get("email", []):
        if match := _USED_BY.search(message):
            return int(match[1])
    return None


class ApplyForm(forms.Form):
    role = forms.TypedChoiceField(coerce=int, label="Role")

    def __init__(self, *args: Any, roles: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose an open role"), *roles]  # type: ignore[attr-defined]


MOVE_ACTIONS = ("advance", "back", "hold", "resume", "withdraw", "hire", "reject")


class MoveForm(DomainErrorsMixin, forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in MOVE_ACTIONS])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        required=False, choices=[("", "Choose a reason"), *RejectReason.choices]
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if cd.get("action") == "reject" and not cd.get("reason"):
            self.add_error("reason", "Choose a reason for the rejection.")
        return cd
