"""Forms for editing a workspace's own library copies. Validation rules live in the pack schema;
these forms only turn fields into the schema's shape and show its messages beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from hireloop.library.models import QuestionKind, Seniority

from ..forms import LinesField


class QuestionForm(forms.Form):
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=QuestionKind.choices)
    competencies = forms.MultipleChoiceField(
        choices=[], help_text="The first one chosen in the list order is the primary competency."
    )
    seniorities = forms.MultipleChoiceField(
        choices=Seniority.choices, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.IntegerField(min_value=1, max_value=90)
    look_for = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What to look for")
    strong_signals = LinesField(help_text="One per line.")
    weak_signals = LinesField(help_text="One per line.")
    good_answer = LinesField(label="Outline of a good answer", help_text="One point per line.")
    poor_answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Example of a poor answer"
    )
    follow_ups = LinesField(label="Follow-up questions", help_text="One per line.")
    red_flags = LinesField(help_text="One per line.")
    strong_answer_names = LinesField(
        label="A strong answer names", help_text="Concepts and tools, one per line."
    )
    star_situation = forms.CharField(required=False, label="STAR: situation")
    star_task = forms.CharField(required=False, label="STAR: task")
    star_action = forms.CharField(required=False, label="STAR: action")
    star_result = forms.CharField(required=False, label="STAR: result")

    def __init__(
        self, *args: Any, competency_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = competency_choices  # type: ignore[attr-defined]

    def to_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("star_")}
        star = {
            k: self.cleaned_data[f"star_{k}"] for k in ("situation", "task", "action", "result")
        }
        data["star"] = star if any(star.values()) else None
        return data

    def add_schema_errors(self, field_errors: dict[str, list[str]]) -> None:
        for field, messages in field_errors.items():
            target = field if field in self.fields else None
            if field == "star":
                target = "star_situation"
            for message in messages:
                self.add_error(target, message)

    @staticmethod
    def initial_from(question: Any, competencies: list[str]) -> dict[str, Any]:
        initial = {
            name: getattr(question, name)
            for name in (
                "prompt",
                "kind",
                "minutes",
                "look_for",
                "strong_signals",
                "weak_signals",
                "good_answer",
                "poor_answer",
                "follow_ups",
                "red_flags",
                "strong_answer_names",
            )
        }
        initial["seniorities"] = question.seniorities
        initial["competencies"] = competencies
        for key, value in (question.star or {}).items():
            initial[f"star_{key}"] = value
        return initial


ANCHOR_POINTS = ("1", "2", "3", "4", "5")


class ScorecardForm(forms.Form):
    """Header fields plus one block of fields per criterion (prefix ``c<N>-``); a blank
    trailing block adds a criterion, and clearing a criterion's name removes it."""

    name = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.IntegerField(min_value=5, max_value=480)
    red_flags = LinesField(label="Red-flag checklist", help_text="One per line.")

    def __init__(
        self,
        *args: Any,
        criteria_count: int,
        competency_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria_count = criteria_count
        for i in range(criteria_count):
            p = f"c{i}-"
            self.fields[p + "name"] = forms.CharField(required=False, label="Criterion")
            self.fields[p + "slug"] = forms.SlugField(required=False, widget=forms.HiddenInput)
            self.fields[p + "competency"] = forms.ChoiceField(
                required=False, choices=[("", "Choose a competency"), *competency_choices]
            )
            self.fields[p + "description"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            for point in ANCHOR_POINTS:
                self.fields[p + "anchor" + point] = forms.CharField(
                    required=False, label=point, widget=forms.Textarea(attrs={"rows": 2})
                )
            self.fields[p + "sample_questions"] = LinesField(
                required=False, help_text="Question slugs, one per line."
            )
            self.fields[p + "strong_signals"] = LinesField(required=False)
            self.fields[p + "weak_signals"] = LinesField(required=False)

    def criterion_blocks(self) -> list[dict[str, Any]]:
        return [
            {
                "index": i,
                "fields": {
                    key.removeprefix(f"c{i}-"): self[key]
                    for key in self.fields
                    if key.startswith(f"c{i}-")
                },
            }
            for i in range(self.criteria_count)
        ]

    def to_data(self) -> dict[str, Any]:
        from django.utils.text import slugify

        cd = self.cleaned_data
        criteria = []
        for i in range(self.criteria_count):
            p = f"c{i}-"
            if not cd.get(p + "name"):
                continue
            criteria.append(
                {
                    "slug": cd.get(p + "slug") or slugify(cd[p + "name"])[:80],
                    "name": cd[p + "name"],
                    "competency": cd[p + "competency"],
                    "description": cd.get(p + "description", ""),
                    "anchors": {pt: cd.get(p + "anchor" + pt, "") for pt in ANCHOR_POINTS},
                    "sample_questions": cd.get(p + "sample_questions", []),
                    "strong_signals": cd.get(p + "strong_signals", []),
                    "weak_signals": cd.get(p + "weak_signals", []),
                }
            )
        return {
            "name": cd["name"],
            "summary": cd["summary"],
            "minutes": cd["minutes"],
            "red_flags": cd["red_flags"],
            "criteria": criteria,
        }

    @staticmethod
    def initial_from(card: Any, snapshot: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": snapshot["name"],
            "summary": snapshot["summary"],
            "minutes": snapshot["minutes"],
            "red_flags": snapshot["red_flags"],
        }
        for i, c in enumerate(snapshot["criteria"]):
            p = f"c{i}-"
            initial.update(
                {
                    p + k: c[k]
                    for k in (
                        "name",
                        "slug",
                        "competency",
                        "description",
                        "sample_questions",
                        "strong_signals",
                        "weak_signals",
                    )
                }
            )
            for point in ANCHOR_POINTS:
                initial[p + "anchor" + point] = c["anchors"][point]
        return initial
