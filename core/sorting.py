"""Sorting a list page by one of its visible columns (`?sort=name`, `?sort=-name`).

Only whitelisted columns sort: a column sorts by a database path (its `order_by`, or its own
name when it shows a plain field of the model); a column computed in Python (a label looked up in
a pack, a person's name) does not. The primary key follows as a secondary key in the same
direction, so that rows with equal values keep one stable order from page to page. A field with
choices sorts in the order of its choices (后备园区, 示范基地, 警示, 整改, 撤销), not by its stored
English key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, IntegerField, OrderBy, Value, When

ASC = "ascending"
DESC = "descending"


@dataclass(frozen=True)
class SortKey:
    path: str
    field: models.Field[Any, Any]

    def expressions(self, descending: bool) -> list[Any]:
        choices = [value for value, _label in self.field.flatchoices] if self.field.choices else []
        if choices and not isinstance(self.field, (models.IntegerField, models.BooleanField)):
            rank = Case(
                *[When(**{self.path: value}, then=Value(i)) for i, value in enumerate(choices)],
                default=Value(len(choices)),
                output_field=IntegerField(),
            )
            first: Any = rank.desc() if descending else rank.asc()
        else:
            first = f"-{self.path}" if descending else self.path
        return [first, "-pk" if descending else "pk"]


def field_at(model: type[models.Model], path: str) -> models.Field[Any, Any] | None:
    """The concrete, non-relational field a path ends in, through forward relations only; None
    for anything else (a reverse relation, a many-to-many, a property)."""
    current: Any = model
    parts = path.split("__")
    for i, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        last = i == len(parts) - 1
        if field.is_relation:
            if last or not (field.many_to_one or field.one_to_one) or (field.auto_created and not field.concrete):
                return None
            current = field.related_model
            continue
        if not last or not getattr(field, "concrete", False):
            return None
        return field
    return None


def default_path(queryset: models.QuerySet[Any]) -> tuple[str, bool] | None:
    """The first key of a queryset's own ordering, as (path, descending), when it is a plain path."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    if not ordering:
        return None
    first = ordering[0]
    if isinstance(first, OrderBy):
        return None
    if not isinstance(first, str):
        return None
    return first.lstrip("-"), first.startswith("-")
