"""Thin forms of the yearly fund and the ledger: every rule lives in the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from policies.forms.fields import YuanField
from policies.models import AllocationRule


class ReverseForm(forms.Form):
    voucher_no = forms.CharField(label=_("冲正凭证号"), max_length=64)
    reason = forms.CharField(label=_("冲正理由"), widget=forms.Textarea(attrs={"rows": 2}))


class FundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    amount = YuanField(
        label=_("年度资金（元）"), required=False, help_text=_("不填则按政策规定（四（五）每年1000万元）")
    )
    allocation_rule = forms.ChoiceField(
        label=_("资金不足时的分配规则"), choices=[("", _("按政策包参数")), *AllocationRule.choices], required=False
    )
    document_no = forms.CharField(label=_("资金安排文号"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
