"""Forms for the debrief, a role's decision rules and preparation links.
They only shape input for the services; the services validate again and their messages are shown
beside the fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from hireloop.decisions.models import Outcome
from hireloop.decisions.suggest import WEIGHT_MAX
from hireloop.hiring.prep import MAX_DAYS
from hireloop.library.models import Seniority

from ..forms import DomainErrorsMixin

MINIMUM_RANGE = (1.0, 5.0)
# A minimum of 1 can never block (every rating is at least 1): it is how "no minimum" is stored
# when the derived rules have one.
NO_MINIMUM = 1.0


class DecisionForm(DomainErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome."},
    )
    level = forms.ChoiceField(
        required=False,
        choices=[("", "Choose a level"), *Seniority.choices],
        label="Level to hire at",
    )
    rationale = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this outcome: kept with the decision and in the audit log.",
        error_messages={"required": "Explain the decision in a sentence or two."},
    )

    def __init__(self, *args: Any, role_level: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        if role_level:
            self.mark_role_level(role_level)

    def mark_role_level(self, role_level: str) -> None:
        """Name the role's own level among the choices (the form is checked without it)."""
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a level"),
            *(
                (value, f"{label} (the role's level)" if value == role_level else label)
                for value, label in Seniority.choices
            ),
        ]


class PrepLinkForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=14,
        label="Valid for (days)",
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DAYS, "inputmode": "numeric"}),
    )


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


class RulesForm(DomainErrorsMixin, forms.Form):
    """A weight and a minimum per competency, the two vetoes and the proceed threshold.

    ``base`` holds the derived values; ``overrides()`` keeps only what differs from them."""

    veto_strong_no_hire = forms.BooleanField(
        required=False, label="Any strong no hire blocks an automatic proceed"
    )
    veto_serious_red_flag = forms.BooleanField(
        required=False, label="A serious red flag blocks an automatic proceed"
    )
    proceed_at = forms.FloatField(
        min_value=1,
        max_value=5,
        label="Proceed at a weighted average of",
        widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 0.1}),
        error_messages={"required": "Enter a score from 1 to 5."},
    )

    def __init__(
        self,
        *args: Any,
        competencies: list[tuple[str, str]],
        base_weights: Mapping[str, float],
        base_minimums: Mapping[str, float],
        base_flags: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.base_weights = base_weights
        self.base_minimums = base_minimums
        self.base_flags = base_flags
        for slug, name in competencies:
            self.fields[f"w_{slug}"] = forms.FloatField(
                required=False,
                min_value=0,
                label=f"Weight of {name}",
                widget=forms.NumberInput(attrs={"min": 0, "max": WEIGHT_MAX, "step": 0.25}),
            )
            self.fields[f"m_{slug}"] = forms.FloatField(
                required=False,
                label=f"Minimum for {name}",
                widget=forms.NumberInput(
                    attrs={"min": 1, "max": 5, "step": 0.5, "placeholder": "none"}
                ),
            )

    def base_weight(self, slug: str) -> float:
        return self.base_weights.get(slug, 1.0)

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        low, high = MINIMUM_RANGE
        for slug, _ in self.competencies:
            weight = cd.get(f"w_{slug}")
            # A derived weight may exceed the editable range (e.g. 2.5 x 1.25): keeping it is fine.
            if (
                weight is not None
                and weight > WEIGHT_MAX
                and not _same(weight, self.base_weight(slug))
            ):
                self.add_error(f"w_{slug}", f"Between 0 and {WEIGHT_MAX:g}.")
            minimum = cd.get(f"m_{slug}")
            if minimum is not None and not low <= minimum <= high:
                self.add_error(f"m_{slug}", f"Between {low:g} and {high:g}, or blank for none.")
        return cd

    def overrides(self) -> dict[str, Any]:
        """The values that differ from the derived rules, in the shape ``role_rules_update``
        takes; an empty dict means the derived rules apply unchanged."""
        cd = self.cleaned_data
        weights: dict[str, float] = {}
        minimums: dict[str, float] = {}
        for slug, _ in self.competencies:
            weight = cd.get(f"w_{slug}")
            if weight is not None and not _same(weight, self.base_weight(slug)):
                weights[slug] = weight
            minimum = cd.get(f"m_{slug}")
            derived = self.base_minimums.get(slug)
            if minimum is None or minimum <= NO_MINIMUM:
                if derived is not None and derived > NO_MINIMUM:
                    minimums[slug] = NO_MINIMUM
            elif derived is None or not _same(minimum, derived):
                minimums[slug] = minimum
        data: dict[str, Any] = {}
        if weights:
            data["weights"] = weights
        if minimums:
            data["minimums"] = minimums
        for key in ("veto_strong_no_hire", "veto_serious_red_flag"):
            if bool(cd.get(key)) != bool(self.base_flags[key]):
                data[key] = bool(cd.get(key))
        if not _same(cd["proceed_at"], self.base_flags["proceed_at"]):
            data["proceed_at"] = cd["proceed_at"]
        return data
