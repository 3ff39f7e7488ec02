"""Forms for scheduling interviews, and the parsing of a scorecard from a page (form fields) or
from the autosave (JSON). The parsing only shapes input: the scorecard's rules are checked once,
by the services (hireloop.interviews.validation)."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from hireloop.interviews.validation import MAX_QUESTIONS

from ..forms import Choices, DomainErrorsMixin

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _zone_help() -> str:
    return f"Date and time in {timezone.get_current_timezone_name()}."


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is read in the server's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class ScheduleForm(DomainErrorsMixin, forms.Form):
    stage = forms.TypedChoiceField(coerce=int, label="Stage")
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=480,
        label="Length in minutes",
        help_text="Leave empty for the stage's own length.",
    )
    interviewers = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Interviewers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one interviewer."},
    )
    location = forms.CharField(
        max_length=300,
        required=False,
        label="Meeting link or room",
        help_text="A video link (https://…) or a room name. Both go into the calendar invite.",
    )

    aliases = {"interviewer_ids": "interviewers", "stage_id": "stage"}

    def __init__(self, *args: Any, stages: Choices, members: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "schedule")
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _zone_help()
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]
        self.fields["interviewers"].choices = members  # type: ignore[attr-defined]


class RescheduleForm(DomainErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label="New time",
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(min_value=5, max_value=480, label="Length in minutes")
    location = forms.CharField(max_length=300, required=False, label="Meeting link or room")
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason",
        help_text="Kept in the scheduling history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _zone_help()


class CancelForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        error_messages={"required": "Say why the interview is cancelled."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


# Scorecards ---------------------------------------------------------------------------------


class BadScorecard(ValueError):
    """The request body does not have the shape of a scorecard."""


def _int_or_none(value: Any, what: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise BadScorecard(f"{what} must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadScorecard(f"{what} must be a whole number") from None


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise BadScorecard(f"{what} must be text")
    return str(value)


def _texts(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadScorecard(f"{what} must be a list")
    return [_text(v, what) for v in value]


def _dict(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadScorecard(f"{what} must be an object")
    return value


def clean_scorecard(payload: Any) -> dict[str, Any]:
    """A scorecard draft in the shape the services expect, whatever arrived as JSON.

    ``questions`` is left out when absent, so a save without it keeps the questions asked."""
    body = _dict(payload, "the scorecard")
    data: dict[str, Any] = {
        "ratings": {
            str(slug): _int_or_none(value, f"the rating of '{slug}'")
            for slug, value in _dict(body.get("ratings"), "ratings").items()
        },
        "signals": {
            str(slug): {
                side: _texts(_dict(ticked, "signals").get(side), "signals")
                for side in ("strong", "weak")
            }
            for slug, ticked in _dict(body.get("signals"), "signals").items()
        },
        "red_flags": _texts(body.get("red_flags"), "red flags"),
        "notes": _text(body.get("notes"), "notes"),
        "recommendation": _text(body.get("recommendation"), "the recommendation"),
    }
    if "questions" in body and body["questions"] is not None:
        if not isinstance(body["questions"], list):
            raise BadScorecard("questions must be a list")
        # One more than allowed: the validator still refuses too many, and a huge list costs
        # no more than that to parse.
        data["questions"] = [
            _question(_dict(q, "a question"), n)
            for n, q in enumerate(body["questions"][: MAX_QUESTIONS + 1])
        ]
    return data


def _question(q: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "question_id": _int_or_none(q.get("question_id"), f"question {n + 1}'s id"),
        "prompt": _text(q.get("prompt"), f"question {n + 1}'s prompt").strip(),
        "notes": _text(q.get("notes"), f"question {n + 1}'s notes"),
        "score": _int_or_none(q.get("score"), f"question {n + 1}'s score"),
        "skipped": bool(q.get("skipped")),
    }


_QUESTION_FIELD = re.compile(r"^q-(\d+)-(question_id|prompt|notes|score|skipped)$")


def scorecard_from_post(post: QueryDict, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """The scorecard fields of a page's form: ``rating-<slug>`` radios, ``strong-<slug>`` and
    ``weak-<slug>`` checkboxes, ``red_flags``, ``notes``, ``recommendation`` and, when the form
    carries the questions asked (``questions_present``), ``q-<n>-<field>``."""
    payload: dict[str, Any] = {
        "ratings": {c["slug"]: post.get(f"rating-{c['slug']}") or None for c in criteria},
        "signals": {
            c["slug"]: {
                "strong": post.getlist(f"strong-{c['slug']}"),
                "weak": post.getlist(f"weak-{c['slug']}"),
            }
            for c in criteria
        },
        "red_flags": post.getlist("red_flags"),
        "notes": post.get("notes", ""),
        "recommendation": post.get("recommendation", ""),
    }
    if post.get("questions_present"):
        rows: dict[int, dict[str, Any]] = {}
        for key in post:
            if match := _QUESTION_FIELD.match(key):
                rows.setdefault(int(match[1]), {})[match[2]] = post.get(key)
        payload["questions"] = [rows[n] for n in sorted(rows)]
    return clean_scorecard(payload)


def scorecard_from_request(request: HttpRequest, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """The autosave body: JSON (what the page's script sends) or the form fields."""
    if (request.content_type or "").startswith("application/json"):
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            raise BadScorecard("the body is not valid JSON") from None
        return clean_scorecard(payload)
    return scorecard_from_post(request.POST, criteria)
