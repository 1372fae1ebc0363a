"""Forms of the facts the rules read, built from each fact model's editable fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from core.validators import AtMost
from policies.actions.facts import editable_fields
from policies.forms.fields import YuanField, yuan_label
from policies.models import EnterpriseFact


def fact_form_class(model: type[EnterpriseFact]) -> type[forms.Form]:
    """A form for one kind of fact: its editable fields, money in yuan, dates as date inputs."""
    attrs: dict[str, Any] = {}
    for name in editable_fields(model):
        field = model._meta.get_field(name)
        # The model's ceilings (policies.models.facts): a form field does not take them by itself.
        ceilings = [v for v in getattr(field, "validators", ()) if isinstance(v, AtMost)]
        if name.endswith("_fen"):
            attrs[name] = YuanField(
                label=yuan_label(field.verbose_name),  # type: ignore[union-attr]  # concrete field
                required=not field.blank,  # type: ignore[union-attr]  # concrete field
                fen_validators=ceilings,
            )
        else:
            formfield = field.formfield()  # type: ignore[union-attr]  # concrete field
            assert formfield is not None  # every editable fact field has a form field
            if isinstance(formfield, forms.DateField):
                formfield.widget = forms.DateInput(attrs={"type": "date"})
            formfield.validators.extend(ceilings)
            attrs[name] = formfield
    return type(f"{model.__name__}Form", (forms.Form,), attrs)


def fact_initial(fact: EnterpriseFact) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in editable_fields(type(fact)):
        value = getattr(fact, name)
        if name.endswith("_fen") and value is not None:
            value = Decimal(value) / 100
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[name] = value
    return out
