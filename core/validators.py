"""Validators of model and form fields that say what the file imports say, in the same words.

`not_in_future` is the import's rule for a date (`core.tabular.read_date(…, today=…)`, rule
`future_date`: “日期不能晚于今天（2026-03-01）”), as a Django validator: a model field that carries it
refuses a later date on every path — the API's serializers and the pages' model forms take the
validators of the model field, and `save_logged` runs `full_clean`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.tabular.cells import CellProblem, read_date
from core.tabular.errors import rule_text


def not_in_future(value: Any) -> None:
    """A date no later than today in Beijing (Asia/Shanghai): entries, exits, a base's opening."""
    if not isinstance(value, datetime.date):
        return  # not a date: the field's own parsing says so
    try:
        read_date(value, today=timezone.localdate())
    except CellProblem as problem:
        raise ValidationError(rule_text(problem.code, **problem.params), code=problem.code) from None
