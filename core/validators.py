"""Validators of model and form fields that say what the file imports say, in the same words.

`not_in_future` is the import's rule for a date (`core.tabular.read_date(…, today=…)`, rule
`future_date`: “日期不能晚于今天（2026-03-01）”), as a Django validator: a model field that carries it
refuses a later date on every path — the API's serializers and the pages' model forms take the
validators of the model field, and `save_logged` runs `full_clean`.

`AtMost` is a ceiling on what someone reports (the policies' facts: security review, finding 1),
worded with the field's name and the bound.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.money import legal_amount
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


FEN = "fen"


@deconstructible
class AtMost:
    """A ceiling on a figure someone reports: money in fen (the bound worded in 元/万元/亿元 and in
    fen, for API clients that send fen) or a count with its unit. The message names the field and
    the bound: “金额不能超过1亿元（即 10,000,000,000 分）。”, “培训人数不能超过1,000,000人。”."""

    code = "too_large"

    def __init__(self, limit: int, label: Any, unit: Any = FEN) -> None:
        self.limit = limit
        self.label = label
        self.unit = unit

    def bound_text(self) -> str:
        if self.unit == FEN:
            return _("%(amount)s（即 %(fen)s 分）") % {"amount": legal_amount(self.limit), "fen": f"{self.limit:,}"}
        return f"{self.limit:,}{self.unit}"

    def message(self) -> str:
        return _("%(label)s不能超过%(bound)s。") % {"label": self.label, "bound": self.bound_text()}

    def __call__(self, value: Any) -> None:
        if value is not None and value > self.limit:
            raise ValidationError(self.message(), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AtMost) and (self.limit, str(self.label), str(self.unit)) == (
            other.limit,
            str(other.label),
            str(other.unit),
        )

    def __hash__(self) -> int:
        return hash((self.limit, str(self.label), str(self.unit)))
