"""What an application's status says about it."""

from __future__ import annotations

import pytest

from hireloop.hiring.models import Application, ApplicationStatus

OPEN = {ApplicationStatus.ACTIVE, ApplicationStatus.ON_HOLD}


@pytest.mark.parametrize("status", ApplicationStatus.values)
def test_an_application_is_open_while_active_or_on_hold(status: str) -> None:
    assert Application(status=status).is_open is (status in OPEN)


def test_the_open_statuses_are_what_is_open_says_for_querysets() -> None:
    assert set(Application.OPEN_STATUSES) == OPEN
