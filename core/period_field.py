"""Storing a `core.period.Period`: a CharField holding its canonical code ("2026Q3", "2026-07",
"2026H1", "2026").

    period = PeriodField(_("报告期"), kinds=[QUARTER])   # only quarters accepted

The attribute is a Period (or None); queries take a Period or its code
(`Report.objects.filter(period=Period.quarter(2026, 3))`, `period__in=[...]`). Ordering by the
column orders the periods of one kind in time (codes of one kind sort like their periods); restrict
a field to one kind when its rows are ordered or compared. A code that is not a period, or not of an
allowed kind, is a validation error in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.period import Kind, Period, PeriodError

KIND_LABELS = {
    Kind.YEAR: gettext_lazy("年度"),
    Kind.HALF: gettext_lazy("半年"),
    Kind.QUARTER: gettext_lazy("季度"),
    Kind.MONTH: gettext_lazy("月度"),
}
CODE_LENGTH = 7  # "2026-07"


def to_period(value: Any, kinds: Iterable[Kind] | None = None) -> Period | None:
    """A Period from a Period, its code or its Chinese name; None for empty. ValidationError (in
    Chinese) for anything else or for a kind not in `kinds`."""
    if value is None or value == "":
        return None
    if isinstance(value, Period):
        period = value
    else:
        try:
            period = Period.parse(str(value))
        except PeriodError:
            raise ValidationError(
                _("“%(value)s”不是有效的期间（如 2026、2026H1、2026Q3、2026-07）。"),
                code="invalid_period",
                params={"value": value},
            ) from None
    allowed = tuple(kinds or ())
    if allowed and period.kind not in allowed:
        raise ValidationError(
            _("期间应为%(kinds)s，不能是%(given)s。"),
            code="period_kind",
            params={"kinds": "、".join(str(KIND_LABELS[k]) for k in allowed), "given": period.label},
        )
    return period


class PeriodFormField(forms.CharField):
    def __init__(self, *, kinds: Iterable[Kind] = (), **kwargs: Any) -> None:
        self.kinds = tuple(kinds)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Period) else value

    def to_python(self, value: Any) -> Period | None:  # type: ignore[override]  # a Period, not text
        return to_period(super().to_python(value), self.kinds)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value.code if isinstance(value, Period) else value)


class PeriodField(models.CharField):
    description = gettext_lazy("期间（年度、半年、季度或月度）")

    def __init__(self, *args: Any, kinds: Iterable[Kind | str] = (), **kwargs: Any) -> None:
        self.kinds = tuple(Kind(k) for k in kinds)
        kwargs.setdefault("max_length", CODE_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == CODE_LENGTH:
            del kwargs["max_length"]
        if self.kinds:
            kwargs["kinds"] = [str(k) for k in self.kinds]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Period | None:
        return None if value is None or value == "" else Period.parse(value)

    def to_python(self, value: Any) -> Period | None:
        return to_period(value, self.kinds)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value.code if isinstance(value, Period) else value)

    def get_prep_value(self, value: Any) -> Any:
        period = to_period(value, None)  # a query may ask for any kind; validation checks kinds
        return None if period is None else period.code

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": PeriodFormField, "kinds": self.kinds, **kwargs})
