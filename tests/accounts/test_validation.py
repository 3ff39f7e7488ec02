"""validated_save: the one way services check a model built from user input."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import Workspace
from hireloop.accounts.validation import validated_save


def test_invalid_fields_become_invalid_input_and_nothing_is_saved(db):
    workspace = Workspace(name="", slug="Not A Slug")
    with pytest.raises(InvalidInput) as caught:
        validated_save(workspace, message="Fix the workspace.")
    assert caught.value.message == "Fix the workspace."
    assert set(caught.value.field_errors) == {"name", "slug"}
    assert workspace.pk is None and not Workspace.objects.filter(slug="Not A Slug").exists()


def test_a_valid_instance_is_saved_with_only_the_fields_named(db):
    workspace = Workspace(name="Gamma", slug="gamma")
    validated_save(workspace)
    workspace.name, workspace.slug = "Gamma Two", "gamma-two"
    validated_save(workspace, update_fields=["name"])
    stored = Workspace.objects.get(pk=workspace.pk)
    assert (stored.name, stored.slug) == ("Gamma Two", "gamma")


def test_createuser_reports_the_invalid_fields(db):
    with pytest.raises(CommandError, match="Enter a valid email address"):
        call_command(
            "createuser", "--email", "not-an-email", "--password", "x" * 12, stdout=io.StringIO()
        )
