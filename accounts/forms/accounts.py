"""The system administrator's account form: login name (on creation), name, organisation, phone,
role and the scope the role needs. The scope is chosen the way officials name it: a quota unit or a
base from a list, a region by its GB/T 2260 code, an enterprise by its credit code (a list of
60,000 helps nobody). User.clean decides which scope a role needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.widgets import FastSelect


def _related(name: str) -> type[models.Model]:
    """The model a scope field points to, asked of the user model (accounts sits below regions and
    the registry and imports neither)."""
    model = User._meta.get_field(name).related_model
    assert isinstance(model, type)
    return model


class RegionCodeField(forms.CharField):
    """A 6-digit division code in force; cleans to the region."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=6, required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        region = _related("region")._default_manager.filter(code=code, retired_in__isnull=True).first()
        if region is None:
            raise forms.ValidationError(_("区划代码 %(code)s 不存在或已停用。") % {"code": code})
        return region


class CreditCodeField(forms.CharField):
    """An enterprise's unified social credit code; cleans to the registered enterprise."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=18, required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        enterprise = _related("enterprise")._default_manager.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("统一社会信用代码为 %(code)s 的企业尚未登记。") % {"code": code})
        return enterprise


class AccountForm(forms.ModelForm):
    region = RegionCodeField(
        label=gettext_lazy("行政区划代码"), help_text=gettext_lazy("区县商务局账号填写：所辖地区的 6 位行政区划代码")
    )
    enterprise = CreditCodeField(
        label=gettext_lazy("企业统一社会信用代码"), help_text=gettext_lazy("入驻企业账号填写：该企业的统一社会信用代码")
    )

    class Meta:
        model = User
        fields = ("username", "display_name", "organisation", "phone", "role", "quota_unit", "region", "base",
                  "enterprise")  # fmt: skip
        labels = {"username": gettext_lazy("登录名")}
        help_texts = {
            "username": gettext_lazy("登录时使用，创建后不能修改；字母、数字和 @.+-_"),
            "quota_unit": gettext_lazy("省级商务主管部门账号填写"),
            "base": gettext_lazy("基地运营主体账号填写"),
        }
        widgets = {"role": FastSelect, "quota_unit": FastSelect, "base": FastSelect}

    def __init__(self, *args: Any, own: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user: User = self.instance
        if user.pk is not None:
            del self.fields["username"]
            self.initial["region"] = user.region.code if user.region_id and user.region else ""
            self.initial["enterprise"] = user.enterprise.credit_code if user.enterprise_id and user.enterprise else ""
        for name in ("display_name", "role"):
            self.fields[name].required = True
        base = self.fields["base"]
        assert isinstance(base, forms.ModelChoiceField)
        base.queryset = _related("base")._default_manager.order_by("name").only("id", "name")
        for name in ("quota_unit", "base"):
            choice = self.fields[name]
            assert isinstance(choice, forms.ModelChoiceField)
            choice.empty_label = _("（不填）")
        if own:
            # Nobody changes their own role or scope (the action refuses it too).
            for name in ("role", "quota_unit", "region", "base", "enterprise"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("不能修改本人的角色和权限范围。")
