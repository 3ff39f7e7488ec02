"""Forms of the settings pages: the workspace's own settings and its API tokens. They only shape
input for the services; the services validate again and their messages are shown beside the
fields."""

from __future__ import annotations

from django import forms

from hireloop.accounts.models import FeedbackVisibility

from ..forms import DomainErrorsMixin


class WorkspaceForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=120, label="Workspace name")
    feedback_visibility = forms.ChoiceField(
        choices=FeedbackVisibility.choices,
        widget=forms.RadioSelect,
        label="Interviewers see each other's scorecards",
        help_text="Hiring managers and admins always see every scorecard of their roles.",
    )


class TokenForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(
        max_length=80,
        label="Token name",
        help_text="What the token is for, e.g. “nightly export”.",
        error_messages={"required": "Name the token so you recognise it later."},
    )
