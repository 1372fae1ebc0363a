"""Form fields that take GB/T 2260 codes typed by people (a select of 3,000 places helps nobody)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def active_regions(codes: list[str]) -> tuple[list[Region], list[str]]:
    """The regions in force for the codes, in code order, and the codes that are not."""
    found = {r.code: r for r in Region.objects.filter(code__in=codes, retired_in__isnull=True)}
    return [found[c] for c in sorted(found)], [c for c in codes if c not in found]


class RegionCodeField(forms.CharField):
    """One 6-digit code in force; cleans to the Region."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("区划代码"))
        kwargs.setdefault("help_text", gettext_lazy("6 位行政区划代码"))
        super().__init__(max_length=6, min_length=6, **kwargs)

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value).strip()
        if not code:
            return None
        regions, missing = active_regions([code])
        if missing:
            raise forms.ValidationError(_("区划代码 %(code)s 不存在或已停用。") % {"code": code})
        return regions[0]


class RegionCodesField(forms.CharField):
    """Several codes separated by commas or blanks; cleans to a list of Regions."""

    def clean(self, value: Any) -> list[Region]:
        text = super().clean(value) or ""
        codes = sorted({c for c in _SEPARATORS.split(text) if c})
        regions, missing = active_regions(codes)
        if missing:
            raise forms.ValidationError(_("以下区划代码不存在或已停用：%(codes)s") % {"codes": "、".join(missing)})
        return regions
