"""Model validation for the services: one way to check a model instance built from user input
and report what is wrong as the project's ``InvalidInput``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from .errors import InvalidInput

DEFAULT_MESSAGE = "Please correct the highlighted fields."


def validated_save(
    obj: models.Model,
    *,
    exclude: Iterable[str] | None = None,
    update_fields: Iterable[str] | None = None,
    validate_unique: bool = True,
    message: str = DEFAULT_MESSAGE,
) -> None:
    """``full_clean`` then ``save``. A ValidationError becomes InvalidInput(``message``) whose
    ``field_errors`` name the fields (errors not tied to a field under ``__all__``), so the web
    and API layers answer 400 with them instead of failing."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique)
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise InvalidInput(message, field_errors=fields) from None
    obj.save(update_fields=update_fields)
