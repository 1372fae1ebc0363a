"""Forms of the enterprises: they offer only the fields the user's role may edit; rules live in
actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import restrict_fields
from core.validators import not_in_future
from regions.forms.fields import RegionCodeField
from registry.models import Base, Enterprise

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
        label=_("入驻日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
        validators=[not_in_future],  # the rule of the import and the API
    )

    class Meta:
        model = Enterprise
        fields = (
            "credit_code", "credit_code_override", "name", "is_ecommerce", "main_business", "industry",
            "annual_revenue", "employees", "figures_year", "contact_name", "contact_phone",
        )  # fmt: skip

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
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
