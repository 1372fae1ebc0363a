"""Thin forms: they offer only the fields the user's role may edit; rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from regions.forms import RegionCodeField, RegionCodesField
from registry.actions.bases import EDITABLE_FIELDS
from registry.models import Base, BaseStatus, Enterprise


def restrict_fields(form: forms.ModelForm, allowed: tuple[str, ...]) -> None:
    for name in list(form.fields):
        if name not in allowed:
            del form.fields[name]


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


# Fields each role may edit on an enterprise it can change.
ENTERPRISE_EDITABLE: dict[str, tuple[str, ...]] = {
    "ministry": (
        "name",
        "region",
        "is_ecommerce",
        "main_business",
        "industry",
        "annual_revenue",
        "employees",
        "figures_year",
        "contact_name",
        "contact_phone",
        "credit_code_override",
    ),
    "operator": (
        "name",
        "is_ecommerce",
        "main_business",
        "industry",
        "annual_revenue",
        "employees",
        "figures_year",
        "contact_name",
        "contact_phone",
    ),
    "enterprise": ("main_business", "contact_name", "contact_phone"),
}


class EnterpriseEditForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_EDITABLE["ministry"]

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_fields(self, allowed)


class EnterpriseCreateForm(forms.ModelForm):
    region_code = RegionCodeField(label=_("注册地区代码"))
    base = forms.ModelChoiceField(label=_("入驻基地"), queryset=Base.objects.none(), required=False)
    entered_on = forms.DateField(
        label=_("入驻日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    class Meta:
        model = Enterprise
        fields = (
            "credit_code", "credit_code_override", "name", "is_ecommerce", "main_business", "industry",
            "annual_revenue", "employees", "figures_year", "contact_name", "contact_phone",
        )  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from core.scoping import CHANGE, restrict

        bases = restrict(Base.objects.all(), user, CHANGE).only("id", "name")
        base_field = self.fields["base"]
        assert isinstance(base_field, forms.ModelChoiceField)
        base_field.queryset = bases
        if getattr(user, "role", None) == "operator":
            self.fields["base"].required = True
            self.fields["base"].initial = getattr(user, "base_id", None)

    def clean_region_code(self) -> Any:
        region = self.cleaned_data["region_code"]
        self.instance.region = region
        return region

    def clean_entered_on(self) -> Any:
        value = self.cleaned_data.get("entered_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("入驻日期不能晚于今天。"))
        return value
