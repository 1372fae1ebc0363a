"""What the forms of every app share."""

from __future__ import annotations

from django import forms


def restrict_fields(form: forms.BaseForm, allowed: tuple[str, ...]) -> None:
    """Keep only the fields the user's role may edit: a form never offers more than the action accepts."""
    for name in list(form.fields):
        if name not in allowed:
            del form.fields[name]
