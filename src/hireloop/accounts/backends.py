"""Sign-in with Django's model backend; the signed-in user is read with one fixed query on
each request instead of the ORM (see ``hireloop.lib.rows``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from hireloop.lib.rows import RowReader

from .models import User

_USER = RowReader(User)


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_USER.columns('u')} FROM {User._meta.db_table} u WHERE u.id = %s",  # noqa: S608
                [pk],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        user = _USER.build(row)
        return user if self.user_can_authenticate(user) else None
