"""Money typed in yuan (two decimals at most) and handed to the actions in fen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from core.money import to_fen


class YuanField(forms.DecimalField):
    """An amount in yuan, exact to the fen; cleaned to integer fen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        return None if cleaned is None else to_fen(cleaned)


def yuan_label(label: Any) -> str:
    return str(label).replace("（分）", "（元）")
