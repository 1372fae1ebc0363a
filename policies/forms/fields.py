"""Money typed in yuan (two decimals at most) and handed to the actions in fen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from core.money import to_fen


class YuanField(forms.DecimalField):
    """An amount in yuan, exact to the fen; cleaned to integer fen, which `fen_validators` (the
    model field's ceiling: “金额不能超过1亿元……”) then check."""

    def __init__(self, *args: Any, fen_validators: Sequence[Callable[[int], None]] = (), **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(*args, **kwargs)
        self.fen_validators = list(fen_validators)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        fen = to_fen(cleaned)
        for validator in self.fen_validators:
            validator(fen)
        return fen


def yuan_label(label: Any) -> str:
    return str(label).replace("（分）", "（元）")
