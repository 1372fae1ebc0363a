"""The enterprise's request for an account, and the refusal's reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core import uscc


class SignupForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=128, help_text=_("与营业执照一致"))
    contact_name = forms.CharField(label=_("联系人"), max_length=32)
    contact_phone = forms.RegexField(
        label=_("联系电话"),
        regex=r"^[0-9+\-\s]{7,20}$",
        max_length=20,
        error_messages={"invalid": _("请填写电话号码。")},
    )
    username = forms.RegexField(
        label=_("登录名"),
        regex=r"^[A-Za-z0-9_.@+-]{4,30}$",
        max_length=30,
        help_text=_("4 至 30 位字母、数字或 _ . @ + -"),
        error_messages={"invalid": _("登录名只能由 4 至 30 位字母、数字或 _ . @ + - 组成。")},
    )
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(render_value=False))

    def clean_credit_code(self) -> str:
        result = uscc.check(self.cleaned_data["credit_code"])
        if not result.ok:
            raise forms.ValidationError(_("统一社会信用代码校验未通过，请核对后重新填写。"))
        return result.code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class RefuseForm(forms.Form):
    note = forms.CharField(label=_("不予通过的理由"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
