"""What the forms of every area share: the way a service's errors reach the fields, and a field
for lists typed one item a line."""

from __future__ import annotations

from typing import Any

from django import forms

Choices = list[tuple[Any, str]]


class LinesField(forms.CharField):
    """A textarea where each non-empty line is one list item."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DomainErrorsMixin:
    """Put a service's ``field_errors`` beside the matching fields, the rest above the form."""

    fields: dict[str, forms.Field]
    aliases: dict[str, str] = {}

    def add_domain_errors(self, field_errors: dict[str, list[str]], fallback: str = "") -> None:
        added = False
        for name, messages in field_errors.items():
            name = self.aliases.get(name, name)
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]
                added = True
        if not added and fallback:
            self.add_error(None, fallback)  # type: ignore[attr-defined]
