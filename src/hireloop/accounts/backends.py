"""Sign-in with Django's model backend; the signed-in user is read on each request with one
fixed query instead of the ORM (see ``hireloop.lib.rows``), their memberships with them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .models import User
from .selectors import user_with_memberships


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = user_with_memberships(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
