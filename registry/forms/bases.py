"""Forms of the bases: they offer only the fields the user's role may edit; rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import restrict_fields
from core.roles import Role
from regions.forms.fields import RegionCodesField
from registry.actions.bases import EDITABLE_FIELDS
from registry.models import Base, BaseStatus


class BaseEditForm(forms.ModelForm):
    class Meta:
        model = Base
        # The widest set (the ministry's); each role's form keeps only its own fields.
        fields = EDITABLE_FIELDS[Role.MINISTRY]
        widgets = {
            "operating_since": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    covered_codes = RegionCodesField(
        label=_("覆盖区域（区划代码）"),
        required=False,
        help_text=_("多个代码用逗号或空格分隔，如：500153, 500106"),
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_fields(self, (*allowed, "covered_codes") if "region" in allowed else allowed)
        if "covered_codes" in self.fields and self.instance.pk:
            codes = self.instance.covered_regions.values_list("code", flat=True)
            self.fields["covered_codes"].initial = ", ".join(sorted(codes))


class BaseStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("新状态"), choices=BaseStatus.choices)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate)
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
